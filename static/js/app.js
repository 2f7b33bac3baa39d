// Small behaviours shared by every page; no inline scripts (strict CSP).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("[data-autosubmit]")) {
    el.form.submit();
  }
});
