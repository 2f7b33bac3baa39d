// Background export page: poll the job's status until the file is ready.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) {
    return;
  }
  var bar = document.getElementById("export-progress");
  var stateText = box.querySelector("[data-state-text]");
  var progressText = box.querySelector("[data-progress-text]");
  var download = document.getElementById("export-download");
  var error = document.getElementById("export-error");

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        progressText.textContent = job.progress;
        if (job.status === "done") {
          stateText.textContent = download.textContent;
          download.classList.remove("d-none");
        } else if (job.status === "failed") {
          error.classList.remove("d-none");
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (box.dataset.status === "queued" || box.dataset.status === "running") {
    window.setTimeout(poll, 1000);
  }
})();
