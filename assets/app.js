// The page script. Pages work without it; it only adds:
// - focus on the error summary when a form comes back with errors, so screen readers announce it;
// - the idle-session warning: the server signs a session out after a period without requests;
//   this warns shortly before, and "Stay signed in" makes a request that keeps it alive.
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
})();

(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) return;
  var timeout = Number(box.dataset.idleTimeout) * 1000;
  var warnBefore = Number(box.dataset.idleWarning) * 1000;
  var left = document.getElementById("session-warning-left");
  var lastActivity = Date.now();
  var countdown = null;

  function describe(ms) {
    var seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function tick() {
    var remaining = lastActivity + timeout - Date.now();
    if (remaining <= 0) {
      window.location.href = "/sign-in?reason=expired&next=" + encodeURIComponent(location.pathname);
      return;
    }
    if (remaining <= warnBefore) {
      if (box.hidden) {
        box.hidden = false;
        document.getElementById("session-stay").focus();
      }
      left.textContent = describe(remaining);
    }
  }

  document.getElementById("session-stay").addEventListener("click", function () {
    fetch("/session/keep-alive", {
      method: "POST",
      headers: { "X-CSRF-Token": box.dataset.csrf },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) {
        lastActivity = Date.now();
        box.hidden = true;
      } else {
        window.location.href = "/sign-in?reason=expired";
      }
    });
  });

  countdown = window.setInterval(tick, 1000);
  window.addEventListener("pagehide", function () { window.clearInterval(countdown); });
})();

// Saving as the person goes: in a form marked data-autosave, each question is saved the moment
// its answer changes, with the answer the person started from (its base) so the server can
// tell their change from a colleague's. One save per question at a time: a change made while
// one is on its way is sent when it comes back, from the base it returns. Without the script
// the form's own button saves the whole page the same way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var busy = {};
  var again = {};

  function say(code, text, problem) {
    var status = form.querySelector('[data-autosave-for="' + code + '"]');
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("autosave-status--problem", !!problem);
  }

  function boxes(code) {
    return Array.prototype.filter.call(form.elements, function (e) { return e.name === code; });
  }

  // The answer now stands as saved: it no longer counts as the person's unsaved change.
  function settle(code, base, chosen) {
    var input = form.querySelector('input[data-base-for="' + code + '"]');
    if (input) { input.value = base; input.defaultValue = base; }
    boxes(code).forEach(function (box) {
      if (chosen) box.checked = chosen.indexOf(box.value) !== -1;
      box.defaultChecked = box.checked;
    });
  }

  function save(code) {
    var base = form.querySelector('input[data-base-for="' + code + '"]');
    var token = form.querySelector('input[name="csrf_token"]');
    if (!base || !token) return;
    if (busy[code]) { again[code] = true; return; }
    busy[code] = true;
    var data = new URLSearchParams();
    data.append("csrf_token", token.value);
    data.append("base_" + code, base.value);
    boxes(code).forEach(function (box) { if (box.checked) data.append(code, box.value); });
    say(code, "Saving…");
    fetch(location.pathname, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString()
    })
      .then(function (response) {
        return response.json()
          .catch(function () { return {}; })
          .then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (reply) {
        busy[code] = false;
        if (reply.status === 200) {
          settle(code, reply.body.base);
          // A time, because a colleague may change the answer later and the page follows.
          var now = new Date();
          say(code, "Your answer was saved at " + now.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }));
        } else if (reply.status === 409) {
          again[code] = false;
          settle(code, reply.body.base, reply.body.theirs);
          say(code, reply.body.message, true);
          return;
        } else {
          again[code] = false;
          say(code, reply.body.message || "Not saved. Use Save and continue.", true);
          return;
        }
        if (again[code]) { again[code] = false; save(code); }
      })
      .catch(function () {
        busy[code] = false;
        again[code] = false;
        say(code, "Not saved: the connection failed. Use Save and continue.", true);
      });
  }

  form.addEventListener("change", function (event) {
    var code = event.target.name;
    if (code && code !== "csrf_token" && form.querySelector('input[data-base-for="' + code + '"]')) save(code);
  });
})();
