package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/i18n"
)

// Page is the data every page template gets: the layout reads the common
// fields, the page's own template reads Data.
type Page struct {
	Title       string
	SiteSuffix  bool
	Description string
	Canonical   string
	OGType      string
	Lang        string
	Dir         string
	NoIndex     bool
	Flash       string
	CSRF        string
	User        any
	Scripts     []string
	Data        any
	// Loc is the visitor's locale; templates call .T, .Num and .Date.
	Loc *i18n.Locale
	// Content is the rendered page inside the layout (see pageViews).
	Content template.HTML
}

// T translates a message id for the page's locale.
func (p *Page) T(id string, args ...any) string { return p.Loc.T(id, args...) }

// Num formats a number for the page's locale.
func (p *Page) Num(n any) string { return p.Loc.Num(n) }

// Date formats a date for the page's locale; nil gives "".
func (p *Page) Date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return p.Loc.Date(*t)
}

// page builds the common page data; handlers then fill in the rest.
func (s *Server) page(c *fiber.Ctx, title string) *Page {
	loc := s.locale(c)
	return &Page{
		Title:      title,
		SiteSuffix: true,
		Lang:       loc.Code(),
		Dir:        loc.Dir(),
		Loc:        loc,
		Canonical:  s.absURL(c.Path()),
	}
}

// absURL builds an absolute link from the configured base URL, never from
// the request's Host header.
func (s *Server) absURL(path string) string {
	return s.cfg.BaseURL + path
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"date": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.Format("2 January 2006")
		},
		"truncate": func(n int, s string) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return strings.TrimSpace(string(r[:n-1])) + "…"
		},
	}
}
