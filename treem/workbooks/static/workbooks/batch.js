// Follows a bulk workbook import: asks the server every two seconds for the
// files finished since the last answer and updates their rows. Without
// JavaScript the page refreshes itself instead (<noscript> meta refresh).
(function () {
  "use strict";
  var root = document.getElementById("batch");
  if (!root || root.getAttribute("data-done") === "1" || !window.fetch) return;
  var url = root.getAttribute("data-status-url");

  function firstWaiting() {
    var row = root.querySelector("tr.file-waiting");
    return row ? parseInt(row.getAttribute("data-order"), 10) : 0;
  }

  function render(file) {
    var row = document.getElementById("file-" + file.id);
    if (!row) return;
    row.className = "file-" + file.status;
    row.querySelector(".status").textContent = file.status_display;
    var result = row.querySelector(".result");
    result.textContent = "";
    var message = document.createElement("span");
    message.className = "message";
    message.textContent = file.message;
    result.appendChild(message);
    if (file.problems.length) {
      var list = document.createElement("ul");
      list.className = "problems";
      file.problems.forEach(function (p) {
        var item = document.createElement("li");
        item.className = p.level === "error" ? "error" : "warn";
        item.textContent = p.sheet + (p.cell ? "!" + p.cell : "") + " — " + p.message;
        list.appendChild(item);
      });
      result.appendChild(list);
    }
  }

  function counter(id, text) {
    var node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  function poll() {
    fetch(url + "?from=" + firstWaiting(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.files.forEach(render);
        var bar = document.getElementById("batch-progress");
        bar.value = data.done;
        bar.max = data.total;
        counter("batch-count", data.count_text);
        counter("batch-imported", data.imported_text);
        counter("batch-refused", data.refused_text);
        if (data.is_done) {
          root.setAttribute("data-done", "1");
          document.getElementById("batch-finished").hidden = false;
        } else {
          setTimeout(poll, 2000);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  setTimeout(poll, 1000);
})();
