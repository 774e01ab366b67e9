// The reviewer's decision on a submitted report. Opening "Return…" in the bar
// at the top puts the cursor in its comment box, so the reason is typed at
// once; Escape there closes the box and goes back to "Return…". Without
// JavaScript the box opens all the same and Tab reaches it; an empty reason
// is refused by the browser (required) and by the server.
(function () {
  "use strict";
  document.querySelectorAll("details.return").forEach(function (details) {
    var box = details.querySelector("textarea"), summary = details.querySelector("summary");
    if (!box || !summary) return;
    details.addEventListener("toggle", function () {
      if (details.open) box.focus();
    });
    details.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && details.open) {
        e.preventDefault();
        details.open = false;
        summary.focus();
      }
    });
  });
})();
