// Live board: htmx refreshes the rows every 20 s; this pauses it while the tab
// is hidden and refreshes at once when the student comes back.
(function () {
  "use strict";
  var rows = document.getElementById("board-rows");
  if (!rows) return;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.target.closest("[data-pause-when-hidden]")) event.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && window.htmx) {
      window.htmx.ajax("GET", rows.getAttribute("hx-get"), { target: rows, swap: "innerHTML" });
    }
  });
})();
