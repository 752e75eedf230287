// Highlights in the stem and struck-out choices, stored on the server per item.
// A container marked data-marks (the question screen, each review item) carries
// the stored marks (data-highlights: [[start, end], ...] character offsets in
// the stem's text; data-struck: letters) and, where they may change, the URL
// they are saved to (data-marks-url). The question HTML itself is cached per
// question version, so the marks are painted on top of it here.
(function () {
  "use strict";
  var containers = document.querySelectorAll("[data-marks]");
  if (!containers.length) return;
  var statusBox = document.getElementById("marks-status");

  function say(message, tone) {
    if (!statusBox) return;
    statusBox.textContent = message;
    statusBox.hidden = !message;
    statusBox.className = "answer-status" + (tone ? " answer-status-" + tone : "");
  }
  function csrf() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function Marks(box) {
    this.box = box;
    this.stem = box.querySelector(".stem");
    this.url = box.dataset.marksUrl || "";
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem("marks:" + this.url) || "null"); } catch (e) { stored = null; }
    try { this.ranges = JSON.parse(box.dataset.highlights || "[]"); } catch (e) { this.ranges = []; }
    this.struck = (box.dataset.struck || "").split("").filter(Boolean);
    this.sending = null; this.timer = null; this.failures = 0;
    if (this.url && stored) {  // marks made here that never reached the server: they are the newest
      this.ranges = stored.highlights; this.struck = stored.struck.split("").filter(Boolean);
      this.save();
    }
    this.paint();
  }

  Marks.prototype.textNodes = function () {
    var walker = document.createTreeWalker(this.stem, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  };
  Marks.prototype.unpaint = function () {
    this.stem.querySelectorAll("mark.hl").forEach(function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
    });
    this.stem.normalize();
  };
  Marks.prototype.paint = function () {
    var self = this;
    if (this.stem) {
      this.unpaint();
      this.ranges.forEach(function (range, index) { self.wrap(range[0], range[1], index); });
    }
    this.box.querySelectorAll(".choice[data-letter]").forEach(function (choice) {
      var on = self.struck.indexOf(choice.dataset.letter) !== -1;
      choice.classList.toggle("is-struck", on);
      var button = choice.querySelector(".strike-toggle");
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    this.box.dataset.marksPainted = String(this.ranges.length);
  };
  Marks.prototype.wrap = function (start, end, index) {
    var position = 0;
    this.textNodes().forEach(function (node) {
      var length = node.data.length;
      var from = Math.max(start, position), to = Math.min(end, position + length);
      if (from < to) {
        var target = node;
        if (to - position < length) target.splitText(to - position);
        if (from - position > 0) target = target.splitText(from - position);
        var mark = document.createElement("mark");
        mark.className = "hl";
        mark.dataset.hl = String(index);
        mark.title = "Highlighted: click to clear";
        target.parentNode.insertBefore(mark, target);
        mark.appendChild(target);
      }
      position += length;
    });
  };
  Marks.prototype.offset = function (container, offset) {
    var range = document.createRange();
    range.selectNodeContents(this.stem);
    range.setEnd(container, offset);
    return range.toString().length;
  };
  // A selection inside the stem: highlight it, or clear the highlight it lies in.
  Marks.prototype.toggleRange = function (range) {
    var start = this.offset(range.startContainer, range.startOffset);
    var end = this.offset(range.endContainer, range.endOffset);
    if (end <= start) return false;
    var inside = this.ranges.filter(function (r) { return r[0] <= start && end <= r[1]; });
    if (inside.length) {
      this.ranges = this.ranges.filter(function (r) { return inside.indexOf(r) === -1; });
    } else {
      this.ranges = merge(this.ranges.concat([[start, end]]));
    }
    this.changed();
    return true;
  };
  Marks.prototype.clearAt = function (index) {
    this.ranges.splice(index, 1);
    this.changed();
  };
  Marks.prototype.toggleStrike = function (letter) {
    var index = this.struck.indexOf(letter);
    if (index === -1) this.struck.push(letter); else this.struck.splice(index, 1);
    this.changed();
  };
  Marks.prototype.changed = function () {
    this.paint();
    if (!this.url) return;
    try {
      localStorage.setItem("marks:" + this.url, JSON.stringify({ highlights: this.ranges, struck: this.struck.join("") }));
    } catch (e) { /* private mode: the send below still stores them */ }
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.save(); }, 300);
  };
  Marks.prototype.save = function () {
    var self = this;
    clearTimeout(this.timer);
    var data = new FormData();
    data.append("highlights", JSON.stringify(this.ranges));
    data.append("struck", this.struck.join(""));
    var sent = JSON.stringify(this.ranges) + this.struck.join("");
    this.sending = fetch(this.url, {
      method: "POST", body: data, credentials: "same-origin", keepalive: true,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      self.failures = 0;
      if (JSON.stringify(self.ranges) + self.struck.join("") === sent) {
        try { localStorage.removeItem("marks:" + self.url); } catch (e) { /* nothing kept */ }
      }
      if (statusBox && statusBox.dataset.marks === "error") { say("", ""); delete statusBox.dataset.marks; }
      self.box.dataset.marksSaved = sent;
    }).catch(function () {
      self.failures += 1;
      if (statusBox) statusBox.dataset.marks = "error";
      say("Your highlights and strike-outs are kept in this browser and will be saved when the connection is back.", "warning");
      if (self.failures < 6) self.timer = setTimeout(function () { self.save(); }, 1000 * Math.pow(2, self.failures));
    }).then(function () { self.sending = null; });
    return this.sending;
  };

  function merge(ranges) {
    var sorted = ranges.filter(function (r) { return r[0] < r[1]; }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    sorted.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  var all = Array.prototype.map.call(containers, function (box) { return new Marks(box); });

  function ownerOf(node) {
    for (var i = 0; i < all.length; i++) if (all[i].stem && all[i].stem.contains(node)) return all[i];
    return null;
  }
  // The selection last made in a stem: a toolbar button press may collapse it before its click runs.
  var lastRange = null;
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (selection && selection.rangeCount && !selection.isCollapsed && ownerOf(selection.anchorNode) &&
        ownerOf(selection.anchorNode) === ownerOf(selection.focusNode)) {
      lastRange = selection.getRangeAt(0).cloneRange();
    }
  });
  function highlightSelection() {
    var selection = window.getSelection();
    var range = selection && selection.rangeCount && !selection.isCollapsed ? selection.getRangeAt(0) : lastRange;
    if (!range) { say("Select some words in the question first, then highlight them.", "warning"); return false; }
    var owner = ownerOf(range.startContainer);
    if (!owner || owner !== ownerOf(range.endContainer) || !owner.url) return false;
    var done = owner.toggleRange(range);
    lastRange = null;
    if (selection) selection.removeAllRanges();
    return done;
  }

  all.forEach(function (marks) {
    if (!marks.url) return;
    if (marks.stem) {
      // A pointer selection in the stem highlights as soon as the button is released.
      marks.stem.addEventListener("mouseup", function () {
        setTimeout(function () {
          var selection = window.getSelection();
          if (selection && !selection.isCollapsed && ownerOf(selection.anchorNode) === marks) highlightSelection();
        }, 0);
      });
      marks.stem.addEventListener("click", function (event) {
        var mark = event.target.closest && event.target.closest("mark.hl");
        var selection = window.getSelection();
        if (mark && (!selection || selection.isCollapsed)) marks.clearAt(parseInt(mark.dataset.hl, 10));
      });
    }
    marks.box.querySelectorAll(".strike-toggle").forEach(function (button) {
      button.addEventListener("click", function () { marks.toggleStrike(button.dataset.letter); });
    });
    marks.box.querySelectorAll(".choice[data-letter]").forEach(function (choice) {
      choice.addEventListener("contextmenu", function (event) {
        if (!choice.querySelector(".strike-toggle")) return;
        event.preventDefault();
        marks.toggleStrike(choice.dataset.letter);
      });
    });
  });
  var button = document.getElementById("highlight-button");
  if (button) {
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    button.addEventListener("click", highlightSelection);
  }
  window.quizMarks = {
    highlightSelection: highlightSelection,
    settle: function () {
      return Promise.all(all.map(function (marks) {
        if (marks.timer && !marks.sending) return marks.save();
        return marks.sending || Promise.resolve();
      }));
    },
  };
  document.documentElement.dataset.marksReady = "true";
})();
