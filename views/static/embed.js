// undersign embed (runs inside /embed/{slug}): tells the page that frames
// the list how tall it is, so that embed-resize.js there can size the
// iframe. Only a number leaves the frame.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = -1;
  function post() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) {
      return;
    }
    last = h;
    window.parent.postMessage({ type: "undersign:height", slug: document.body.getAttribute("data-slug"), height: h }, "*");
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(document.documentElement);
  }
  post();
})();
