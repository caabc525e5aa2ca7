// undersign widget: draws a statement's signatories into
// <div data-undersign="{slug}"></div> on any site, from the public JSON API.
// It works in a shadow root (no styles leak either way), defines nothing
// global, and signer data reaches the page only through textContent and
// checked http(s) link targets.
// Options: data-show="count|list|both", data-limit="1-50", data-theme="light|dark|auto",
// data-lang="en|zh-Hans|uk|ru|es|fr|de" (the statement's language by default).
(function () {
  "use strict";
  var BASE = "__UNDERSIGN_BASE_URL__";
  if (BASE.indexOf("__") === 0) {
    // Served as a plain static file: the API is where the script came from.
    var me = document.currentScript;
    BASE = me && me.src ? new URL(me.src, window.location.href).origin : window.location.origin;
  }
  // The widget's words in every language, from the server's catalog; served
  // as a plain static file, the script has none and speaks English.
  var PHRASES = "__UNDERSIGN_PHRASES__";
  if (typeof PHRASES !== "object") {
    PHRASES = { en: {
      sign: "Sign the statement", all: "See all signatories", none: "No signatories yet.", verified: "domain verified",
      hidden: "The signatories will be published on {date}.", error: "The signatories could not be loaded.",
      orgs: { one: "{n} organisation has signed", other: "{n} organisations have signed" },
      people: { one: "{n} signatory has signed", other: "{n} signatories have signed" }
    } };
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

  // language picks the phrases for a code ("de-AT" falls back to "de",
  // "zh" to "zh-Hans"), English when none fits.
  function language(code) {
    code = String(code || "").toLowerCase();
    var primary = code.split("-")[0];
    var best = "";
    Object.keys(PHRASES).forEach(function (k) {
      var lk = k.toLowerCase();
      if (lk === code) {
        best = k;
      } else if (!best && lk.split("-")[0] === primary) {
        best = k;
      }
    });
    return best || (PHRASES.en ? "en" : Object.keys(PHRASES)[0]);
  }

  function number(n, lang) {
    try {
      return n.toLocaleString(lang);
    } catch (err) {
      return String(n);
    }
  }

  function countText(st, lang) {
    var n = Number(st.counts && st.counts.total) || 0;
    var forms = st.accepts_individuals ? PHRASES[lang].people : PHRASES[lang].orgs;
    var cat = "other";
    try {
      cat = new Intl.PluralRules(lang).select(n);
    } catch (err) {
      cat = n === 1 ? "one" : "other";
    }
    return (forms[cat] || forms.other).replace("{n}", number(n, lang));
  }

  function countryName(s, lang) {
    try {
      if (typeof Intl.DisplayNames === "function" && /^[A-Z]{2}$/.test(s.country)) {
        return new Intl.DisplayNames([lang], { type: "region" }).of(s.country);
      }
    } catch (err) {
      // the API's English name below
    }
    return s.country_name || s.country;
  }

  function draw(box, st, page, show, lang) {
    var words = PHRASES[lang];
    box.textContent = "";
    box.setAttribute("lang", lang);
    if (st.list_hidden) {
      var until = "";
      if (st.list_published_at) {
        try {
          until = new Date(st.list_published_at).toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
        } catch (err) {
          until = st.list_published_at.slice(0, 10);
        }
      }
      box.appendChild(el("p", "us-count", words.hidden.replace("{date}", until)));
    } else if (show !== "list") {
      box.appendChild(el("p", "us-count", countText(st, lang)));
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
            v.title = words.verified;
            v.setAttribute("role", "img"); // a screen reader says the words, not "check mark"
            v.setAttribute("aria-label", words.verified);
            li.appendChild(v);
          }
          li.appendChild(el("span", "us-country", countryName(s, lang)));
          ul.appendChild(li);
        });
        box.appendChild(ul);
      } else {
        box.appendChild(el("p", "us-none", words.none));
      }
    }
    var links = el("p", "us-links");
    var sign = link(safeURL(st.url) ? st.url + "#sign" : "", words.sign);
    sign.className = "us-sign";
    links.appendChild(sign);
    links.appendChild(link(BASE + "/s/" + encodeURIComponent(st.slug) + "/signatories", words.all));
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
      draw(box, res[0], res[1], show, language(host.getAttribute("data-lang") || res[0].lang));
    }).catch(function () {
      box.textContent = "";
      box.appendChild(el("p", "us-error", PHRASES[language(host.getAttribute("data-lang"))].error));
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
