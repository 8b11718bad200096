// Count one read of the article: a same-origin POST with no body to the URL in
// data-read-url (articles/reads.py). No cookie, nothing about the reader is sent
// beyond what any request carries, and nothing is stored about them.
"use strict";

(function () {
  const article = document.querySelector("[data-read-url]");
  if (!article || !navigator.sendBeacon) {
    return;
  }
  const send = () => navigator.sendBeacon(article.dataset.readUrl);
  // A page prerendered for a link the reader may not follow counts when shown.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
