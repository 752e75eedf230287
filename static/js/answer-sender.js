// Sending an answer without losing it or recording it twice.
//
// Each submission carries an idempotency key (the server accepts a key once,
// so a retry of an answer that did arrive changes nothing). A failed send is
// retried with exponential backoff; when the attempts run out, or the browser
// is offline, the answer waits in localStorage and goes out as soon as the
// connection is back. The student is told plainly what is happening.
// Without JavaScript (or fetch) the form posts as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  var statusBox = document.getElementById("answer-status");
  if (!window.fetch || !window.FormData) return;

  var QUEUE_KEY = "answer-queue:v1";
  var settings = (form || statusBox || document.body).dataset;
  var baseMs = parseInt(settings.retryBaseMs || "1000", 10);
  var capMs = parseInt(settings.retryCapMs || "10000", 10);
  var attempts = parseInt(settings.retryAttempts || "3", 10);
  var sending = false;

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

  // --- The offline queue --------------------------------------------------------
  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(entries) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(entries)); return true; } catch (e) { return false; }
  }
  function enqueue(entry) {
    var entries = queued().filter(function (other) { return other.url !== entry.url; });
    entries.push(entry);  // the latest answer to an item replaces an older unsent one
    return saveQueue(entries);
  }
  function dequeue(entry) {
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

  // Resolves to {done: true, reply} when the server answered for good, or
  // {done: false, waitMs} when it is worth trying again.
  function post(entry) {
    return fetch(entry.url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": entry.fields.csrfmiddlewaretoken || "" },
    }).then(function (response) {
      if (response.redirected) {
        // The session ended (the answer went to the login page instead): go there, say so.
        // A kept (offline) answer stays kept: it is sent again once the student is back.
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

  function send(entry, attempt, onDone) {
    if (!navigator.onLine) { park(entry); return; }
    post(entry).then(function (result) {
      if (result.done) { if (!result.keep) dequeue(entry); onDone(result); return; }
      if (attempt + 1 >= attempts) { park(entry); return; }
      var wait = Math.max(delayFor(attempt), result.waitMs);
      say(result.why + " Trying again in " + Math.max(1, Math.round(wait / 1000)) +
          " s (attempt " + (attempt + 2) + " of " + attempts + ").", "warning");
      setTimeout(function () { send(entry, attempt + 1, onDone); }, wait);
    });
  }

  function park(entry) {
    sending = false;
    var kept = enqueue(entry);
    say(kept
      ? "You seem to be offline. Your answer to " + entry.label + " is kept in this browser and will be sent " +
        "as soon as the connection is back; you can stay on this page."
      : "You seem to be offline, and this browser cannot keep the answer. Submit it again when you are back online.",
      "warning");
  }

  function finish(result) {
    sending = false;
    var reply = result.reply || {};
    if (result.ok && reply.next) {
      say("Answer saved.", "ok");
      window.location.assign(reply.next);
      return;
    }
    if (reply.next) { window.location.assign(reply.next); return; }
    say(reply.error || "The answer could not be saved.", "error");
  }

  // Answers kept while offline go out when the connection is back, from
  // whichever question page is open (or the next one that loads).
  function flush() {
    var entries = queued();
    if (!entries.length || !navigator.onLine || sending) return;
    // The page's CSRF token is the current one (logging in again rotates it).
    var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
    entries.forEach(function (entry) {
      if (token) entry.fields.csrfmiddlewaretoken = token.value;
      say("Back online: sending your answer to " + entry.label + "…", "warning");
      send(entry, 0, function (result) {
        var reply = result.reply || {};
        if (!result.ok) { say("An answer kept offline (" + entry.label + ") was not saved: " + (reply.error || "refused") + ".", "error"); return; }
        say("Your answer to " + entry.label + " is saved.", "ok");
        if (form && entry.url === form.action) window.location.assign(reply.next || window.location.href);
      });
    });
  }
  window.addEventListener("online", flush);
  flush();

  if (!form) return;
  form.dataset.sender = "ready";  // answers now go through this script (browser tests wait for it)
  var keyField = form.querySelector('input[name="idempotency_key"]');
  // A different choice is a different submission: it gets its own key.
  form.addEventListener("change", function (event) {
    if (event.target.name === "choice" && !sending && keyField) keyField.value = "";
  });
  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (sending) return;  // a double click sends once
    if (!form.querySelector('input[name="choice"]:checked')) {
      say("Choose one of the answer letters, then submit.", "error");
      return;
    }
    if (keyField && !keyField.value) keyField.value = newKey();
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = value; });
    var screen = document.getElementById("block-screen");
    var entry = {
      url: form.action,
      fields: fields,
      key: fields.idempotency_key || newKey(),
      label: "item " + (screen ? screen.dataset.position : "?"),
    };
    sending = true;
    say("Saving your answer…", "");
    send(entry, 0, finish);
  });
})();
