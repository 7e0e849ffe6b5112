// The thanks page: copy the codes, print them.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.addEventListener("DOMContentLoaded", function () {
    var copy = document.getElementById("copy-codes");
    var result = document.getElementById("copy-result");
    if (copy) {
      copy.addEventListener("click", function () {
        copyText(copy.getAttribute("data-copy")).then(function () {
          result.textContent = copy.getAttribute("data-copied");
        }, function () {
          result.textContent = "";
        });
      });
    }
    var print = document.getElementById("print-codes");
    if (print) {
      print.addEventListener("click", function () { window.print(); });
    }
  });
})();
