// The import's progress, every two seconds, until it is done; then the page reloads to show the result.
// Without this script the page says to refresh it.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) return;
  var hint = box.querySelector(".js-hidden");
  if (hint) hint.hidden = true;
  var bar = document.getElementById("import-bar");
  var count = document.getElementById("import-count");
  var status = document.getElementById("import-status");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 5000);
        bar.max = data.total || 1;
        bar.value = data.processed;
        count.textContent = data.processed + " of " + data.total + " questions written.";
        status.textContent = data.status_text;
        if (data.status === "done" || data.status === "failed") window.location.assign(box.dataset.doneUrl);
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
