// Marks the page as scripted, so controls that only matter without JavaScript
// (such as "Update counts") can hide themselves.
document.documentElement.classList.add("js");

// Forms marked data-confirm ask first (ending a block early, for instance).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
