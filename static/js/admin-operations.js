// The operations page: htmx refreshes the figures every few seconds (hx-trigger on #ops-live). This skips
// a refresh while the tab is hidden, refreshes at once when it is shown again, and says so when the
// refreshes stop working instead of leaving old figures that look current.
(function () {
  "use strict";
  var stale = document.getElementById("ops-stale");
  if (!document.getElementById("ops-live")) return;

  function live() {
    return document.getElementById("ops-live");
  }
  function failed() {
    if (stale) stale.hidden = false;
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.target === live()) event.preventDefault();
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.target !== live()) return;
    // A session that ended is answered with the admin's login page (200 after the redirect): not ours to swap in.
    if (!event.detail.xhr || event.detail.xhr.status !== 200 || event.detail.serverResponse.indexOf('id="ops-live"') === -1) {
      event.detail.shouldSwap = false;
      failed();
      return;
    }
    if (stale) stale.hidden = true;
  });
  document.body.addEventListener("htmx:sendError", failed);
  document.body.addEventListener("htmx:responseError", failed);
  document.addEventListener("visibilitychange", function () {
    var region = live();
    if (!document.hidden && region && window.htmx) {
      window.htmx.ajax("GET", region.getAttribute("hx-get"), { target: region, swap: "outerHTML" });
    }
  });
})();
