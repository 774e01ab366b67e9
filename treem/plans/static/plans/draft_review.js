// The plan review: where no unit was known, choosing one in the list enables
// "Confirm" at once (the server checks the choice again when confirming).
(function () {
  "use strict";
  var select = document.getElementById("unit-choice");
  var confirm = document.querySelector("button[name=confirm][data-needs-unit]");
  if (!select || !confirm) return;
  function apply() { confirm.disabled = !select.value; }
  select.addEventListener("change", apply);
  apply();
})();
