// undersign snippet page: copy buttons. Each button names the textarea it
// copies in data-copy; the words it shows and says come from the page
// (data-copied on the button and the status line, data-select), in the
// visitor's language.
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
    if (!btn.hasAttribute("data-label")) {
      btn.setAttribute("data-label", btn.textContent);
    }
    var label = btn.getAttribute("data-label");
    function done() {
      btn.textContent = btn.getAttribute("data-copied") || label;
      say(status ? status.getAttribute("data-copied") : "");
      window.setTimeout(function () { btn.textContent = label; }, 2000);
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
      say(status ? status.getAttribute("data-select") : "");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  });
})();
