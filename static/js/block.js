// The question screen: keyboard shortcuts, strike-outs, the countdown, time on item.
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

  // --- Strike-outs, kept per item in this browser ------------------------------
  var strikeKey = "strike:" + blockId + ":" + position;
  function struck() {
    try { return JSON.parse(localStorage.getItem(strikeKey) || "[]"); } catch (e) { return []; }
  }
  function saveStruck(letters) {
    try { localStorage.setItem(strikeKey, JSON.stringify(letters)); } catch (e) { /* private mode */ }
  }
  function paintStrikes() {
    var letters = struck();
    document.querySelectorAll(".choice[data-letter]").forEach(function (choice) {
      var on = letters.indexOf(choice.dataset.letter) !== -1;
      choice.classList.toggle("is-struck", on);
      var button = choice.querySelector(".strike-toggle");
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function toggleStrike(letter) {
    var letters = struck();
    var index = letters.indexOf(letter);
    if (index === -1) letters.push(letter); else letters.splice(index, 1);
    saveStruck(letters);
    paintStrikes();
  }
  document.querySelectorAll(".strike-toggle").forEach(function (button) {
    button.addEventListener("click", function () { toggleStrike(button.dataset.letter); });
  });
  document.querySelectorAll(".choice[data-letter]").forEach(function (choice) {
    choice.addEventListener("contextmenu", function (event) {
      if (!form) return;
      event.preventDefault();
      toggleStrike(choice.dataset.letter);
    });
  });
  paintStrikes();

  // --- Keyboard: A-F / 1-6 choose, Enter submits, arrows move, F flags ----------
  function pick(letter) {
    var radio = form && form.querySelector('input[name="choice"][value="' + letter + '"]');
    if (radio) { radio.checked = true; radio.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        (target.tagName === "INPUT" && target.type !== "radio"))) return;
    var key = event.key;
    var upper = key.length === 1 ? key.toUpperCase() : key;
    if (form && key.length === 1 && "ABCDE".indexOf(upper) !== -1) {
      pick(upper); event.preventDefault(); return;
    }
    if (form && /^[1-6]$/.test(key)) { pick("ABCDEF"[parseInt(key, 10) - 1]); event.preventDefault(); return; }
    if (upper === "F") {
      var flag = document.getElementById("flag-button");
      if (flag) { flag.click(); event.preventDefault(); }
      return;
    }
    if (key === "Enter" && form && target && target.tagName !== "BUTTON" && target.tagName !== "A") {
      if (form.querySelector('input[name="choice"]:checked')) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var link = document.getElementById(key === "ArrowLeft" ? "prev-item" : "next-item");
      if (link) { event.preventDefault(); window.location.href = link.href; }
    }
  });

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
        // Past the server's grace period the next request finishes the block.
        if (!reloaded && (performance.now() - loadedAt) / 1000 > total + grace + 0.5) {
          reloaded = true;
          window.location.reload();
        }
      }
    };
    tick();
    setInterval(tick, 250);
  }
  screen.dataset.ready = "true"; // keyboard shortcuts are live (browser tests wait for this)
})();
