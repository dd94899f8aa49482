// The live client: one WebSocket per tab to /live. The page declares its topics, with the
// position (epoch, seq) it was rendered at, in <body data-live-topics>. The client subscribes
// with those positions, so the server replays exactly what the page missed or says "resync"
// (then the page's live fragments are fetched again over HTTP). Events carry HTML fragments
// keyed by element id; they are merged into the page without losing focus, caret or unsaved
// input. Presence lists fill elements marked data-presence="<topic>".
(function () {
  "use strict";
  var topicsAttr = document.body && document.body.getAttribute("data-live-topics");
  if (!topicsAttr || !("WebSocket" in window)) return;
  var topics = {};
  JSON.parse(topicsAttr).forEach(function (t) {
    topics[t.topic] = { epoch: t.epoch, seq: t.seq };
  });
  var me = document.body.getAttribute("data-live-user");
  var status = document.getElementById("live-status");
  var socket = null;
  var attempt = 0;
  var authFailures = 0;

  function setStatus(state, text) {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  }

  function url() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/live";
  }

  function connect() {
    setStatus("connecting", attempt ? "Reconnecting…" : "Connecting…");
    socket = new WebSocket(url());
    socket.onopen = function () {
      attempt = 0;
      setStatus("live", "Live");
      Object.keys(topics).forEach(function (topic) {
        var position = topics[topic];
        var message = { type: "subscribe", topic: topic };
        if (position.epoch) {
          message.epoch = position.epoch;
          message.seq = position.seq;
        }
        socket.send(JSON.stringify(message));
      });
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4001 || event.code === 4003) {
        // Signed out, or the session ended: try once more (a password change starts a new
        // session in this browser), then send the person to sign in.
        authFailures += 1;
        if (authFailures > 1) {
          setStatus("offline", "Signed out");
          location.href = "/sign-in?reason=signed-out&next=" + encodeURIComponent(location.pathname);
          return;
        }
      }
      setStatus("offline", "Offline – reconnecting");
      reconnectLater();
    };
  }

  function reconnectLater() {
    // Jittered exponential backoff: 0.5 s doubling to 30 s, each wait randomised.
    var ceiling = Math.min(30000, 500 * Math.pow(2, attempt));
    attempt += 1;
    setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
  }

  function advance(frame) {
    var position = topics[frame.topic];
    if (!position) return false;
    if (position.epoch === frame.epoch && frame.seq <= position.seq) return false; // seen
    position.epoch = frame.epoch;
    position.seq = frame.seq;
    return true;
  }

  function handle(frame) {
    switch (frame.type) {
      case "subscribed":
        authFailures = 0;
        if (topics[frame.topic]) {
          topics[frame.topic].epoch = frame.epoch;
          topics[frame.topic].seq = frame.seq;
        }
        break;
      case "event":
        if (advance(frame) && frame.body) apply(frame.body);
        break;
      case "resync":
        if (topics[frame.topic]) {
          topics[frame.topic].epoch = frame.epoch;
          topics[frame.topic].seq = frame.seq;
        }
        refetch();
        break;
      case "presence":
        showPresence(frame);
        break;
      case "error":
        if (window.console) console.warn("live:", frame.reason, frame.topic || "");
        break;
    }
  }

  function apply(body) {
    var fragments = body.fragments || {};
    Object.keys(fragments).forEach(function (id) {
      var target = document.getElementById(id);
      if (!target) return;
      var holder = document.createElement("div");
      holder.innerHTML = fragments[id];
      var incoming = holder.firstElementChild;
      if (incoming && incoming.id === id) morph(target, incoming);
    });
    // New items for the top of a list (a case's new timeline line): the page keeps the items it
    // shows and adds these above them.
    var prepend = body.prepend || {};
    Object.keys(prepend).forEach(function (id) {
      var target = document.getElementById(id);
      if (!target) return;
      var holder = document.createElement(target.tagName);
      holder.innerHTML = prepend[id];
      while (holder.lastElementChild) target.insertBefore(holder.lastElementChild, target.firstChild);
    });
    fillTokens();
    warnStale(body.version);
    // Parts of the case the event does not carry (an assessment pathway being answered): a
    // page showing one fetches itself again and merges it, keeping what is being changed.
    var shown = (body.refetch || []).some(function (id) { return document.getElementById(id); });
    if (shown) refetch();
  }

  // A form decided on a case version (a QA decision) says at once when the case has moved on
  // under it; the server refuses the stale form anyway, this only spares the person the trip.
  function warnStale(version) {
    if (typeof version !== "number") return;
    document.querySelectorAll("form[data-case-version]").forEach(function (form) {
      if (Number(form.getAttribute("data-case-version")) >= version) return;
      var notice = form.querySelector("[data-stale-notice]");
      if (notice) notice.hidden = false;
    });
  }

  // Fragments are rendered once for every viewer, so a form that appears in one (a "Submit"
  // button once the assessment is done) arrives without a CSRF token: give it the page's.
  function fillTokens() {
    var holder = document.getElementById("session-warning");
    var token = holder && holder.getAttribute("data-csrf");
    if (!token) return;
    document.querySelectorAll('input[name="csrf_token"]').forEach(function (input) {
      if (!input.value) input.value = token;
    });
  }

  // Re-fetch this page and merge its live fragments (elements marked data-live-fragment).
  function refetch() {
    fetch(location.href, { credentials: "same-origin", headers: { "X-Live-Refetch": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-fragment][id]").forEach(function (element) {
          var incoming = fresh.getElementById(element.id);
          if (incoming) morph(element, incoming);
        });
        fillTokens();
      });
  }

  // Makes `from` look like `to` in place. The element being edited keeps its value, caret and
  // focus; so does any field whose value the person changed and has not saved.
  function morph(from, to) {
    // What the page itself shows there (whether an answer was saved) is this page's own.
    if (from.nodeType === Node.ELEMENT_NODE && from.hasAttribute("data-live-local")) return;
    if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
      if (!containsEdited(from)) from.replaceWith(to.cloneNode(true));
      return;
    }
    if (from.nodeType === Node.TEXT_NODE || from.nodeType === Node.COMMENT_NODE) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    if (from.nodeType !== Node.ELEMENT_NODE) return;
    var edited = isEdited(from) || keepsValue(from);
    Array.prototype.slice.call(from.attributes).forEach(function (attribute) {
      if (!to.hasAttribute(attribute.name) && !(edited && attribute.name === "value")) {
        from.removeAttribute(attribute.name);
      }
    });
    Array.prototype.slice.call(to.attributes).forEach(function (attribute) {
      if (edited && (attribute.name === "value" || attribute.name === "checked")) return;
      if (from.getAttribute(attribute.name) !== attribute.value) {
        from.setAttribute(attribute.name, attribute.value);
      }
    });
    if (!edited && (from.tagName === "INPUT" || from.tagName === "SELECT" || from.tagName === "TEXTAREA")) {
      if (from.type === "checkbox" || from.type === "radio") {
        from.checked = to.hasAttribute("checked");
      } else if (from.tagName === "TEXTAREA") {
        from.value = to.textContent;
        return;
      } else if (from.tagName === "INPUT") {
        from.value = to.getAttribute("value") || "";
      }
    }
    if (from.tagName === "TEXTAREA") return;
    var fromChildren = Array.prototype.slice.call(from.childNodes);
    var toChildren = Array.prototype.slice.call(to.childNodes);
    for (var i = 0; i < toChildren.length; i++) {
      if (i < fromChildren.length) {
        morph(fromChildren[i], toChildren[i]);
      } else {
        from.appendChild(toChildren[i].cloneNode(true));
      }
    }
    for (var j = fromChildren.length - 1; j >= toChildren.length; j--) {
      if (!containsEdited(fromChildren[j])) from.removeChild(fromChildren[j]);
    }
  }

  // Values that must survive an update: the page's own CSRF token (fragments are rendered
  // once for everyone, without it), and the base value of a field the person is changing
  // (it records what they started from, so the server can tell their edit from a conflict).
  function keepsValue(element) {
    if (element.tagName !== "INPUT") return false;
    if (element.name === "csrf_token") return true;
    var field = element.getAttribute("data-base-for");
    if (!field) return false;
    // The field, or the group of boxes of one question, that the base belongs to.
    var edited = document.getElementById(field);
    return !!edited && containsEdited(edited);
  }

  function isEdited(element) {
    if (element === document.activeElement) return true;
    if (element.tagName === "INPUT") {
      // A radio group is one answer: changing it edits every button in it, so an incoming
      // answer cannot tick another button and clear the person's choice.
      if (element.type === "radio" && element.form && element.name) {
        return Array.prototype.some.call(element.form.elements, function (other) {
          return other.type === "radio" && other.name === element.name && other.checked !== other.defaultChecked;
        });
      }
      if (element.type === "checkbox" || element.type === "radio") {
        return element.checked !== element.defaultChecked;
      }
      return element.value !== element.defaultValue;
    }
    if (element.tagName === "TEXTAREA") return element.value !== element.defaultValue;
    return false;
  }

  function containsEdited(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return false;
    if (isEdited(node)) return true;
    var fields = node.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) if (isEdited(fields[i])) return true;
    return false;
  }

  function showPresence(frame) {
    document.querySelectorAll('[data-presence="' + frame.topic + '"]').forEach(function (box) {
      var list = box.querySelector("ul");
      if (!list) return;
      list.textContent = "";
      var users = frame.users || [];
      users.forEach(function (user) {
        var item = document.createElement("li");
        item.className = "presence__person";
        item.dataset.user = user.id;
        item.textContent = user.name + (user.id === me ? " (you)" : "") + (user.state ? " – " + user.state : "");
        list.appendChild(item);
      });
      var count = box.querySelector("[data-presence-count]");
      if (count) count.textContent = String(users.length);
    });
  }

  // Focus inside a section marked data-editing="Consent" tells the others on its topic that
  // this person is editing it; leaving the section says they stopped.
  var editing = null;
  function say(topic, state) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "presence", topic: topic, state: state }));
    }
  }
  document.addEventListener("focusin", function (event) {
    var section = event.target.closest && event.target.closest("[data-editing][data-editing-topic]");
    var now = section ? section.getAttribute("data-editing-topic") + "|" + section.getAttribute("data-editing") : null;
    if (now === editing) return;
    if (editing) say(editing.split("|")[0], "");
    editing = now;
    if (section) say(section.getAttribute("data-editing-topic"), "editing " + section.getAttribute("data-editing"));
  });
  document.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    var section = next && next.closest && next.closest("[data-editing][data-editing-topic]");
    if (!section && editing) {
      say(editing.split("|")[0], "");
      editing = null;
    }
  });

  // Lets pages say what the person is doing ("editing Consent"): other viewers see it.
  window.catsLive = {
    presence: function (topic, state) {
      if (socket && socket.readyState === 1) {
        socket.send(JSON.stringify({ type: "presence", topic: topic, state: state || "" }));
      }
    }
  };

  connect();
})();
