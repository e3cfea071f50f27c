// Progressive enhancement only: every page works without this script.
// Large photos are shrunk on the phone before upload (a 12 MP photo becomes a few hundred
// kilobytes), and uploads show progress, because mobile data is slow and costs money.
(function () {
  "use strict";
  var MAX_EDGE = 2000, SHRINK_ABOVE = 1500000;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png)$/.test(file.type) || file.size < SHRINK_ABOVE || !window.createImageBitmap) return resolve(file);
      createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale); canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      }, function () { resolve(file); });
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    // Choosing the file is the last step: the upload starts at once, no extra button to find.
    var chooser = form.querySelector("input[type=file]"), go = form.querySelector("button");
    if (chooser && go && form.requestSubmit) {
      go.hidden = true;
      chooser.addEventListener("change", function () { if (chooser.files.length) form.requestSubmit(); });
    }
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length || !window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var button = form.querySelector("button"), bar = form.querySelector("progress");
      button.disabled = true;
      shrink(input.files[0]).then(function (file) {
        var data = new FormData(form);
        data.set("file", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action || window.location.href);
        if (bar) { bar.hidden = false; xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; }; }
        xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); history.replaceState(null, "", xhr.responseURL); };
        xhr.onerror = function () { button.disabled = false; if (bar) bar.hidden = true; form.submit(); };
        xhr.send(data);
      });
    });
  });
})();

// Payment deadline: a live countdown. The deadline itself stays as the page wrote it, in the
// office's zone and labelled (WIB, WITA, WIT): a phone's own zone is often set wrong.
(function () {
  "use strict";
  document.querySelectorAll("time[data-deadline]").forEach(function (el) {
    var deadline = new Date(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    var out = el.parentNode.querySelector("[data-countdown]");
    function tick() {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      if (out) out.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
      if (left === 0) { clearInterval(timer); setTimeout(function () { location.reload(); }, 1500); }
    }
    var timer = setInterval(tick, 1000); tick();
  });
})();

// Copy buttons (the billing code): shown only where the clipboard can be written.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();

// An unpaid bill watches for the bank's confirmation: a tiny status request every 10 s
// (slower after a few minutes, paused while the page is hidden), and the page reloads itself
// when the status changes. Without this script the page offers a plain refresh link.
(function () {
  "use strict";
  var card = document.querySelector("[data-watch]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-watch"), seen = card.getAttribute("data-watch-status"), tries = 0;
  function ask() {
    if (document.hidden) return schedule();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.status && body.status !== seen) { location.reload(); return; }
        schedule();
      }, schedule);
  }
  function schedule() { tries += 1; setTimeout(ask, tries < 30 ? 10000 : 30000); }
  schedule();
})();

// A form that came back with errors: move focus to the summary at the top, so the person (and
// a screen reader) starts from the list of what to fix, with links to each field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();

// The waiting-room board: fetch the page every few seconds and swap in the numbers, so the
// screen stays current; a person reading it (or a screen reader) can pause and resume.
(function () {
  var board = document.querySelector("[data-live-board]");
  if (!board || !window.fetch || !window.DOMParser) return;
  var region = board.querySelector("[data-live-region]");
  var button = board.querySelector("button[data-pause]");
  var seconds = parseInt(board.getAttribute("data-live-board"), 10) || 5;
  var paused = false, runningLabel = button.textContent;
  button.parentNode.hidden = false;
  button.addEventListener("click", function () {
    paused = !paused;
    button.textContent = paused ? button.getAttribute("data-paused-label") : runningLabel;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
  });
  button.setAttribute("aria-pressed", "false");
  setInterval(function () {
    if (paused || document.hidden) return;
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-region]");
        if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }, seconds * 1000);
})();
