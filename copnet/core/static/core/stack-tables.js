// On a phone, tables are shown as stacked cards (site.css): each cell is labelled with its
// column's heading, copied here into data-label so that CSS can show it. Runs again after htmx
// swaps in new rows.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"),
        function (th) { return th.textContent.trim(); }
      );
      if (!headings.length) { return; }
      table.classList.add("stackable");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && headings[index]) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSettle", function (event) { label(event.target); });
})();
