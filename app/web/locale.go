package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/i18n"
)

const langCookie = "lang"

// chooseLocale picks the visitor's locale (?lang=, then the lang cookie,
// then Accept-Language) and remembers an explicit choice in a cookie,
// except on the cookie-free embed and API routes.
func (s *Server) chooseLocale(c *fiber.Ctx) error {
	query := c.Query("lang")
	loc := s.i18n.Choose(query, c.Cookies(langCookie), c.Get(fiber.HeaderAcceptLanguage))
	c.Locals(localeKey, loc)
	if query != "" && query == loc.Code() && !cookieFree(c.Path()) {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: loc.Code(), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
			HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.IsHTTPS()})
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	return c.Next()
}

type ctxKey int

const localeKey ctxKey = iota

// locale is the locale chooseLocale picked for this request.
func (s *Server) locale(c *fiber.Ctx) *i18n.Locale {
	if l, ok := c.Locals(localeKey).(*i18n.Locale); ok {
		return l
	}
	return s.i18n.Locale(i18n.Supported[0])
}

// cookieFree tells whether a path belongs to the routes that never set
// cookies: embeds, badges and the JSON API are loaded by other sites.
func cookieFree(path string) bool {
	for _, p := range []string{"/embed/", "/badge/", "/api/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
