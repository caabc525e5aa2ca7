// undersign frame sizing, for the page that embeds /embed/{slug} in an
// iframe: listens for the height the frame reports and sets it. Messages
// from any other origin, or for a frame it did not come from, are ignored.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  window.addEventListener("message", function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== "undersign:height") {
      return;
    }
    var h = Number(e.data.height);
    if (!isFinite(h) || h < 0) {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) {
        frames[i].style.height = Math.min(Math.ceil(h), 10000) + "px";
      }
    }
  });
})();
