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
