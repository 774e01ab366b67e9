// The data-entry page: checks each figure as it is typed, saves the changed
// cells a moment after typing stops (with the figure the officer saw, so a
// colleague's change is never overwritten), shows the server's problems and
// totals, and moves through a column with Enter and the arrow keys. A figure
// that fails the checks is not sent: its message goes under the row, as the
// server's do, once the cell is left. Submitting a mostly empty report asks first.
// When the session has ended (signed out in another tab, expired, the server's key
// changed) it says so, links to the login page and saves once signed in again; the
// figures not yet saved are kept for the tab (sessionStorage) and put back on reload.
// Without JavaScript the page still works with its Save buttons.
(function () {
  "use strict";
  var form = document.querySelector("form.entry[data-autosave]");
  if (!form) return;
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("autosave-status");
  var text = JSON.parse(document.getElementById("entry-messages").textContent);
  var csrfInput = form.querySelector("[name=csrfmiddlewaretoken]");
  var csrf = csrfInput.value;
  var timer = null, inFlight = false, again = false;
  // expired: the last save was refused for the session; leaving: the form is being posted.
  var expired = false, leaving = false, restoredNote = "";
  var storeKey = "treem-unsaved:" + location.pathname;

  function fields() {
    return form.querySelectorAll("input[name^='v:'], textarea[name^='v:'], input[name^='c:']");
  }

  // Signing in again (in another tab) gives a new CSRF token, in the cookie: the form's
  // Save buttons and the next autosave use it, not the one the page was drawn with.
  function freshToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) csrf = csrfInput.value = decodeURIComponent(m[1]);
    return csrf;
  }

  // The figures not yet saved, with the figure seen saved when each was typed, kept for
  // this tab: a reload, or the login page on the way back, does not lose them.
  function remember() {
    var unsaved = {}, any = false;
    fields().forEach(function (f) {
      if (f.value !== f.getAttribute("data-saved")) {
        unsaved[f.name] = [f.value, f.getAttribute("data-saved")];
        any = true;
      }
    });
    try {
      if (any) sessionStorage.setItem(storeKey, JSON.stringify(unsaved));
      else sessionStorage.removeItem(storeKey);
    } catch (e) { /* storage full or refused: the page still holds them */ }
  }

  function forget() {
    try { sessionStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
  }

  // Those kept by an earlier visit of this tab, back in their cells where the page shows
  // another figure; sent with the figure seen then, so a colleague's change meanwhile is
  // refused as a conflict, not overwritten.
  function restore() {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem(storeKey) || "{}"); } catch (e) { kept = {}; }
    var n = 0;
    Object.keys(kept).forEach(function (name) {
      var f = form.querySelector("[name='" + name.replace(/['\\]/g, "\\$&") + "']"), value = kept[name];
      if (!f || !Array.isArray(value) || sameFigure(f, f.value, value[0])) return;
      f.value = value[0];
      if (name.indexOf("v:") === 0) {
        f.setAttribute("data-saved", value[1] === null ? "" : value[1]);
        quickCheck(f, true);
      }
      n += 1;
    });
    if (!n) { forget(); return; }  // saved (by autosave, or by the form posted before this page)
    restoredNote = fmt(text.restored[n === 1 ? 0 : 1], {n: n});
    say(restoredNote);
    schedule(300);
  }

  // "1234" typed is the "1.234" the server stored: not a figure left unsaved.
  function sameFigure(f, a, b) {
    if (a.trim() === b.trim()) return true;
    var type = f.getAttribute("data-type");
    return !!type && type !== "text" && parseVn(a) !== null && parseVn(a) === parseVn(b);
  }

  // The server's word that the session has ended, and where to sign in again (a new tab:
  // this page keeps its figures and saves them once signed in).
  function showExpired(data) {
    var shown = expired && status.classList.contains("expired");
    expired = true;
    if (shown) return;  // already said, its link kept (it may have the keyboard's focus)
    say(data.message + " ", "error expired");
    var a = document.createElement("a");
    a.href = data.login_url || "/accounts/login/?next=" + encodeURIComponent(location.pathname);
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = text.sign_in;
    status.appendChild(a);
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

  // "%(n)s figures…" with n filled in.
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // The cell as the server's checks name it: "Dòng II.1 “Tổng số” (nam)", the
  // column only when the row has several.
  function where(input) {
    var tr = input.closest("tr"), label = input.getAttribute("aria-label") || "";
    if (!tr || !tr.hasAttribute("data-label")) return label;
    var ref = tr.getAttribute("data-ref"), name = tr.getAttribute("data-label");
    var out = ref ? fmt(text.row, {row: ref, label: name}) : fmt(text.row_unnumbered, {label: name});
    if (Number(tr.getAttribute("data-columns")) > 1) {
      // The input's label is "<row's own number> <column>".
      var own = tr.getAttribute("data-ref-short") + " ", column = "";
      if (label.indexOf(own) === 0) column = label.slice(own.length);
      else {
        var head = form.querySelectorAll("table.entry thead th")[input.closest("td").cellIndex];
        column = head ? head.textContent.trim() : "";
      }
      if (column) out += " (" + column.toLowerCase() + ")";
    }
    return out;
  }

  // What is wrong with the typed figure, in the server's words; "" when nothing.
  function problemOf(input) {
    var type = input.getAttribute("data-type"), raw = input.value.trim(), kind = "";
    if (!raw || !type || type === "text") return "";
    var n = parseVn(raw);
    if (n === null) kind = "not_a_number";
    else if (type === "count" && Math.floor(n) !== n) kind = "whole";
    else if ((type === "count" || type === "money") && n < 0) kind = "negative";
    else if (type === "percent" && (n < 0 || n > 100)) kind = "percent";
    return kind ? fmt(text[kind], {where: where(input), value: raw}) : "";
  }

  function messageId(input) {
    return "check-" + input.name;
  }

  // The check's message under the row, where the server's are drawn, and
  // tied to the input for screen readers; removed once the figure is right.
  function showMessage(input) {
    var msg = input.getAttribute("data-check") || "", id = messageId(input);
    var span = document.getElementById(id), tr = input.closest("tr"), th = tr && tr.querySelector("th.label");
    if (!msg || !th) {
      if (span) span.remove();
      input.removeAttribute("aria-describedby");
      return;
    }
    if (!span) {
      span = document.createElement("span");
      span.id = id;
      span.className = "error msg check";
      th.appendChild(span);
    }
    span.textContent = msg;
    input.setAttribute("aria-describedby", id);
  }

  // `leaving`: the cell has just been left, the time to draw a new message.
  function quickCheck(input, leaving) {
    var msg = problemOf(input);
    input.setCustomValidity(msg);
    input.title = msg;
    if (msg) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("data-check", msg);
      say(msg, "error");
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("data-check");
    }
    var td = input.closest("td");
    if (td) td.classList.toggle("typing-error", !!msg);
    if (leaving || !msg || document.getElementById(messageId(input))) showMessage(input);
    return !msg;
  }

  // Figures typed but not sent because they do not pass the checks.
  function invalidUnsaved() {
    return Array.prototype.filter.call(fields(), function (f) {
      return f.name.indexOf("v:") === 0 && f.value !== f.getAttribute("data-saved") && f.hasAttribute("data-check");
    });
  }

  // "1 figure not saved until corrected, first: Row II.1 “…” (male): …"
  function heldText(held) {
    return fmt(text.held[held.length === 1 ? 0 : 1], {n: held.length}) + " " + held[0].getAttribute("data-check");
  }

  function say(message, level) {
    status.textContent = message;
    status.className = level || "";
  }

  // The list at the top of the page says what the server found last, as the rows do.
  function showFlags(problems) {
    var flags = document.querySelector("div.flags");
    if (!flags) return;
    flags.hidden = problems.length === 0;
    flags.querySelector("p strong").textContent =
      problems.length ? fmt(text.flags[problems.length === 1 ? 0 : 1], {n: problems.length}) : "";
    var list = flags.querySelector("ul"), explainedCount = 0;
    list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li"), a = document.createElement("a");
      li.className = p.level === "error" ? "error" : "warn";
      // A warning explained by a comment of its cell, or of its row, says so, as the page drawn by the server does.
      var explained = p.level !== "error" && explanation(p);
      a.href = "#row-" + p.row;
      a.textContent = shown(p, explained);
      li.appendChild(a);
      if (explained) {
        var span = document.createElement("span");
        span.className = "explanation";
        span.textContent = fmt(text.explained, {comment: explained});
        li.classList.add("explained");
        explainedCount += 1;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(span);
      }
      list.appendChild(li);
    });
    var count = flags.querySelector(".explained-count");
    if (count) count.textContent = explainedCount ? fmt(text.explained_count, {n: explainedCount}) : "";
  }

  // The comment that explains a warning: its cell's, or else one on another cell of its row
  // (validation.explanation on the server).
  function explanation(p) {
    var own = p.cell && form.querySelector("[name='c:" + p.cell + "']");
    if (own && own.value.trim()) return own.value.trim();
    // Its row's comment, or one of a related row's (a rate and its numerator and denominator).
    var rows = [p.row].concat(p.related || []);
    for (var i = 0; i < rows.length; i++) {
      var row = document.getElementById("row-" + rows[i]);
      var text = row ? rowComment(row) : "";
      if (text) return text;
    }
    return "";
  }

  // A warning explained no longer asks for a comment (validation.shown_message on the server).
  function shown(p, explained) {
    return explained && p.explained_message ? p.explained_message : p.message;
  }

  function rowComment(tr) {
    var filled = Array.prototype.filter.call(tr.querySelectorAll("input.comment"), function (c) {
      return c.value.trim() !== "";
    });
    return filled.length ? filled[0].value.trim() : "";
  }

  function showProblems(problems) {
    showFlags(problems);
    form.querySelectorAll("td.error, td.warning, td.explained").forEach(function (td) {
      td.classList.remove("error", "warning", "explained");
    });
    // The server's messages in the inputs' titles go with the marks; the page's own checks keep theirs.
    form.querySelectorAll("input[name^='v:']:not([data-check])").forEach(function (input) {
      input.removeAttribute("title");
    });
    // The problems drawn with the page too: the server has just checked the whole form again.
    // Not the page's own checks of the figures it holds back: the server has not seen those.
    form.querySelectorAll("th.label .msg:not(.check)").forEach(function (el) { el.remove(); });
    var gravity = {explained: 1, warning: 2, error: 3};  // as entry.GRAVITY on the server
    var asking = {};  // the cells whose warning still asks for a comment
    problems.forEach(function (p) {
      var explained = p.level !== "error" && explanation(p);
      var level = explained ? "explained" : p.level === "error" ? "error" : "warning";
      if (level === "warning" && p.cell) asking[p.cell] = true;
      // Every cell the problem is about: a sum that does not add up marks its total and its parts.
      (p.cells || [p.cell]).forEach(function (cell) {
        var input = cell && form.querySelector("[name='v:" + cell + "']");
        var td = input ? input.closest("td") : null;
        if (!td) return;
        var marked = ["error", "warning", "explained"].filter(function (c) { return td.classList.contains(c); })[0];
        if (!marked || gravity[level] > gravity[marked]) {
          td.classList.remove("error", "warning", "explained");
          td.classList.add(level);
        }
        if (!input.hasAttribute("data-check")) input.title = (input.title ? input.title + " " : "") + shown(p, explained);
        // A comment box beside a warning not yet explained (one comment explains a whole row).
        if (cell === p.cell && level === "warning" && !form.querySelector("[name='c:" + p.cell + "']")) {
          var comment = document.createElement("input");
          comment.name = "c:" + p.cell;
          comment.className = "comment";
          comment.setAttribute("data-saved", "");
          comment.setAttribute("aria-label", p.message);
          comment.placeholder = text.comment;  // as the page draws the comment cells
          td.appendChild(comment);
        }
      });
      var row = document.getElementById("row-" + p.row);
      if (row) {
        var span = document.createElement("span");
        span.className = (p.level === "error" ? "error" : "warn") + " msg live" + (explained ? " explained" : "");
        span.textContent = shown(p, explained);
        if (explained) {
          var em = document.createElement("em");
          em.textContent = text.explained_short;
          span.appendChild(document.createTextNode(" "));
          span.appendChild(em);
        }
        row.querySelector("th.label").appendChild(span);
      }
    });
    // An empty comment box no longer asked for (its row is explained, or its warning gone) goes,
    // as the page drawn again would leave it out; not the one being typed in.
    form.querySelectorAll("td.cell input.comment").forEach(function (box) {
      if (!box.value.trim() && !box.getAttribute("data-saved") && box !== document.activeElement &&
          !asking[box.name.slice(2)]) {
        box.remove();
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
      var rate = ok ? num * Number(parts[2]) / den : 0;
      // Two decimals, four for a small rate that two would show as 0 (the server's format_rate).
      span.querySelector(".rate").textContent = ok ? rate.toLocaleString("vi-VN", {
        maximumFractionDigits: rate !== 0 && Math.abs(rate) < 0.005 ? 4 : 2}) : "";
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
      if (held.length) say(heldText(held), "error");
      return;
    }
    inFlight = true;
    if (!expired) say(text.saving);  // the way to sign in stays on screen while retrying
    fetch(url, {method: "POST", body: body, credentials: "same-origin",
                headers: {"X-CSRFToken": freshToken(), "Accept": "application/json"}})
      .then(function (r) {
        return r.json().catch(function () {
          // Refused as a page (403, 404): signed in again, but as someone who may not change this report.
          if (r.status === 403 || r.status === 404) return {expired: true, message: text.not_allowed};
          throw new Error(r.status);
        });
      })
      .then(function (data) {
        if (data.expired) {
          showExpired(data);
          schedule(10000);
          return;
        }
        expired = false;
        if (data.ok) {
          var reportStatus = document.getElementById("report-status");
          if (reportStatus && data.status_text) reportStatus.textContent = data.status_text;
          sent.forEach(function (s) {
            // What the server stored ("3.000" for "3000"), so the next change compares like with like.
            var name = s[0].name.slice(2), stored = data.values && data.values[name];
            var saved = s[0].name.indexOf("v:") === 0 && stored !== undefined ? stored : s[1];
            if (s[0].value === s[1]) s[0].value = saved;
            s[0].setAttribute("data-saved", saved);
          });
          var held = invalidUnsaved(), saved = fmt(text.saved, {time: data.saved_at});
          if (restoredNote) { saved = restoredNote + " " + saved; restoredNote = ""; }
          if (held.length) {
            // Saying "saved" alone would hide that these figures were not.
            say(saved + " " + heldText(held), "error");
          } else {
            say(saved, "ok");
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
        remember();
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
    leaving = false;
    // While the session has ended, the way to sign in again stays on screen.
    if ((!e.target.matches("input[name^='v:']") || quickCheck(e.target)) && !expired) say(text.unsaved);
    remember();
    schedule(expired ? 10000 : 1500);
  });
  form.addEventListener("change", function () { remember(); if (!expired) schedule(200); });
  // Back from signing in again in another tab: save at once rather than at the next retry.
  function retryNow() {
    if (!expired || document.visibilityState !== "visible") return;
    if (inFlight) again = true;  // a retry on its way may have left before signing in: once more after it
    else schedule(0);
  }
  window.addEventListener("focus", retryNow);
  document.addEventListener("visibilitychange", retryNow);
  form.addEventListener("focusout", function (e) {
    if (e.target.matches("input[name^='v:']")) quickCheck(e.target, true);
  });

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
    // Not when the form itself is being posted (Save pressed while an autosave is on its way).
    if ((unsaved || inFlight) && !leaving) { e.preventDefault(); e.returnValue = ""; }
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  form.addEventListener("submit", function (e) {
    // Kept until the page drawn after the post shows them (restore() then forgets them): a post
    // after the session ended lands on the login page, and signing in leads back here without them.
    remember();
    // A report mostly empty is asked about before it goes up (the notes beside the rows not counted;
    // not an agency's, which fills its own rows of the form).
    // Not when the page already shows an error, or a warning not explained: the server refuses the report
    // and says why, and asking "submit anyway?" first would promise what will not happen.
    var refused = form.querySelector("td.error, th.label .msg.check") || document.querySelector("div.flags li.error") ||
      Array.prototype.some.call(form.querySelectorAll("td.warning"), function (td) {
        return !rowComment(td.closest("tr"));  // a warning blocks until its row carries a comment
      });
    if (e.submitter && e.submitter.value === "submit" && !refused) {
      var cells = form.querySelectorAll("input[name^='v:'], textarea[name^='v:']:not(.side)");
      var filled = Array.prototype.filter.call(cells, function (f) { return f.value.trim() !== ""; }).length;
      if (text.few_filled && filled * 2 < cells.length && !window.confirm(fmt(text.few_filled, {
        filled: filled.toLocaleString("vi-VN"), total: cells.length.toLocaleString("vi-VN")}))) {
        e.preventDefault();
        return;
      }
    }
    // With each figure, the one this page last knew as saved: a colleague's change since is refused
    // by the server, as autosave's is, instead of being overwritten by what this page still shows.
    form.querySelectorAll("input.seen").forEach(function (el) { el.remove(); });
    fields().forEach(function (f) {
      if (f.name.indexOf("v:") !== 0) return;
      var seen = document.createElement("input");
      seen.type = "hidden";
      seen.className = "seen";
      seen.name = "o:" + f.name.slice(2);
      seen.value = f.getAttribute("data-saved");
      form.appendChild(seen);
    });
    // The Save buttons post the whole form: nothing left to autosave.
    fields().forEach(function (f) { f.setAttribute("data-saved", f.value); });
    freshToken();
  });
  // After every handler of the form: the submission goes ahead unless one of them stopped it.
  window.addEventListener("submit", function (e) {
    if (e.target === form && !e.defaultPrevented) leaving = true;
  });

  restore();
})();
