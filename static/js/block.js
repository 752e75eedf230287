// The question screen: keyboard, the clocks, time on item, and
// never leaving an item before its timed selection is stored.
// Everything here is an enhancement; the page works as plain forms without it.
(function () {
  "use strict";
  var screen = document.getElementById("block-screen");
  if (!screen) return;

  var blockId = screen.dataset.block;
  var position = parseInt(screen.dataset.position, 10);
  var form = document.getElementById("answer-form");
  var loadedAt = performance.now();

  // --- Time on this item, sent with the answer --------------------------------
  if (form) {
    form.addEventListener("submit", function () {
      var field = document.getElementById("elapsed-ms");
      if (field) field.value = String(Math.round(performance.now() - loadedAt));
    });
  }

  // --- Leaving the item never loses a selection ------------------------------------
  // The answer script stores a timed selection at once; leaving waits for that send.
  function settle() {
    var marks = window.quizMarks ? window.quizMarks.settle() : Promise.resolve();
    var answers = window.quizAnswers ? window.quizAnswers.settle(8000) : Promise.resolve(true);
    return Promise.all([answers, marks]).then(function (results) { return results[0]; });
  }
  function leave(url) {
    if (!window.quizAnswers || !window.quizAnswers.pending()) { window.location.href = url; return; }
    settle().then(function () { window.location.href = url; });
  }
  screen.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!window.quizAnswers || !window.quizAnswers.pending()) return;
    event.preventDefault();
    leave(link.href);
  });

  // "End block": the selection on screen goes with it (the server stores it first,
  // inside the grace), after any send still on its way.
  ["finish-form", "suspend-form"].forEach(function (formId) {
    var finishForm = document.getElementById(formId);
    if (!finishForm) return;
    finishForm.addEventListener("submit", function (event) {
      // This handler asks for the confirmation itself (site.js would ask too), then
      // submits with form.submit() once the sends are done.
      event.preventDefault();
      event.stopPropagation();
      var question = finishForm.getAttribute("data-confirm");
      if (question && !window.confirm(question)) return;
      var checked = form && screen.dataset.selectSaves === "true" && form.querySelector('input[name="choice"]:checked');
      settle().then(function (allSaved) {
        finishForm.querySelectorAll("input[data-carried]").forEach(function (input) { input.remove(); });
        if (checked) {
          [["choice", checked.value], ["position", String(position)]].forEach(function (pair) {
            var input = document.createElement("input");
            input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
            input.setAttribute("data-carried", "");
            finishForm.appendChild(input);
          });
        }
        if (!allSaved && !navigator.onLine) {
          var box = document.getElementById("answer-status");
          if (box) {
            box.hidden = false;
            box.className = "answer-status answer-status-error";
            box.textContent = "You are offline: your answer has not reached the server yet. End the block once you are back online.";
          }
          return;
        }
        if (formId === "suspend-form") {
          try { localStorage.setItem("suspended:" + blockId, String(Date.now())); } catch (e) { /* no other tabs told */ }
        }
        finishForm.submit();
      });
    }, true);
  });

  // Suspended in another tab: this one stops showing the question at once (the server
  // refuses its answers and shows only "Block suspended" on the next request anyway).
  window.addEventListener("storage", function (event) {
    if (event.key !== "suspended:" + blockId || !event.newValue) return;
    var main = document.querySelector(".block-main");
    if (main) main.textContent = "This block was suspended in another tab. Reloading…";
    setTimeout(function () { window.location.reload(); }, 300);
  });

  // --- Keyboard -----------------------------------------------------------------
  // Letters A-E and digits 1-6 choose, F flags (single-key shortcuts, which the
  // student can switch off: WCAG 2.1.4). Inside the choices, arrows move between
  // choices as in any radio group; elsewhere left and right move between items.
  // Enter submits only from a choice (or the submit button itself).
  var shortcuts = screen.dataset.shortcuts !== "off";
  function pick(letter) {
    var radio = form && form.querySelector('input[name="choice"][value="' + letter + '"]');
    if (radio && !radio.checked) {
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));  // timed mode stores it now
    }
    if (radio) radio.focus();
  }
  // Exam-software keys (Alt+letter, by the physical key so macOS Option works too);
  // Alt+N/P move, Alt+M marks (flags), Alt+I/L/C/O open a panel, Alt+H highlights.
  var ALT_KEYS = { KeyI: "navigator", KeyL: "labs", KeyC: "calculator", KeyO: "notes" };
  function altKey(event, typing) {
    var code = event.code;
    if (code === "KeyN" || code === "KeyP") {
      if (typing) return false;
      var link = document.getElementById(code === "KeyN" ? "next-item" : "prev-item");
      if (link) leave(link.href);
      return true;
    }
    if (code === "KeyM") { var flagButton = document.getElementById("flag-button"); if (flagButton) flagButton.click(); return true; }
    if (code === "KeyH") { if (window.quizMarks) window.quizMarks.highlightSelection(); return true; }
    if (ALT_KEYS[code] && window.examPanels) { window.examPanels.toggle(ALT_KEYS[code]); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    var target = event.target || document.body;
    var onChoice = target.tagName === "INPUT" && target.type === "radio" && target.name === "choice";
    var typing = !onChoice && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        (target.tagName === "INPUT" && target.type !== "radio" && target.type !== "checkbox") || target.isContentEditable);
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      if (altKey(event, typing)) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing || (!onChoice && target.tagName === "INPUT")) return;
    if (target.closest && target.closest("#calculator")) return;
    var key = event.key;
    var upper = key.length === 1 ? key.toUpperCase() : key;
    if (shortcuts && form && key.length === 1 && "ABCDE".indexOf(upper) !== -1) {
      pick(upper); event.preventDefault(); return;
    }
    if (shortcuts && form && /^[1-6]$/.test(key)) { pick("ABCDEF"[parseInt(key, 10) - 1]); event.preventDefault(); return; }
    if (shortcuts && upper === "F") {
      var flag = document.getElementById("flag-button");
      if (flag) { flag.click(); event.preventDefault(); }
      return;
    }
    if (key === "Enter") {
      if (onChoice && form && form.querySelector('input[name="choice"]:checked')) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;  // anywhere else Enter does what it does natively (open Lab values, follow a link...)
    }
    if ((key === "ArrowLeft" || key === "ArrowRight") && !onChoice) {
      if (target.closest && target.closest("summary, details[open] table")) return;
      var link = document.getElementById(key === "ArrowLeft" ? "prev-item" : "next-item");
      if (link) { event.preventDefault(); leave(link.href); }
    }
  });

  // --- After a tutor answer the verdict takes the focus (and is announced) ----------
  var verdict = document.getElementById("verdict");
  if (verdict && window.location.hash === "#verdict") verdict.focus();

  // --- Countdown from the server's deadline --------------------------------
  // The server sends seconds left; we count down from our own monotonic clock,
  // so a wrong clock on the student's machine cannot shorten or lengthen the block.
  var secondsLeft = screen.dataset.secondsLeft;
  if (secondsLeft !== undefined) {
    var total = parseInt(secondsLeft, 10);
    var grace = parseInt(screen.dataset.graceSeconds || "5", 10);
    var display = document.getElementById("timer-value");
    var timerBox = document.getElementById("timer");
    var reloaded = false;
    var tick = function () {
      var left = Math.max(0, Math.round(total - (performance.now() - loadedAt) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      display.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      timerBox.classList.toggle("timer-low", left <= 60);
      if (left === 0) {
        display.textContent = "0:00 – time is up";
        var submit = document.getElementById("submit-answer");
        if (submit) submit.disabled = true;
        // Past the server's grace period the next request finishes the block; a
        // selection still on its way is sent first (the server takes it inside the grace).
        if (!reloaded && (performance.now() - loadedAt) / 1000 > total + grace + 0.5) {
          reloaded = true;
          settle().then(function () { window.location.reload(); });
        }
      }
    };
    tick();
    setInterval(tick, 250);
  }
  // --- Time on this item, and a tutor block's time spent (untimed, but shown) ------
  function clock(element) {
    if (!element) return;
    var base = parseInt(element.dataset.ms || "0", 10);
    var show = function () {
      var total = Math.round((base + performance.now() - loadedAt) / 1000);
      var hours = Math.floor(total / 3600), minutes = Math.floor((total % 3600) / 60), seconds = total % 60;
      element.textContent = (hours ? hours + ":" + (minutes < 10 ? "0" : "") : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    };
    show();
    setInterval(show, 1000);
  }
  if (form) { clock(document.getElementById("item-clock-value")); clock(document.getElementById("block-spent-value")); }
  screen.dataset.ready = "true"; // keyboard shortcuts are live (browser tests wait for this)
})();
