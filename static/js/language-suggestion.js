// On an English page, offer a reader whose browser prefers Chinese the page in their
// script (templates/jinja2/includes/languages.html). The server sends every reader
// the same page and never redirects; only this link appears.
(function () {
  "use strict";
  var box = document.querySelector(".language-suggestion");
  var first = ((navigator.languages && navigator.languages[0]) || navigator.language || "").toLowerCase();
  if (!box || first.indexOf("zh") !== 0) {
    return;
  }
  var traditional = /hant|-tw|-hk|-mo/.test(first);
  var link = box.querySelector('[data-script="' + (traditional ? "zh-hant" : "zh-hans") + '"]');
  if (link) {
    link.hidden = false;
    box.hidden = false;
  }
})();
