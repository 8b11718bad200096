// Refuse a file over its input's data-max-bytes before the form is sent: a request
// over the server's limit is answered with a 413 page, and the form is gone.
"use strict";

(function () {
  // As Django's filesizeformat writes sizes, so both limits read alike.
  function sizeText(bytes) {
    const units = [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]];
    for (const [unit, size] of units) {
      if (bytes >= size) {
        return (bytes / size).toFixed(1) + "\u00a0" + unit;
      }
    }
    return bytes + "\u00a0bytes";
  }

  function tooLarge(input) {
    const limit = Number(input.dataset.maxBytes);
    return Array.from(input.files).find((file) => file.size > limit);
  }

  function show(input) {
    const file = tooLarge(input);
    let note = document.getElementById(input.id + "_too_large");
    if (!file) {
      if (note) {
        note.remove();
      }
      input.removeAttribute("aria-invalid");
      return true;
    }
    if (!note) {
      note = document.createElement("ul");
      note.id = input.id + "_too_large";
      note.className = "errorlist";
      note.setAttribute("role", "alert");
      note.append(document.createElement("li"));
      input.insertAdjacentElement("afterend", note);
      input.setAttribute("aria-describedby", note.id);
    }
    note.firstChild.textContent = input.dataset.tooLarge.replace(
      "{size}",
      sizeText(file.size),
    );
    input.setAttribute("aria-invalid", "true");
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
    for (const input of inputs) {
      input.addEventListener("change", () => show(input));
      if (input.form) {
        input.form.addEventListener("submit", function (event) {
          if (!show(input)) {
            event.preventDefault();
            input.focus();
          }
        });
      }
    }
  });
})();
