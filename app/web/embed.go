package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/feature/plural"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
	"github.com/undersign/undersign/views"
)

// cspEmbed lets any site frame the embed routes; the rest stays as strict
// as cspDefault.
const cspEmbed = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors *"

func (s *Server) embedRoutes(app *fiber.App) {
	widget := s.widgetScript()
	emb := app.Group("/embed", s.embedHeaders)
	emb.Get("/:slug", s.embedPage)
	emb.Get("/:slug/widget.js", func(c *fiber.Ctx) error {
		return s.serveStatementCached(c, "widget", func(*models.Statement) (*listing.Entry, error) {
			return &listing.Entry{Body: widget, ContentType: "text/javascript; charset=utf-8"}, nil
		})
	})
	app.Get("/badge/:slug.svg", s.publicResource, s.badge) // embed_badge.go
	app.Get("/s/:slug/embed", s.snippetsPage)
}

// embedHeaders replaces the default security headers of the embed routes:
// any site may frame them, and they never set a cookie (a third-party
// cookie would follow visitors across the sites that embed the list).
func (s *Server) embedHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, cspEmbed)
	h.Del(fiber.HeaderXFrameOptions)
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	err := c.Next()
	h.Set(fiber.HeaderContentSecurityPolicy, cspEmbed)
	h.Del(fiber.HeaderXFrameOptions)
	h.DelAllCookies()
	sameForEveryone(c, err)
	return err
}

// embedOptions are the choices of an /embed/{slug} page, normalised so that
// sloppy values fall back to defaults instead of breaking another site.
type embedOptions struct {
	Lang  string // as asked; the statement's language when empty or unknown
	Theme string // light, dark or auto
	Show  string // count, list or both
	Limit int
}

func parseEmbedOptions(c *fiber.Ctx) embedOptions {
	o := embedOptions{Theme: "auto", Show: "both", Limit: embedSize, Lang: sharedLang(c.Query("lang"))}
	switch t := c.Query("theme"); t {
	case "light", "dark":
		o.Theme = t
	}
	switch sh := c.Query("show"); sh {
	case "count", "list":
		o.Show = sh
	}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n >= 1 {
		o.Limit = min(n, maxEmbedSize)
	}
	return o
}

func (o embedOptions) key() string {
	return fmt.Sprintf("embed:%s:%s:%s:%d", o.Lang, o.Theme, o.Show, o.Limit)
}

// embedView is what the iframe page shows.
type embedView struct {
	localeView
	Lang, Theme  string
	Slug         string
	Title        string
	CountText    string
	HiddenText   string
	ShowCount    bool
	ShowList     bool
	Items        []listing.Signatory
	StatementURL string
	SignURL      string
	ListURL      string
}

// embedPage is the list as a small page for other sites' iframes; it tells
// its parent its height with postMessage (views/static/embed.js).
func (s *Server) embedPage(c *fiber.Ctx) error {
	o := parseEmbedOptions(c)
	return s.serveStatementCached(c, o.key(), func(st *models.Statement) (*listing.Entry, error) {
		loc := s.sharedLocale(o.Lang, st.Lang)
		v := embedView{
			localeView: localeView{loc}, Lang: loc.Code(), Theme: o.Theme, Slug: st.Slug, Title: st.Title,
			ShowCount: o.Show != "list", ShowList: o.Show != "count",
			StatementURL: s.absURL("/s/" + st.Slug), SignURL: s.absURL("/s/" + st.Slug + "#sign"),
			ListURL: s.absURL("/s/" + st.Slug + "/signatories"),
		}
		page, err := s.list.Lister.Page(c.UserContext(), st, listing.Query{Limit: o.Limit})
		if err != nil {
			return nil, err
		}
		if page.Hidden {
			v.HiddenText = hiddenText(loc, *st.EmbargoUntil)
		} else {
			v.CountText, v.Items = signedText(loc, st, page.Total), page.Items
		}
		var buf bytes.Buffer
		if err := s.views.Render(&buf, "embed/signatories", v); err != nil {
			return nil, err
		}
		return &listing.Entry{Body: buf.Bytes(), ContentType: fiber.MIMETextHTMLCharsetUTF8}, nil
	})
}

// widgetPlaceholder in views/static/widget.js is replaced by the base URL,
// so the script reaches this instance's API from any site; phrasesPlaceholder
// by the widget's words in every language.
const (
	widgetPlaceholder  = `"__UNDERSIGN_BASE_URL__"`
	phrasesPlaceholder = `"__UNDERSIGN_PHRASES__"`
)

func (s *Server) widgetScript() []byte {
	src, err := views.FS.ReadFile("static/widget.js")
	if err != nil {
		panic(err) // embedded: a build defect
	}
	base, _ := json.Marshal(s.cfg.BaseURL) // escapes <, > and &: inert in any script context
	phrases, err := json.Marshal(s.widgetPhrases())
	if err != nil {
		panic(err)
	}
	src = bytes.Replace(src, []byte(widgetPlaceholder), base, 1)
	return bytes.Replace(src, []byte(phrasesPlaceholder), phrases, 1)
}

