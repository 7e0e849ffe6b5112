// Quick exit on public pages: leave for a neutral site at once, replacing this page in the
// history (Back does not return here), after clearing what this site kept in the browser and
// asking the server to forget the report opened in this session. Esc twice does the same.
(function () {
  "use strict";
  function forgetLocally() {
    try { window.sessionStorage.clear(); } catch (e) { /* storage disabled */ }
    try { window.localStorage.clear(); } catch (e) { /* storage disabled */ }
  }
  function leave(link) {
    forgetLocally();
    var forget = link.getAttribute("data-forget-url");
    if (forget && navigator.sendBeacon) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", link.getAttribute("data-csrf") || "");
      navigator.sendBeacon(forget, body);
    }
    window.location.replace(link.getAttribute("href"));
  }
  window.copnetForgetLocally = forgetLocally;
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("quick-exit");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      leave(link);
    });
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - lastEscape < 1500) { leave(link); }
      lastEscape = now;
    });
  });
})();
