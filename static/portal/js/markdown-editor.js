// The admin's Markdown editor (templates/admin/portal/markdown_editor.html): shows the live
// preview pane, the image button and its dialog. django-markdownx keeps doing the preview; this
// file takes over image uploads (the button, and files dropped or pasted into the text), so the
// alt text is always asked for and an upload error is shown, never written into the text.
// No inline script or style: it runs under the admin's strict Content Security Policy.
(function () {
  "use strict";

  function csrfToken(element) {
    var form = element.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Alt text inside ![...]: brackets and backslashes escaped, one line.
  function escapeAlt(text) {
    return text.replace(/\s+/g, " ").trim().replace(/([\\\[\]])/g, "\\$1");
  }

  function serverMessage(body) {
    if (body && Array.isArray(body.image) && body.image.length) return body.image.join(" ");
    if (body && typeof body.feil === "string") return body.feil;
    return "";
  }

  function setUp(root) {
    var textarea = root.querySelector("textarea.markdownx-editor");
    var dialog = root.querySelector("[data-md-image-dialog]");
    if (!textarea || !dialog || typeof dialog.showModal !== "function") return;
    var fileInput = dialog.querySelector("[data-md-image-file]");
    var altInput = dialog.querySelector("[data-md-image-alt]");
    var decorative = dialog.querySelector("[data-md-image-decorative]");
    var errorBox = dialog.querySelector("[data-md-image-error]");
    var insertButton = dialog.querySelector("[data-md-image-insert]");
    var status = root.querySelector("[data-md-status]");
    var messages = root.dataset;
    var selection = { start: 0, end: 0 };
    var busy = false;

    root.querySelector("[data-md-toolbar]").hidden = false;
    root.querySelector("[data-md-preview-pane]").hidden = false;
    root.classList.add("md-editor--enhanced");

    function showError(text) {
      errorBox.textContent = text;
      errorBox.hidden = !text;
    }

    function open(files) {
      selection = { start: textarea.selectionStart, end: textarea.selectionEnd };
      showError("");
      altInput.value = "";
      decorative.checked = false;
      altInput.disabled = false;
      fileInput.value = "";
      if (files && files.length) fileInput.files = files;
      dialog.showModal();
      (files && files.length ? altInput : fileInput).focus();
    }

    function close() {
      dialog.close();
      textarea.focus();
      textarea.setSelectionRange(selection.start, selection.end);
    }

    // The image on lines of its own (a paragraph of its own) where the cursor was.
    function insert(markdown) {
      var value = textarea.value;
      var before = value.slice(0, selection.start).replace(/[ \t]+$/, "");
      var after = value.slice(selection.end).replace(/^[ \t]+/, "");
      var lead = before === "" ? "" : /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
      var tail = after === "" ? "\n" : /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
      var text = lead + markdown + tail;
      textarea.value = before + text + after;
      var cursor = before.length + text.length;
      selection = { start: cursor, end: cursor };
      // markdownx refreshes the preview on input; Django's change-form tracking too.
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload() {
      if (busy) return;
      var file = fileInput.files && fileInput.files[0];
      var alt = altInput.value.trim();
      if (!file) {
        showError(messages.msgNoFile);
        fileInput.focus();
        return;
      }
      if (!alt && !decorative.checked) {
        showError(messages.msgNoAlt);
        altInput.focus();
        return;
      }
      var data = new FormData();
      data.append("image", file);
      data.append("csrfmiddlewaretoken", csrfToken(root));
      busy = true;
      insertButton.disabled = true;
      showError("");
      status.textContent = messages.msgUploading;
      fetch(textarea.getAttribute("data-markdownx-upload-urls-path"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return null;
            })
            .then(function (body) {
              return { ok: response.ok, body: body };
            });
        })
        .then(function (result) {
          var url = result.body && result.body.image_url;
          if (!result.ok || !url) {
            status.textContent = "";
            showError(serverMessage(result.body) || messages.msgFailed);
            return;
          }
          var markdown = decorative.checked
            ? "![](" + url + ") " + messages.decorativeMarker
            : "![" + escapeAlt(alt) + "](" + url + ")";
          close();
          insert(markdown);
          status.textContent = messages.msgInserted;
        })
        .catch(function () {
          status.textContent = "";
          showError(messages.msgOffline);
        })
        .finally(function () {
          busy = false;
          insertButton.disabled = false;
        });
    }

    root.querySelector("[data-md-image-open]").addEventListener("click", function () {
      open(null);
    });
    insertButton.addEventListener("click", upload);
    dialog.querySelector("[data-md-image-cancel]").addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      close();
    });
    decorative.addEventListener("change", function () {
      altInput.disabled = decorative.checked;
      if (decorative.checked) altInput.value = "";
    });
    // Enter in the dialog inserts instead of submitting the admin's form around it.
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        upload();
      }
    });

    // Files dropped or pasted into the text go through the dialog too. Caught on the way down
    // (capture), so markdownx's own upload, which inserts "Invalid response" on an error and
    // never asks for alt text, does not run.
    function takeOver(event, files) {
      if (!files || !files.length) return;
      event.preventDefault();
      event.stopPropagation();
      open(files);
    }
    var panes = root.querySelector(".markdownx");
    panes.addEventListener(
      "drop",
      function (event) {
        takeOver(event, event.dataTransfer && event.dataTransfer.files);
      },
      true
    );
    panes.addEventListener(
      "paste",
      function (event) {
        takeOver(event, event.clipboardData && event.clipboardData.files);
      },
      true
    );
  }

  function start() {
    document.querySelectorAll("[data-md-editor]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
