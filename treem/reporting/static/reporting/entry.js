// The data-entry page: checks each figure as it is typed, saves the changed
// cells a moment after typing stops (with the figure the officer saw, so a
// colleague's change is never overwritten), shows the server's problems and
// totals, and moves through a column with Enter and the arrow keys.
// Without JavaScript the page still works with its Save buttons.
(function () {
  "use strict";
  var form = document.querySelector("form.entry[data-autosave]");
  if (!form) return;
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("autosave-status");
  var text = JSON.parse(document.getElementById("entry-messages").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var timer = null, inFlight = false, again = false;

  function fields() {
    return form.querySelectorAll("input[name^='v:'], textarea[name^='v:'], input[name^='c:']");
  }

  // "1.234,5" → 1234.5, as the server reads it; null when it is not a number.
  function parseVn(raw) {
    var s = raw.replace(/[%‰\s]/g, "");
    if (!/^-?[\d.,]+$/.test(s)) return null;
    if (s.indexOf(",") >= 0) s = s.replace(/\./g, "").replace(",", ".");
    else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "");
    var n = Number(s);
    return isFinite(n) ? n : null;
  }

  function quickCheck(input) {
    var type = input.getAttribute("data-type"), raw = input.value.trim(), msg = "";
    if (raw && type && type !== "text") {
      var n = parseVn(raw);
      if (n === null) msg = text.not_a_number;
      else if ((type === "count" || type === "money") && n < 0) msg = text.negative;
      else if (type === "count" && Math.floor(n) !== n) msg = text.whole;
      else if (type === "percent" && (n < 0 || n > 100)) msg = text.percent;
    }
    input.setCustomValidity(msg);
    input.title = msg;
    if (msg) {
      input.setAttribute("aria-invalid", "true");
      say(input.getAttribute("aria-label") + ": " + msg, "error");
    } else {
      input.removeAttribute("aria-invalid");
    }
    var td = input.closest("td");
    if (td) td.classList.toggle("typing-error", !!msg);
    return !msg;
  }

  // Figures typed but not sent because they do not pass the checks.
  function invalidUnsaved() {
    return Array.prototype.filter.call(fields(), function (f) {
      return f.name.indexOf("v:") === 0 && f.value !== f.getAttribute("data-saved") && f.title;
    });
  }

  function say(message, level) {
    status.textContent = message;
    status.className = level || "";
  }

  function showProblems(problems) {
    form.querySelectorAll("td.error, td.warning").forEach(function (td) {
      td.classList.remove("error", "warning");
    });
    // The problems drawn with the page too: the server has just checked the whole form again.
    form.querySelectorAll("th.label .msg").forEach(function (el) { el.remove(); });
    problems.forEach(function (p) {
      var input = p.cell && form.querySelector("[name='v:" + p.cell + "']");
      var td = input ? input.closest("td") : null;
      if (td) {
        td.classList.add(p.level === "error" ? "error" : "warning");
        input.title = p.message;
        if (p.level !== "error" && !form.querySelector("[name='c:" + p.cell + "']")) {
          var comment = document.createElement("input");
          comment.name = "c:" + p.cell;
          comment.className = "comment";
          comment.setAttribute("data-saved", "");
          comment.setAttribute("aria-label", p.message);
          comment.placeholder = "…";
          td.appendChild(comment);
        }
      }
      var row = document.getElementById("row-" + p.row);
      if (row) {
        var span = document.createElement("span");
        span.className = (p.level === "error" ? "error" : "warn") + " msg live";
        span.textContent = p.message;
        row.querySelector("th.label").appendChild(span);
      }
    });
  }

  function showValues(values) {
    // Computed totals are read-only spans; refresh them from the server.
    form.querySelectorAll("span.value[data-cell]").forEach(function (span) {
      var v = values[span.getAttribute("data-cell")];
      span.textContent = v === undefined ? "" : v;
    });
    // A rate from the report's own numerator and denominator, as the server shows it.
    form.querySelectorAll("span.own-rate[data-rate]").forEach(function (span) {
      var parts = span.getAttribute("data-rate").split(" ");
      var num = parseVn(values[parts[0]] || ""), den = parseVn(values[parts[1]] || "");
      var ok = num !== null && den !== null && den !== 0;
      span.hidden = !ok;
      span.querySelector(".rate").textContent = ok ? (num * Number(parts[2]) / den).toLocaleString(
        "vi-VN", {minimumFractionDigits: 1, maximumFractionDigits: 1}) : "";
    });
  }

  function save() {
    timer = null;
    if (inFlight) { again = true; return; }
    var body = new URLSearchParams(), sent = [];
    fields().forEach(function (f) {
      if (f.value !== f.getAttribute("data-saved") && (f.name.indexOf("c:") === 0 || quickCheck(f))) {
        body.append(f.name, f.value);
        if (f.name.indexOf("v:") === 0) body.append("o:" + f.name.slice(2), f.getAttribute("data-saved"));
        sent.push([f, f.value]);
      }
    });
    if (!sent.length) {
      var held = invalidUnsaved();
      if (held.length) say(text.held.replace("%(n)s", held.length) + " " + held[0].getAttribute("aria-label") + ": "
                           + held[0].title, "error");
      return;
    }
    inFlight = true;
    say(text.saving);
    fetch(url, {method: "POST", body: body, credentials: "same-origin",
                headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (r) {
        return r.json().catch(function () { throw new Error(r.status); });
      })
      .then(function (data) {
        if (data.ok) {
          sent.forEach(function (s) {
            // What the server stored ("3.000" for "3000"), so the next change compares like with like.
            var name = s[0].name.slice(2), stored = data.values && data.values[name];
            var saved = s[0].name.indexOf("v:") === 0 && stored !== undefined ? stored : s[1];
            if (s[0].value === s[1]) s[0].value = saved;
            s[0].setAttribute("data-saved", saved);
          });
          var held = invalidUnsaved();
          if (held.length) {
            // Saying "saved" alone would hide that these figures were not.
            say(text.saved.replace("%(time)s", data.saved_at) + " " + text.held.replace("%(n)s", held.length) + " "
                + held[0].getAttribute("aria-label") + ": " + held[0].title, "error");
          } else {
            say(text.saved.replace("%(time)s", data.saved_at), "ok");
          }
        } else {
          // A colleague's change: show their figure, keep ours in the title.
          (data.problems || []).forEach(function (p) {
            var input = p.cell && form.querySelector("[name='v:" + p.cell + "']");
            if (input && p.kind === "conflict") {
              var theirs = data.values[p.cell] || "";
              input.title = input.value;
              input.value = theirs;
              input.setAttribute("data-saved", theirs);
            }
          });
          say(data.message, "error");
        }
        showProblems(data.problems || []);
        showValues(data.values || {});
      })
      .catch(function () {
        say(text.offline, "error");
        schedule(10000);
      })
      .finally(function () {
        inFlight = false;
        if (again) { again = false; schedule(300); }
      });
  }

  function schedule(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  form.addEventListener("input", function (e) {
    if (!e.target.matches("input[name^='v:']") || quickCheck(e.target)) say(text.unsaved);
    schedule(1500);
  });
  form.addEventListener("change", function () { schedule(200); });

  // Enter or ↓ to the next row's cell in the same column, ↑ back up.
  function move(input, step) {
    var td = input.closest("td"), tr = td && td.parentElement;
    if (!tr) return false;
    var index = td.cellIndex;
    for (var row = step > 0 ? tr.nextElementSibling : tr.previousElementSibling; row;
         row = step > 0 ? row.nextElementSibling : row.previousElementSibling) {
      var cell = row.cells[index], next = cell && cell.querySelector("input[name^='v:']");
      if (next) { next.focus(); next.select(); return true; }
    }
    return false;
  }
  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t.matches("input[name^='v:']")) return;
    if (e.key === "Enter" || e.key === "ArrowDown") {
      e.preventDefault();
      move(t, e.shiftKey ? -1 : 1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      move(t, -1);
    }
  });
  window.addEventListener("beforeunload", function (e) {
    var unsaved = Array.prototype.some.call(fields(), function (f) {
      return f.value !== f.getAttribute("data-saved");
    });
    if (unsaved || inFlight) { e.preventDefault(); e.returnValue = ""; }
  });
  form.addEventListener("submit", function () {
    // The Save buttons post the whole form: nothing left to autosave.
    fields().forEach(function (f) { f.setAttribute("data-saved", f.value); });
  });
})();
