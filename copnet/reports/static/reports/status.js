// The status page: a QR code may carry the secret in the address's fragment (never sent to the
// server): fill it in, then drop it from the address bar and the history entry.
// "Forget this report on this device" also clears what this site kept in the browser.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var match = /(?:^#|&)secret=([^&]*)/.exec(window.location.hash);
    var field = document.getElementById("id_secret");
    if (match && field) {
      try { field.value = decodeURIComponent(match[1]); } catch (e) { field.value = ""; }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var forget = document.getElementById("forget-form");
    if (forget) {
      forget.addEventListener("submit", function () {
        try { window.sessionStorage.clear(); } catch (e) { /* storage disabled */ }
        try { window.localStorage.clear(); } catch (e) { /* storage disabled */ }
      });
    }
  });
})();