// widgetPhrase is the script widget's words in one language, from the
// catalog like the embed page's. Counts have one text per plural category
// ("one", "few", ...) with {n} for the number, which the widget formats
// and picks with Intl.PluralRules; {date} stands for a date.
type widgetPhrase struct {
	Sign     string            `json:"sign"`
	All      string            `json:"all"`
	None     string            `json:"none"`
	Verified string            `json:"verified"`
	Hidden   string            `json:"hidden"`
	Error    string            `json:"error"`
	Orgs     map[string]string `json:"orgs"`
	People   map[string]string `json:"people"`
}

func (s *Server) widgetPhrases() map[string]widgetPhrase {
	out := make(map[string]widgetPhrase, len(i18n.Supported))
	for _, tag := range i18n.Supported {
		loc := s.i18n.Locale(tag)
		out[loc.Code()] = widgetPhrase{
			Sign: loc.T("list.sign_link"), All: loc.T("list.see_all"), None: loc.T("list.none"),
			Verified: loc.T("list.verified_short"), Hidden: loc.T("list.hidden", "Date", "{date}"),
			Error: loc.T("list.load_error"),
			Orgs:  pluralForms(loc, func(n int) string { return loc.T("list.signed_orgs", "Count", n, "N", "{n}") }),
			People: pluralForms(loc, func(n int) string {
				return loc.T("list.signed_people", "Count", n, "N", "{n}")
			}),
		}
	}
	return out
}

// pluralForms renders a counted message once per plural category of loc's
// language, each for a number of that category.
func pluralForms(loc *i18n.Locale, text func(n int) string) map[string]string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few",
		plural.Many: "many", plural.Other: "other"}
	forms := map[string]string{}
	for _, n := range []int{0, 1, 2, 3, 5, 11, 21, 100, 1000000} {
		name := names[plural.Cardinal.MatchPlural(loc.Tag, n, 0, 0, 0, 0)]
		if _, seen := forms[name]; !seen {
			forms[name] = text(n)
		}
	}
	return forms
}

// snippet is one way to show the list elsewhere, with the code to copy.
type snippet struct {
	ID, Title, Help, Code string
}

// snippetsView is what the "show this list on your website" page shows.
type snippetsView struct {
	localeView
	Statement *models.Statement
	Snippets  []snippet
	FrameURL  string
	BadgeURL  string
	Slug      string
	APIURL    string
}

// snippetsPage shows each way to embed the list, with a copy button and a
// live preview.
func (s *Server) snippetsPage(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	base := s.cfg.BaseURL
	esc := url.PathEscape(st.Slug)
	frame := base + "/embed/" + esc + "?show=both&limit=10&theme=auto"
	badge := base + "/badge/" + esc + ".svg"
	api := base + "/api/v1/statements/" + esc + "/signatories"
	loc := s.locale(c)
	title := attrEscape(loc.T("list.title", "Title", st.Title))
	view := snippetsView{localeView: localeView{loc}, Statement: st, Slug: st.Slug,
		FrameURL: "/embed/" + esc + "?show=both&limit=10&theme=auto", BadgeURL: "/badge/" + esc + ".svg", APIURL: api}
	view.Snippets = []snippet{
		{ID: "snippet-iframe", Title: loc.T("snippets.frame"), Help: loc.T("snippets.frame_help"),
			Code: `<iframe src="` + attrEscape(frame) + `" title="` + title + `" width="100%" height="360" style="border:0" loading="lazy" data-undersign-frame></iframe>` + "\n" +
				`<script src="` + attrEscape(base+"/static/embed-resize.js") + `" async></script>`},
		{ID: "snippet-script", Title: loc.T("snippets.script"), Help: loc.T("snippets.script_help"),
			Code: `<div data-undersign="` + attrEscape(st.Slug) + `" data-show="both" data-limit="10"></div>` + "\n" +
				`<script src="` + attrEscape(base+"/embed/"+esc+"/widget.js") + `" async></script>`},
		{ID: "snippet-badge", Title: loc.T("snippets.badge"), Help: loc.T("snippets.badge_help"),
			Code: `<a href="` + attrEscape(base+"/s/"+esc) + `"><img src="` + attrEscape(badge) + `" alt="` + title + `" height="20"></a>`},
		{ID: "snippet-api", Title: loc.T("snippets.api"), Help: loc.T("snippets.api_help", "URL", base+"/api/v1/openapi.json"),
			Code: api + "?limit=50"},
	}
	v := s.page(c, loc.T("snippets.title"))
	v.Scripts = []string{"/static/list.js", "/static/embed-resize.js", "/embed/" + esc + "/widget.js"}
	v.Data = view
	return c.Render("public/signatories-embed", v, "layouts/base")
}

// attrEscape escapes text for a double-quoted HTML attribute of a snippet
// the user copies (the page's template escapes the whole snippet again).
func attrEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;", `'`, "&#39;").Replace(s)
}
