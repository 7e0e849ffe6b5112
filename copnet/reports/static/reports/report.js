// The report form: show the advice for the kind of harm chosen, before the report is sent.
(function () {
  "use strict";
  function show() {
    var chosen = document.querySelector("input[name=category]:checked");
    document.querySelectorAll("[data-advice-for]").forEach(function (box) {
      box.hidden = !chosen || box.getAttribute("data-advice-for") !== chosen.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[name=category]").forEach(function (radio) {
      radio.addEventListener("change", show);
    });
    show();
  });
})();
