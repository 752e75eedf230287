// Sending an answer without losing it or recording it twice.
//
// Each submission carries an idempotency key (the server accepts a key once,
// so a retry of an answer that did arrive changes nothing). Every answer is
// written to localStorage before it is sent and removed once the server has
// it, so closing the tab, navigating away or losing the connection never
// loses it: the next question page sends what is left. A failed send is
// retried with exponential backoff; the student is told plainly what is
// happening. Sends go out one after another, in the order the student acted.
//
// Timed mode: a selected choice is the answer. Selecting stores it at once
// (no Submit press); leaving the item, ending the block and the clock
// running out first wait for that send (window.quizAnswers.settle).
// Without JavaScript (or fetch) the form posts as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  var statusBox = document.getElementById("answer-status");
  var screen = document.getElementById("block-screen");
  if (!window.fetch || !window.FormData || !window.Promise) return;

  var QUEUE_KEY = "answer-queue:v1";
  var settings = (form || statusBox || document.body).dataset;
  var baseMs = parseInt(settings.retryBaseMs || "1000", 10);
  var capMs = parseInt(settings.retryCapMs || "10000", 10);
  var attempts = parseInt(settings.retryAttempts || "3", 10);
  var chain = Promise.resolve();  // the sends, one after another
  var pending = 0;  // sends queued or in flight
  var latest = {};  // url -> key of the newest answer to that item: older ones still waiting are skipped

  function say(message, tone) {
    if (!statusBox) return;
    statusBox.textContent = message;
    statusBox.hidden = !message;
    statusBox.className = "answer-status" + (tone ? " answer-status-" + tone : "");
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Older browsers: a random v4-shaped key from getRandomValues.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- The kept answers -----------------------------------------------------------
  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(entries) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(entries)); return true; } catch (e) { return false; }
  }
  function keep(entry) {
    var entries = queued().filter(function (other) { return other.url !== entry.url; });
    entries.push(entry);  // the latest answer to an item replaces an older unsent one
    return saveQueue(entries);
  }
  function forget(entry) {
    saveQueue(queued().filter(function (other) { return other.key !== entry.key; }));
  }

  // --- Sending ------------------------------------------------------------------
  function body(entry) {
    var data = new FormData();
    Object.keys(entry.fields).forEach(function (name) { data.append(name, entry.fields[name]); });
    return data;
  }

  function delayFor(attempt) {
    return Math.min(baseMs * Math.pow(2, attempt), capMs);
  }

  // Go to the page the server named; the same page with a fragment (#verdict) is reloaded, not just scrolled.
  function go(next) {
    var target = new URL(next, window.location.href);
    if (target.pathname === window.location.pathname && target.search === window.location.search) {
      window.history.replaceState(null, "", target.href);
      window.location.reload();
      return;
    }
    window.location.assign(target.href);
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // Resolves to {done: true, ok, reply} when the server answered for good, or
  // {done: false, waitMs, why} when it is worth trying again.
  function post(entry) {
    return fetch(entry.url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      keepalive: true,  // a selection sent just before the page is left still arrives
      headers: { "Accept": "application/json", "X-CSRFToken": entry.fields.csrfmiddlewaretoken || "" },
    }).then(function (response) {
      if (response.redirected) {
        // The session ended (the answer went to the login page instead): go there, say so.
        // The kept answer stays kept: it is sent again once the student is back.
        return { done: true, ok: false, keep: true,
                 reply: { error: "Your session has ended: log in again, then answer.", next: response.url } };
      }
      var retryAfter = parseInt(response.headers.get("Retry-After") || "0", 10) * 1000;
      if (response.status === 429 || response.status >= 500) {
        return { done: false, waitMs: retryAfter, why: "The server is busy." };
      }
      return response.json().then(
        function (reply) { return { done: true, ok: response.ok, reply: reply }; },
        function () { return { done: true, ok: false, reply: { error: "The server sent an unexpected reply (" + response.status + ")." } }; }
      );
    }, function () {
      // no reply at all: offline, or the connection dropped
      return { done: false, waitMs: 0, why: "Your answer did not reach the server." };
    });
  }

  // One entry, with retries. Resolves to the final result, or {parked: true}
  // when it stays kept in this browser until the connection is back.
  function attempt(entry, number) {
    if (!navigator.onLine) return Promise.resolve(park(entry));
    return post(entry).then(function (result) {
      if (result.done) { if (!result.keep) forget(entry); return result; }
      if (number + 1 >= attempts) return park(entry);
      var delay = Math.max(delayFor(number), result.waitMs);
      say(result.why + " Trying again in " + Math.max(1, Math.round(delay / 1000)) +
          " s (attempt " + (number + 2) + " of " + attempts + ").", "warning");
      return wait(delay).then(function () { return attempt(entry, number + 1); });
    });
  }

  function park(entry) {
    say(queued().some(function (other) { return other.key === entry.key; })
      ? "You seem to be offline. Your answer to " + entry.label + " is kept in this browser and will be sent " +
        "as soon as the connection is back; you can stay on this page."
      : "You seem to be offline, and this browser cannot keep the answer. Submit it again when you are back online.",
      "warning");
    return { parked: true };
  }

  // Queue a send behind the others; `then` gets its result.
  function schedule(entry, then) {
    keep(entry);  // before anything else: a closed tab or a crash cannot lose it now
    latest[entry.url] = entry.key;
    pending += 1;
    chain = chain.then(function () {
      if (entry.superseded && latest[entry.url] !== entry.key) return null;  // a newer choice follows
      if (entry.measure) { entry.measure(entry.fields); keep(entry); }
      return attempt(entry, 0);
    }).then(function (result) {
      pending -= 1;
      if (result && then) then(result);
    }, function () { pending -= 1; });
    return chain;
  }

  // A timed selection waits this long before it is sent, so running the arrow
  // keys over five choices (or choosing, then pressing Enter) sends one answer,
  // not five: a student's answers stay far below the per-second limit. It is
  // kept in this browser from the first moment; leaving the page sends it at once.
  var SELECTION_DELAY_MS = 250;
  var waiting = null;  // {entry, timer, then}: the selection not sent yet

  function sendWaiting() {
    if (!waiting) return;
    var held = waiting;
    waiting = null;
    clearTimeout(held.timer);
    if (latest[held.entry.url] === held.entry.key) schedule(held.entry, held.then);
  }

  function selectionMade(entry, then) {
    if (waiting) clearTimeout(waiting.timer);
    keep(entry);
    latest[entry.url] = entry.key;
    waiting = { entry: entry, then: then, timer: setTimeout(sendWaiting, SELECTION_DELAY_MS) };
  }

  // Wait until every send has finished (or is kept offline), at most `timeoutMs`.
  // Resolves to true when nothing for this page's item is left unsent.
  function settle(timeoutMs) {
    sendWaiting();
    var done = chain.then(function () { return true; });
    var limit = new Promise(function (resolve) { setTimeout(function () { resolve(false); }, timeoutMs || 8000); });
    return Promise.race([done, limit]).then(function () {
      return !form || !queued().some(function (entry) { return entry.url === form.action; });
    });
  }
  window.quizAnswers = { settle: settle, pending: function () { return pending + (waiting ? 1 : 0); } };

  // Answers kept while offline (or left when a page was closed) go out when the
  // connection is back, from whichever question page is open (or the next one that loads).
  function flush() {
    var entries = queued();
    if (!entries.length || !navigator.onLine) return;
    // The page's CSRF token is the current one (logging in again rotates it).
    var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
    entries.forEach(function (entry) {
      if (token) entry.fields.csrfmiddlewaretoken = token.value;
      say("Sending your answer to " + entry.label + "…", "warning");
      schedule(entry, function (result) {
        if (result.parked) return;
        var reply = result.reply || {};
        if (!result.ok) { say("An answer kept in this browser (" + entry.label + ") was not saved: " + (reply.error || "refused") + ".", "error"); return; }
        say("Your answer to " + entry.label + " is saved.", "ok");
        if (form && entry.url === form.action) go(reply.next || window.location.href);
      });
    });
  }
  window.addEventListener("online", flush);
  flush();

  if (!form) return;
  var label = "item " + (screen ? screen.dataset.position : "?");
  var selectSaves = screen && screen.dataset.selectSaves === "true";
  var keyField = form.querySelector('input[name="idempotency_key"]');
  var submitting = false;
  var loadedAt = performance.now(), reportedMs = 0;

  function fieldsOf() {
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = value; });
    return fields;
  }
  // Time on this item since the last answer that went out, set as it goes out
  // (so several timed selections add up to the time spent, and a skipped one claims none).
  function measure(fields) {
    var spent = Math.max(0, Math.round(performance.now() - loadedAt) - reportedMs);
    reportedMs += spent;
    fields.elapsed_ms = String(spent);
  }
  function entryFrom(fields, label) {
    return { url: form.action, fields: fields, key: fields.idempotency_key, label: label, measure: measure };
  }

  // Timed mode: selecting a choice stores it at once, each selection with its own key.
  form.addEventListener("change", function (event) {
    if (event.target.name !== "choice") return;
    if (keyField) keyField.value = "";  // a different choice is a different submission
    if (!selectSaves) return;
    var fields = fieldsOf();
    fields.idempotency_key = newKey();
    fields.autosave = "1";
    var entry = entryFrom(fields, label);
    entry.superseded = true;
    say("Saving your choice " + fields.choice + "…", "");
    selectionMade(entry, function (result) {
      if (result.parked) return;
      var reply = result.reply || {};
      if (result.ok) {
        say("Choice " + fields.choice + " saved.", "ok");
        form.dataset.saved = fields.choice;
        var cell = screen && document.getElementById("nav-cell-" + screen.dataset.position);
        if (cell) cell.classList.add("is-answered");
        return;
      }
      if (reply.next && !result.ok && reply.error) { say(reply.error, "error"); go(reply.next); return; }
      say(reply.error || "The choice could not be saved.", "error");
    });
  });

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (submitting) return;  // a double click sends once
    if (!form.querySelector('input[name="choice"]:checked')) {
      say("Choose one of the answer letters, then submit.", "error");
      return;
    }
    if (keyField && !keyField.value) keyField.value = newKey();
    var fields = fieldsOf();
    if (waiting) { clearTimeout(waiting.timer); waiting = null; }  // this submission carries the same choice
    submitting = true;
    say("Saving your answer…", "");
    schedule(entryFrom(fields, label), function (result) {
      submitting = false;
      if (result.parked) return;
      var reply = result.reply || {};
      if (result.ok && reply.next) {
        say("Answer saved.", "ok");
        go(reply.next);
        return;
      }
      if (reply.next) { go(reply.next); return; }
      say(reply.error || "The answer could not be saved.", "error");
    });
  });
  form.dataset.sender = "ready";  // answers now go through this script (browser tests wait for it)
})();
