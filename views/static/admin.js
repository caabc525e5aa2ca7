// undersign dashboard: progressive enhancement only; every action works
// without this script.
(function () {
  "use strict";
  // "Select every row" in the moderation queue.
  document.querySelectorAll("input.select-all").forEach(function (all) {
    var boxes = document.querySelectorAll('input[type=checkbox][name=sel][form="' + all.getAttribute("form") + '"]');
    if (!boxes.length) return;
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        var n = 0;
        boxes.forEach(function (x) { if (x.checked) n++; });
        all.checked = n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      });
    });
  });
})();
