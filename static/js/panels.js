// The exam toolbar's panels: items, lab values, calculator, notes, display.
// One panel is open at a time: beside the question on a wide screen, as a
// sheet above the toolbar on a narrow one. The toolbar button says whether its
// panel is open (aria-expanded); Escape or the panel's close button closes it
// and gives the focus back to the button that opened it.
(function () {
  "use strict";
  var panels = document.querySelectorAll(".panel[data-panel]");
  if (!panels.length) return;
  var current = null, opener = null;

  function panel(name) { return document.getElementById("panel-" + name); }
  function buttons(name) { return document.querySelectorAll('[data-opens="' + name + '"]'); }
  function focusInside(name) {
    var box = panel(name);
    var wanted = ["[data-autofocus]", "#lab-search", "textarea", ".nav-cell.is-current",
      "input:not([type=hidden])", "button:not(.panel-close)"];
    for (var i = 0; i < wanted.length; i++) {
      var target = box.querySelector(wanted[i]);
      if (target) { target.focus(); return; }
    }
  }
  // A panel whose content lives at its own address (the lab sheet: ~200 rows, the same for
  // everyone) is fetched once, when first opened, instead of riding along with every question.
  function load(box) {
    var slot = box.querySelector("[data-src]");
    if (!slot || slot.dataset.loaded) return Promise.resolve();
    slot.dataset.loaded = "loading";
    return fetch(slot.dataset.src, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      slot.innerHTML = html;
      slot.dataset.loaded = "true";
      if (window.labSheetInit) window.labSheetInit();
    }).catch(function () {
      delete slot.dataset.loaded;  // the link in the slot still opens the sheet; the next open tries again
    });
  }
  function open(name, from) {
    if (!panel(name)) return;
    var box = panel(name);
    if (box.querySelector("[data-src]:not([data-loaded=true])")) {
      load(box).then(function () { if (current === name) focusInside(name); });
    }
    if (current && current !== name) close(false);
    current = name;
    opener = from || document.activeElement;
    panel(name).classList.add("is-open");
    document.documentElement.classList.add("panel-open");
    buttons(name).forEach(function (button) { button.setAttribute("aria-expanded", "true"); });
    focusInside(name);
  }
  function close(restore) {
    if (!current) return;
    var name = current;
    current = null;
    panel(name).classList.remove("is-open");
    document.documentElement.classList.remove("panel-open");
    buttons(name).forEach(function (button) { button.setAttribute("aria-expanded", "false"); });
    if (restore && opener && document.contains(opener)) opener.focus();
    opener = null;
  }
  function toggle(name, from) {
    if (current === name) close(true); else open(name, from || buttons(name)[0]);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-opens], [data-closes]");
    if (!button) return;
    if (button.dataset.opens) toggle(button.dataset.opens, button);
    else if (current === button.dataset.closes) close(true);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current && !event.defaultPrevented) {
      event.preventDefault();
      close(true);
    }
  });
  window.examPanels = { open: open, close: close, toggle: toggle, current: function () { return current; } };

  // Notes save themselves as the student types (and when the page is left), so a note is never lost.
  document.querySelectorAll(".note-form").forEach(function (noteForm) {
    var timer = null, lastSent = null;
    function send() {
      clearTimeout(timer);
      var area = noteForm.querySelector("textarea");
      if (!area || area.value === lastSent) return;
      var data = new FormData(noteForm);
      lastSent = area.value;
      var status = noteForm.querySelector('[role="status"]');
      fetch(noteForm.action, {
        method: "POST", body: data, credentials: "same-origin", keepalive: true,
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
      }).then(function (response) {
        return response.json().then(function (reply) {
          if (status) status.textContent = response.ok ? (reply.status === "deleted" ? "Note deleted." : "Note saved.") : (reply.error || "The note was not saved.");
          if (!response.ok) lastSent = null;
        });
      }).catch(function () {
        lastSent = null;
        if (status) status.textContent = "Not saved yet: you seem to be offline. Keep this page open; it tries again as you type.";
      });
    }
    noteForm.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(send, 800); });
    window.addEventListener("pagehide", send);
    noteForm.dataset.autosave = "on";
  });
})();
