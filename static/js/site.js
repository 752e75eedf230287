// Marks the page as scripted, so controls that only matter without JavaScript
// (such as "Update counts") can hide themselves.
document.documentElement.classList.add("js");

// Forms marked data-confirm ask first (ending a block early, for instance).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// Display settings apply at once and are stored with the account (the form
// still works as a plain post without this script).
(function () {
  var form = document.getElementById("display-form");
  if (!form) return;
  var root = document.documentElement;
  function apply() {
    var data = new FormData(form);
    root.dataset.theme = data.get("theme") || "auto";
    root.dataset.font = data.get("font_size") || "normal";
    if (data.get("high_contrast")) root.dataset.contrast = "high"; else delete root.dataset.contrast;
    var scheme = document.querySelector('meta[name="color-scheme"]');
    if (scheme) scheme.content = { dark: "dark", light: "light" }[root.dataset.theme] || "light dark";
  }
  form.addEventListener("change", function () {
    apply();
    var data = new FormData(form);
    var status = document.getElementById("display-status");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
    }).then(function (response) {
      if (status) status.textContent = response.ok ? "Saved." : "Not saved: try again.";
    }).catch(function () { if (status) status.textContent = "Not saved: you seem to be offline."; });
  });
})();

// Times are written in UTC by the server; shown here in the browser's own time zone.
(function () {
  var dateFormat, timeFormat;
  try {
    dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  } catch (e) { return; }
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    element.title = element.textContent;  // the UTC time stays at hand
    element.textContent = (element.dataset.local === "time" ? timeFormat : dateFormat).format(moment);
  });
})();

// Question images open full size in a dialog (Esc or the button closes it and focus returns to the
// image's link). Without this script the link opens the full image on its own.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.zoomable");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  var dialog = document.createElement("dialog");
  dialog.className = "image-zoom";
  var thumb = link.querySelector("img");
  dialog.setAttribute("aria-label", "Image: " + (thumb ? thumb.alt : ""));
  var close = document.createElement("button");
  close.type = "button";
  close.className = "image-zoom-close";
  close.textContent = "Close image";
  var image = document.createElement("img");
  image.src = link.href;
  image.alt = thumb ? thumb.alt : "";
  dialog.append(close, image);
  close.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("click", function (e) { if (e.target === dialog || e.target === image) dialog.close(); });
  dialog.addEventListener("close", function () { dialog.remove(); link.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
});
