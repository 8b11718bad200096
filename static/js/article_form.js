/* The article form: the body editor's name, images in the body (upload and the
   media library), the Share preview link button, and names for the admin's
   autocomplete boxes. No inline script or style: the strict CSP allows neither. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function make(tag, attrs, text) {
    var element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      element.setAttribute(name, attrs[name]);
    });
    if (text) {
      element.textContent = text;
    }
    return element;
  }

  function labelText(id) {
    var label = document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  /* ---- The body editor: an accessible name, and images ---- */

  var bodyEditor = null;

  function nameEditor(textarea, editor) {
    var dom = editor.view.dom;
    dom.setAttribute("aria-label", labelText(textarea.id) || "Body");
    dom.setAttribute("aria-multiline", "true");
    dom.setAttribute("role", "textbox");
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    nameEditor(textarea, event.detail.editor);
    if (textarea.id === "id_body") {
      bodyEditor = event.detail.editor;
      var panel = document.getElementById("body-images");
      if (panel) {
        panel.hidden = false;
      }
    }
  });

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function imageHtml(image) {
    var img =
      '<img src="' + escapeHtml(image.src) + '" alt="' + escapeHtml(image.alt) +
      '" width="' + image.width + '" height="' + image.height + '">';
    var words = [image.caption, image.credit].filter(Boolean).join(" — ");
    if (!words) {
      return img;
    }
    return (
      '<figure class="figure">' + img + '<figcaption class="figure-caption">' +
      escapeHtml(words) + "</figcaption></figure>"
    );
  }

  function insertImage(image) {
    if (bodyEditor) {
      bodyEditor.chain().focus().insertContent(imageHtml(image)).run();
    }
  }

  function field(panel, id, label, input) {
    var row = make("div", { class: "body-images-field" });
    row.appendChild(make("label", { for: id }, label));
    input.id = id;
    row.appendChild(input);
    panel.appendChild(row);
    return input;
  }

  function buildPanel(textarea) {
    var uploadUrl = textarea.dataset.uploadUrl;
    var chooseUrl = textarea.dataset.chooseUrl;
    if (!uploadUrl || !chooseUrl) {
      return;
    }
    var panel = make("fieldset", { id: "body-images", class: "body-images" });
    panel.hidden = !bodyEditor; // shown once the editor is ready
    panel.appendChild(make("legend", {}, "Images in the body"));

    var upload = make("div", { class: "body-images-upload" });
    upload.appendChild(make("p", { class: "body-images-title" }, "Upload an image"));
    var file = field(upload, "body-image-file", "Image (JPEG, PNG, WebP or GIF)",
      make("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif" }));
    var alt = field(upload, "body-image-alt", "Alt text (required)",
      make("input", { type: "text", maxlength: "300", class: "vTextField", "aria-required": "true" }));
    var caption = field(upload, "body-image-caption", "Caption",
      make("input", { type: "text", maxlength: "300", class: "vTextField" }));
    var credit = field(upload, "body-image-credit", "Credit",
      make("input", { type: "text", maxlength: "200", class: "vTextField" }));
    var send = make("button", { type: "button", class: "button" }, "Upload and insert");
    upload.appendChild(send);
    var status = make("p", { class: "body-images-status", role: "status", id: "body-image-status" });
    upload.appendChild(status);
    panel.appendChild(upload);

    var library = make("div", { class: "body-images-library" });
    library.appendChild(make("p", { class: "body-images-title" }, "Media library"));
    var query = field(library, "body-image-search", "Search the library",
      make("input", { type: "search", class: "vTextField" }));
    var search = make("button", { type: "button", class: "button" }, "Show images");
    library.appendChild(search);
    var found = make("ul", { class: "body-images-found", id: "body-images-found" });
    library.appendChild(found);
    panel.appendChild(library);

    function sendUpload() {
      status.textContent = "";
      status.classList.remove("errornote");
      if (!file.files.length) {
        return fail("Choose an image first.");
      }
      var maxBytes = Number(textarea.dataset.maxBytes || 0);
      if (maxBytes && file.files[0].size > maxBytes) {
        return fail(textarea.dataset.tooLarge);
      }
      if (!alt.value.trim()) {
        alt.setAttribute("aria-invalid", "true");
        alt.focus();
        return fail("Describe the image in its alt text: readers who cannot see it need it.");
      }
      alt.removeAttribute("aria-invalid");
      var data = new FormData();
      data.append("file", file.files[0]);
      data.append("alt", alt.value);
      data.append("caption", caption.value);
      data.append("credit", credit.value);
      status.textContent = "Uploading…";
      fetch(uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          }, function () {
            return { ok: false, body: { errors: { file: [{ message: "The server refused the upload (" + response.status + ")." }] } } };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            var messages = [];
            Object.keys(result.body.errors || {}).forEach(function (name) {
              result.body.errors[name].forEach(function (error) {
                messages.push(error.message);
              });
            });
            return fail(messages.join(" ") || "The upload failed.");
          }
          insertImage(result.body);
          status.textContent = "Inserted “" + result.body.alt + "” into the body.";
          file.value = alt.value = caption.value = credit.value = "";
        })
        .catch(function () {
          fail("The upload failed: the server could not be reached.");
        });
    }

    function fail(message) {
      status.textContent = message;
      status.classList.add("errornote");
    }

    function showLibrary() {
      var url = chooseUrl + "?q=" + encodeURIComponent(query.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json();
        })
        .then(function (body) {
          found.textContent = "";
          if (!body.images.length) {
            found.appendChild(make("li", {}, "No image found."));
          }
          body.images.forEach(function (image) {
            var item = make("li");
            var button = make("button", { type: "button", class: "body-images-pick" });
            var thumb = make("img", { src: image.src, alt: "", width: "96", loading: "lazy" });
            button.appendChild(thumb);
            button.appendChild(make("span", {}, "Insert “" + image.alt + "”"));
            button.addEventListener("click", function () {
              insertImage(image);
              status.classList.remove("errornote");
              status.textContent = "Inserted “" + image.alt + "” into the body.";
            });
            item.appendChild(button);
            found.appendChild(item);
          });
        });
    }

    send.addEventListener("click", sendUpload);
    search.addEventListener("click", showLibrary);
    // Enter in these boxes would send the whole article form.
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        (event.target === query ? showLibrary : sendUpload)();
      }
    });
    var row = textarea.closest(".form-row") || textarea.parentNode;
    row.parentNode.insertBefore(panel, row.nextSibling);
  }

  /* ---- Share preview link ---- */

  function shareForm(form) {
    var result = document.getElementById("share-preview-result");
    var output = document.getElementById("share-preview-url");
    var status = result ? result.querySelector("[role=status]") : null;
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !result) {
        return; // sent as a plain form; the link comes back in a message
      }
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (body) {
          result.hidden = false;
          if (body.error) {
            output.value = "";
            status.textContent = body.error;
            return;
          }
          output.value = body.url;
          status.textContent = "Link made, usable until " + body.expires_at + ".";
          copy(output, status);
        })
        .catch(function () {
          result.hidden = false;
          status.textContent = "The link could not be made: the server could not be reached.";
        });
    });
    var copyButton = result && result.querySelector("[data-copy-for]");
    if (copyButton) {
      copyButton.addEventListener("click", function () {
        copy(output, status);
      });
    }
  }

  function copy(output, status) {
    output.focus();
    output.select();
    if (!navigator.clipboard) {
      status.textContent += " Press Ctrl+C (⌘C) to copy it.";
      return;
    }
    navigator.clipboard.writeText(output.value).then(
      function () {
        status.textContent += " Copied to the clipboard.";
      },
      function () {
        status.textContent += " Press Ctrl+C (⌘C) to copy it.";
      }
    );
  }

  /* ---- Names for the admin's autocomplete (select2) boxes ---- */

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var name = labelText(select.id) || select.getAttribute("aria-label") || "";
      if (!name) {
        return;
      }
      container.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach(function (element) {
        if (element.getAttribute("aria-label") !== name) {
          element.setAttribute("aria-label", name);
        }
      });
      container.querySelectorAll(".select2-selection__rendered").forEach(function (list) {
        if (list.tagName === "UL" && list.getAttribute("role") !== "presentation") {
          list.setAttribute("role", "presentation");
        }
      });
    });
  }

  function start() {
    var textarea = document.getElementById("id_body");
    if (textarea) {
      buildPanel(textarea);
    }
    document.querySelectorAll("form[data-share-preview]").forEach(shareForm);
    nameAutocompletes(document);
    // select2 redraws its boxes on every change and for each added inline row.
    new MutationObserver(function () {
      nameAutocompletes(document);
    }).observe(document.getElementById("content-main") || document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
