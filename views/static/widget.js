// undersign widget: draws a statement's signatories into
// <div data-undersign="{slug}"></div> on any site, from the public JSON API.
// It works in a shadow root (no styles leak either way), defines nothing
// global, and signer data reaches the page only through textContent and
// checked http(s) link targets.
// Options: data-show="count|list|both", data-limit="1-50", data-theme="light|dark|auto".
(function () {
  "use strict";
  var BASE = "__UNDERSIGN_BASE_URL__";
  if (BASE.indexOf("__") === 0) {
    // Served as a plain static file: the API is where the script came from.
    var me = document.currentScript;
    BASE = me && me.src ? new URL(me.src, window.location.href).origin : window.location.origin;
  }
  var SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
  var seen = typeof WeakSet === "function" ? new WeakSet() : null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  function safeURL(u) {
    if (typeof u !== "string" || u === "") {
      return "";
    }
    try {
      var p = new URL(u);
      return p.protocol === "https:" || p.protocol === "http:" ? p.href : "";
    } catch (err) {
      return "";
    }
  }

  function link(url, text, rel) {
    var href = safeURL(url);
    if (!href) {
      return el("span", "", text);
    }
    var a = el("a", "", text);
    a.href = href;
    a.target = "_blank";
    a.rel = rel || "noopener";
    return a;
  }

  function getJSON(path) {
    return window.fetch(BASE + path, { credentials: "omit", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.json();
    });
  }

  function countText(st) {
    var n = Number(st.counts && st.counts.total) || 0;
    var noun = st.accepts_individuals ? ["signatory has", "signatories have"] : ["organisation has", "organisations have"];
    return n.toLocaleString("en") + " " + (n === 1 ? noun[0] : noun[1]) + " signed";
  }

  function draw(box, st, page, show) {
    box.textContent = "";
    if (st.list_hidden) {
      var until = st.list_published_at ? new Date(st.list_published_at).toLocaleDateString() : "";
      box.appendChild(el("p", "us-count", "The signatories will be published" + (until ? " on " + until : "") + "."));
    } else if (show !== "list") {
      box.appendChild(el("p", "us-count", countText(st)));
    }
    var title = el("p", "us-title");
    title.appendChild(link(st.url, st.title));
    box.appendChild(title);
    if (page && !st.list_hidden) {
      if (page.items && page.items.length) {
        var ul = el("ul", "us-list");
        page.items.forEach(function (s) {
          var li = el("li");
          var name = link(s.website, s.name, "nofollow ugc noopener");
          name.setAttribute("dir", "auto");
          li.appendChild(name);
          if (s.domain_verified) {
            var v = el("span", "us-verified", "\u2713");
            v.title = "domain verified";
            li.appendChild(v);
          }
          li.appendChild(el("span", "us-country", s.country_name || s.country));
          ul.appendChild(li);
        });
        box.appendChild(ul);
      } else {
        box.appendChild(el("p", "us-none", "No signatories yet."));
      }
    }
    var links = el("p", "us-links");
    var sign = link(safeURL(st.url) ? st.url + "#sign" : "", "Sign the statement");
    sign.className = "us-sign";
    links.appendChild(sign);
    links.appendChild(link(BASE + "/s/" + encodeURIComponent(st.slug) + "/signatories", "See all signatories"));
    box.appendChild(links);
  }

  function render(host) {
    if (seen) {
      if (seen.has(host)) {
        return;
      }
      seen.add(host);
    } else if (host.getAttribute("data-undersign-drawn")) {
      return;
    }
    host.setAttribute("data-undersign-drawn", "1");
    var slug = host.getAttribute("data-undersign") || "";
    if (!SLUG.test(slug)) {
      return;
    }
    var show = host.getAttribute("data-show") || "both";
    var limit = parseInt(host.getAttribute("data-limit") || "10", 10);
    if (!(limit >= 1 && limit <= 50)) {
      limit = 10;
    }
    var theme = host.getAttribute("data-theme");
    theme = theme === "light" || theme === "dark" ? theme : "auto";
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var css = el("link");
    css.rel = "stylesheet";
    css.href = BASE + "/static/widget.css";
    root.appendChild(css);
    var box = el("div", "us-box us-theme-" + theme, "\u2026");
    box.setAttribute("aria-live", "polite");
    root.appendChild(box);
    var path = "/api/v1/statements/" + encodeURIComponent(slug);
    Promise.all([
      getJSON(path),
      show === "count" ? null : getJSON(path + "/signatories?limit=" + limit)
    ]).then(function (res) {
      draw(box, res[0], res[1], show);
    }).catch(function () {
      box.textContent = "";
      box.appendChild(el("p", "us-error", "The signatories could not be loaded."));
    });
  }

  function renderAll() {
    var hosts = document.querySelectorAll("[data-undersign]");
    for (var i = 0; i < hosts.length; i++) {
      render(hosts[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
