// Marks the page as scripted, so controls that only matter without JavaScript
// (such as "Update counts") can hide themselves.
document.documentElement.classList.add("js");
