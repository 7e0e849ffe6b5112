/* The self-hash page: hash the chosen pictures here (devicehash.js) and send only the hashes
 * and the category, as JSON. The files are never read into a request. */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("self-hash-form");
    if (!form || !window.DeviceHash) return;
    var input = document.getElementById("self-hash-files");
    var send = document.getElementById("self-hash-send");
    var status = document.getElementById("self-hash-status");
    var errorBox = document.getElementById("self-hash-error");
    var text = form.dataset;
    var max = parseInt(text.max, 10) || 10;
    var hashes = [];

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
      status.textContent = "";
    }

    function clearError() {
      errorBox.textContent = "";
      errorBox.hidden = true;
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });

    input.addEventListener("change", async function () {
      hashes = [];
      send.disabled = true;
      clearError();
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return;
      if (files.length > max) { showError(text.tooMany); return; }
      status.textContent = text.working;
      try {
        for (var i = 0; i < files.length; i++) {
          var h = await window.DeviceHash.hashFile(files[i]);
          hashes.push({ pdq: h.pdq, md5: h.md5, sha256: h.sha256, quality: h.quality });
        }
      } catch (err) {
        hashes = [];
        showError(text.unreadable);
        return;
      }
      status.textContent = text.ready;
      send.disabled = false;
      form.dataset.hashed = String(hashes.length);
    });

    send.addEventListener("click", async function () {
      clearError();
      if (!hashes.length) { showError(text.choose); return; }
      var chosen = form.querySelector("input[name=category]:checked");
      var share = document.getElementById("self-hash-share");
      var payload = { category: chosen ? chosen.value : "", images: hashes };
      // "share" only when the young person ticked the box themselves: their consent.
      if (share && share.checked) payload.share = true;
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      status.textContent = text.sending;
      send.disabled = true;
      var response, body = null;
      try {
        response = await fetch(window.location.pathname, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify(payload)
        });
        try { body = await response.json(); } catch (err) { body = null; }
      } catch (err) {
        showError(text.failed);
        send.disabled = false;
        return;
      }
      if (response.status === 201 && body) {
        form.hidden = true;
        input.value = "";
        hashes = [];
        document.getElementById("self-hash-code").textContent = body.tracking_code;
        document.getElementById("self-hash-secret").textContent = body.secret;
        document.getElementById("self-hash-receipt").hidden = false;
        return;
      }
      send.disabled = false;
      if (body && body.message) showError(body.message);
      else if (response.status === 413) showError(text.tooLarge);
      else showError(text.failed);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
