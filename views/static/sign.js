// The sign form: a new CAPTCHA without reloading the page, and the fields
// that belong to the chosen kind of signatory. The form works without it.
(function () {
  "use strict";
  var form = document.querySelector("form.sign-form");
  if (!form) { return; }

  // A form sent back with errors: take keyboard and screen reader users to
  // the summary, which links to each wrong field.
  var summary = document.getElementById("sign-errors");
  if (summary) { summary.focus(); }

  var reload = form.querySelector(".captcha-reload");
  var img = form.querySelector(".captcha-image");
  var audio = form.querySelector(".captcha-audio");
  var id = form.querySelector("input[name=captcha_id]");
  if (reload && img && audio && id && window.fetch) {
    reload.addEventListener("click", function (ev) {
      ev.preventDefault();
      fetch("/api/v1/captcha", { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (c) {
          id.value = c.id;
          img.src = c.image_url;
          audio.href = c.audio_url;
          var answer = form.querySelector("input[name=captcha_answer]");
          if (answer) { answer.value = ""; answer.focus(); }
        })
        .catch(function () { form.requestSubmit ? form.requestSubmit(reload) : form.submit(); });
    });
  }

  var kinds = form.querySelectorAll("input[name=kind][type=radio]");
  function showKind() {
    var individual = form.querySelector("input[name=kind][value=individual]:checked") !== null;
    form.querySelectorAll(".org-only").forEach(function (el) { el.hidden = individual; });
    form.querySelectorAll(".individual-only").forEach(function (el) { el.hidden = !individual; });
  }
  if (kinds.length) {
    kinds.forEach(function (k) { k.addEventListener("change", showKind); });
    showKind();
  }
})();
