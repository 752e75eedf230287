// Loaded in <head>, before the body is drawn: marks the page as scripted, so
// panels and controls that scripts manage start in their scripted state
// (no flash of every panel open). The theme itself needs no script: the
// server writes it on <html>, and "auto" follows prefers-color-scheme in CSS.
document.documentElement.classList.add("js");
