// The calculator panel: a basic immediate-execution calculator, like a handheld
// or the exam software's. Enter a number, an operator, a number, then = ;
// operators chain left to right (2 + 3 x 4 = 20); = again repeats the last
// operation. Division by zero and other impossible results show "Error", which
// the next key clears. Results are shown to 10 significant digits (so 0.1 + 0.2
// shows 0.3, and 1 / 3 x 3 shows 1: the calculator carries 15 digits between
// steps); an entry holds at most 15 digits. No eval anywhere.
//
// Keys are clicked, or typed while focus is inside the calculator's panel; the
// keys handled there do not reach the page's own single-key shortcuts. Escape
// clears, and when there is nothing to clear it is left to the page (which may
// close the panel). window.quizCalculator.press(key) / .value() are for tests.
(function () {
  "use strict";
  var root = document.getElementById("calculator");
  if (!root) return;
  var display = document.getElementById("calc-display");
  var expression = document.getElementById("calc-expression");
  var scope = (root.closest && root.closest(".panel")) || root;

  var MAX_DIGITS = 15;
  var SHOWN_DIGITS = 10;  // on the display
  var KEPT_DIGITS = 15;   // carried from one step to the next
  var SYMBOL = { "+": "+", "-": "\u2212", "*": "\u00d7", "/": "\u00f7" };

  // Names press() accepts besides the data-calc-key values themselves.
  var ALIASES = {
    "Enter": "=", "Escape": "C", "Esc": "C", "Backspace": "back", "Delete": "CE", "Del": "CE",
    ",": ".", "Decimal": ".", "\u00d7": "*", "x": "*", "\u00f7": "/", "\u2212": "-",
    "Add": "+", "Subtract": "-", "Multiply": "*", "Divide": "/",
    "\u00b1": "neg", "+/-": "neg", "\u221a": "sqrt", "1/x": "inv", "clear": "C", "\u232b": "back"
  };
  // Keyboard keys (event.key) handled when focus is inside the panel; the numeric
  // keypad sends the same keys as the main keyboard ("," where that is the decimal key).
  var KEYBOARD = {
    "0": "0", "1": "1", "2": "2", "3": "3", "4": "4", "5": "5", "6": "6", "7": "7", "8": "8", "9": "9",
    ".": ".", ",": ".", "Decimal": ".", "+": "+", "-": "-", "*": "*", "/": "/",
    "Add": "+", "Subtract": "-", "Multiply": "*", "Divide": "/",
    "Enter": "=", "=": "=", "%": "%", "Backspace": "back", "Delete": "CE", "Del": "CE",
    "Escape": "C", "Esc": "C"
  };

  var state;
  function reset() {
    state = {
      text: "0",        // what the display shows
      value: 0,         // the number behind a result on display (more digits than shown)
      typing: false,    // digits append to text
      fresh: false,     // text is an operand entered since the last operator
      acc: null,        // the left operand
      op: null,         // the pending operator
      lastOp: null,     // for a repeated =
      lastOperand: null,
      expr: "",         // the smaller line above the display
      error: false
    };
  }

  // --- Numbers ----------------------------------------------------------------
  function round(n, places) {
    if (!isFinite(n)) return NaN;
    var r = Number(n.toPrecision(places || KEPT_DIGITS));
    return r === 0 ? 0 : r;  // never "-0"
  }
  function format(n) {
    n = round(n, SHOWN_DIGITS);
    var size = Math.abs(n);
    if (size !== 0 && (size >= 1e15 || size < 1e-9)) {
      return n.toExponential().replace(/\.?0+e/, "e").replace("e+", "e");
    }
    return String(n);
  }
  function current() {
    if (!state.typing) return state.value;
    var n = parseFloat(state.text);
    return isNaN(n) ? 0 : n;
  }
  function show(n) {
    state.value = n;
    state.text = format(n);
  }
  function digits(text) { return text.replace(/[^0-9]/g, "").length; }

  function fail() {
    reset();
    state.error = true;
    state.text = "Error";
  }
  // a op b, rounded; null (and the Error state) when there is no finite answer.
  function compute(a, op, b) {
    var r;
    if (op === "+") r = a + b;
    else if (op === "-") r = a - b;
    else if (op === "*") r = a * b;
    else if (op === "/") r = b === 0 ? NaN : a / b;
    else r = b;
    r = round(r);
    if (isNaN(r)) { fail(); return null; }
    return r;
  }

  // --- Keys -------------------------------------------------------------------
  function startEntry(text) {
    if (!state.op) state.expr = "";
    state.text = text;
    state.typing = true;
    state.fresh = true;
  }
  function digit(d) {
    if (!state.typing) { startEntry(d); return; }
    if (state.text === "0") state.text = d;
    else if (state.text === "-0") state.text = "-" + d;
    else if (digits(state.text) < MAX_DIGITS) state.text += d;
  }
  function point() {
    if (!state.typing) { startEntry("0."); return; }
    if (state.text.indexOf(".") === -1 && digits(state.text) < MAX_DIGITS) state.text += ".";
  }
  function operator(op) {
    if (state.op && state.fresh) {
      var r = compute(state.acc, state.op, current());
      if (r === null) return;
      state.acc = r;
      show(r);
    } else if (!state.op) {
      state.acc = round(current());
      show(state.acc);
    }  // else: a second operator in a row replaces the first
    state.op = op;
    state.typing = false;
    state.fresh = false;
    state.lastOp = null;
    state.expr = format(state.acc) + " " + SYMBOL[op];
  }
  function equals() {
    var a, b, op;
    if (state.op) { a = state.acc; op = state.op; b = current(); }
    else if (state.lastOp) { a = current(); op = state.lastOp; b = state.lastOperand; }
    else { show(round(current())); state.typing = false; state.fresh = false; return; }
    var r = compute(a, op, b);
    if (r === null) return;
    show(r);
    state.expr = format(a) + " " + SYMBOL[op] + " " + format(b) + " =";
    state.acc = null;
    state.op = null;
    state.lastOp = op;
    state.lastOperand = b;
    state.typing = false;
    state.fresh = false;
  }
  // A function of the displayed number (square root, 1/x, %, sign): its result
  // stands as the operand just entered.
  function unary(fn) {
    var r = fn(current());
    r = round(r);
    if (isNaN(r)) { fail(); return; }
    show(r);
    state.typing = false;
    state.fresh = true;
  }
  function negate() {
    // On 0, or straight after an operator, +/- starts a negative entry: 7 - +/- 2 = 9.
    if (!state.typing && (state.text === "0" || (state.op && !state.fresh))) startEntry("0");
    if (state.typing) {
      state.text = state.text.charAt(0) === "-" ? state.text.slice(1) : "-" + state.text;
      state.fresh = true;
      return;
    }
    unary(function (x) { return -x; });
  }
  function percent() {
    var base = state.op === "+" || state.op === "-" ? state.acc : null;
    unary(function (x) { return base === null ? x / 100 : base * x / 100; });
  }
  function backspace() {
    if (!state.typing) return;
    state.text = state.text.slice(0, -1);
    if (state.text === "" || state.text === "-") state.text = "0";
  }
  function clearEntry() {
    state.text = "0";
    state.typing = true;
    state.fresh = true;
  }

  function normalise(key) {
    key = String(key);
    return Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : key;
  }

  function press(key) {
    key = normalise(key);
    if (state.error) {
      reset();  // any key clears the error; clearing keys do nothing more
      if (key === "C" || key === "CE" || key === "back") { render(); return; }
    }
    if (/^[0-9]$/.test(key)) digit(key);
    else if (key === ".") point();
    else if (SYMBOL.hasOwnProperty(key)) operator(key);
    else if (key === "=") equals();
    else if (key === "C") reset();
    else if (key === "CE") clearEntry();
    else if (key === "back") backspace();
    else if (key === "neg") negate();
    else if (key === "%") percent();
    else if (key === "sqrt") unary(function (x) { return x < 0 ? NaN : Math.sqrt(x); });
    else if (key === "inv") unary(function (x) { return x === 0 ? NaN : 1 / x; });
    render();
  }

  function pristine() {
    return !state.error && state.text === "0" && !state.op && !state.expr;
  }

  function render() {
    display.textContent = state.text;
    if (expression) expression.textContent = state.expr;
    root.classList.toggle("is-error", state.error);
  }

  // --- Clicks and the keyboard -------------------------------------------------
  var buttons = Array.prototype.slice.call(root.querySelectorAll("[data-calc-key]"));
  function flash(key) {
    buttons.forEach(function (button) {
      if (button.getAttribute("data-calc-key") !== key) return;
      button.classList.add("is-pressed");
      window.setTimeout(function () { button.classList.remove("is-pressed"); }, 120);
    });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-calc-key]");
    if (!button || !root.contains(button)) return;
    press(button.getAttribute("data-calc-key"));
    // Safari does not focus a clicked button: keep focus inside, so typing goes on working.
    if (!root.contains(document.activeElement) && root.focus) root.focus({ preventScroll: true });
  });

  scope.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target || root;
    if (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        target.isContentEditable) return;
    if (!Object.prototype.hasOwnProperty.call(KEYBOARD, event.key)) return;
    var key = KEYBOARD[event.key];
    // Enter on another control of the panel (its close button) does what that control does.
    if (event.key === "Enter" && !root.contains(target)) return;
    if (key === "C" && pristine()) return;  // nothing to clear: Escape is the page's (closes the panel)
    event.preventDefault();  // Enter on a focused key means =, "/" must not open quick find
    event.stopPropagation();
    press(key);
    flash(key);
  });

  reset();
  render();

  window.quizCalculator = {
    press: function (key) { press(key); return state.text; },
    value: function () { return state.text; }
  };
})();
