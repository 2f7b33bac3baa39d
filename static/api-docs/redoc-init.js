// Redoc start-up, kept out of the page so the CSP needs no inline script.
(function () {
  "use strict";
  var box = document.getElementById("redoc-container");
  var fonts = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  Redoc.init(box.dataset.specUrl, {
    nonce: box.dataset.nonce,
    theme: { typography: { fontFamily: fonts, headings: { fontFamily: fonts } } }
  }, box);
})();
