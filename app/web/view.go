package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
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
}

// page builds the common page data; handlers then fill in the rest.
func (s *Server) page(c *fiber.Ctx, title string) *Page {
	return &Page{
		Title:      title,
		SiteSuffix: true,
		Lang:       "en",
		Dir:        "ltr",
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
