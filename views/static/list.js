// undersign snippet page: copy buttons. Each button names the textarea it
// copies in data-copy.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  function say(msg) {
    if (status) {
      status.textContent = msg;
    }
  }
  document.addEventListener("click", function (e) {
    var btn = e.target && e.target.closest ? e.target.closest("button[data-copy]") : null;
    if (!btn) {
      return;
    }
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    function done() {
      btn.textContent = "Copied";
      say("Copied to the clipboard.");
      window.setTimeout(function () { btn.textContent = "Copy"; }, 2000);
    }
    function fallback() {
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) {
          done();
          return;
        }
      } catch (err) {
        // fall through to the hint
      }
      say("The code is selected: press Ctrl+C (or Cmd+C) to copy it.");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  });
})();
