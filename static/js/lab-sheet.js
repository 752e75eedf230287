// The lab-value sheet: narrows the tables to the rows that match what the
// student types in #lab-search (test name, note, units or the table's caption;
// every word typed must appear). Tables with no match and their jump links are
// hidden, and #lab-search-status says how many values match. Escape in the box
// clears it (a second Escape, on an empty box, is left to the page).
// The question screen fetches the sheet when its panel first opens and calls
// window.labSheetInit(); the lab-values page has it from the start.
(function () {
  "use strict";
  function init() {
  var input = document.getElementById("lab-search");
  var sheet = input && input.closest ? input.closest(".lab-sheet") : null;
  if (!input || !sheet || sheet.dataset.ready) return;
  sheet.dataset.ready = "true";
  var status = document.getElementById("lab-search-status");
  var statusTimer = null;

  // As search compares text: Unicode compatibility forms (a subscript 3 reads as 3),
  // lower case, every kind of dash a hyphen, runs of spaces one space.
  function fold(text) {
    text = String(text || "");
    if (text.normalize) text = text.normalize("NFKC");
    return text.toLowerCase().replace(/[\u2010-\u2015\u2212]/g, "-").replace(/\s+/g, " ").trim();
  }

  var jumps = {};
  Array.prototype.forEach.call(sheet.querySelectorAll("[data-lab-jump]"), function (item) {
    jumps[item.getAttribute("data-lab-jump")] = item;
  });

  var tables = Array.prototype.map.call(sheet.querySelectorAll("table[data-lab-section]"), function (table) {
    var caption = table.querySelector("caption");
    return {
      table: table,
      jump: jumps[table.getAttribute("data-lab-section")] || null,
      caption: fold(caption ? caption.textContent : ""),
      rows: Array.prototype.map.call(table.querySelectorAll("tr[data-lab-row]"), function (row) {
        var cells = Array.prototype.map.call(row.cells, function (cell) { return cell.textContent; });
        return { row: row, text: fold(cells.join(" ")) };
      })
    };
  });

  function say(message) {
    if (!status) return;
    window.clearTimeout(statusTimer);
    if (!message) { status.textContent = ""; return; }
    // Wait for a pause in typing, so a screen reader is not read every keystroke.
    statusTimer = window.setTimeout(function () { status.textContent = message; }, 400);
  }

  function filter() {
    var terms = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    tables.forEach(function (entry) {
      var inTable = 0;
      entry.rows.forEach(function (item) {
        var haystack = entry.caption + " " + item.text;
        var match = terms.every(function (term) { return haystack.indexOf(term) !== -1; });
        item.row.hidden = !match;
        if (match) inTable += 1;
      });
      entry.table.hidden = inTable === 0;
      if (entry.jump) entry.jump.hidden = inTable === 0;
      shown += inTable;
    });
    if (!terms.length) say("");
    else if (shown === 0) say("No value matches");
    else say(shown + (shown === 1 ? " value matches" : " values match"));
  }

  input.addEventListener("input", filter);
  input.addEventListener("search", filter);  // the box's own clear button, in some browsers
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    if (!input.value) return;  // nothing to clear: let the panel close
    event.preventDefault();
    event.stopPropagation();
    input.value = "";
    filter();
  });

  // A value restored by the browser (back/forward) filters at once.
  if (input.value) filter();
  }
  window.labSheetInit = init;
  init();
})();
