// Dashboard charts: data comes from json_script blocks (strict CSP, no inline scripts).
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }

  function readData(canvas) {
    var el = document.getElementById(canvas.dataset.source);
    return el ? JSON.parse(el.textContent) : null;
  }

  var builders = {
    fields: function (canvas, data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: canvas.dataset.labelShortage, data: data.shortage, backgroundColor: "#dc3545" },
            { label: canvas.dataset.labelSurplus, data: data.surplus, backgroundColor: "#198754" }
          ]
        },
        options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    },
    communes: function (canvas, data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: canvas.dataset.labelShortage, data: data.shortage, backgroundColor: "#dc3545" }]
        },
        options: {
          indexAxis: "y",
          responsive: true,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var build = builders[canvas.dataset.chart];
    var data = readData(canvas);
    if (build && data) {
      new Chart(canvas, build(canvas, data));
    }
  });
})();
