// An agency's form: "show only the lines we lead" hides the other lines
// (they stay in the form, so saving still sends every figure).
(function () {
  "use strict";
  var box = document.getElementById("only-led");
  var table = document.querySelector("table.entry");
  if (!box || !table) return;
  function apply() { table.classList.toggle("only-led", box.checked); }
  box.addEventListener("change", apply);
  apply();
})();
