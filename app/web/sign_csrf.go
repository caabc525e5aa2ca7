package web

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/keys"
)

// The public forms (sign, confirm, withdraw) are protected without a
// server-side session: a random cookie, and in the form an HMAC of it
// (double submit, signed), plus an Origin/Referer check. Nothing is stored
// per visitor.
const formCookie = "undersign_form"

var errFormToken = &Error{Status: fiber.StatusForbidden, ID: "sign.form_expired",
	Msg: "This form has expired or was not sent from this site. Please go back, reload the page and try again."}

// formToken returns the hidden-field token of this visitor's forms,
// setting the cookie it is bound to when there is none yet.
func (s *Server) formToken(c *fiber.Ctx) string {
	v := c.Cookies(formCookie)
	if len(v) != 43 {
		v = keys.RandomToken(32)
		c.Cookie(&fiber.Cookie{Name: formCookie, Value: v, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.IsHTTPS()})
	}
	return s.keys.MAC("public-form", v)
}

// checkFormOrigin refuses a public form POST that another site made: a
// foreign Origin or Referer, or a token that does not match the cookie.
func (s *Server) checkFormOrigin(c *fiber.Ctx) error {
	if !s.sameOrigin(c) {
		return errFormToken
	}
	cookie, field := c.Cookies(formCookie), c.FormValue("csrf")
	if len(cookie) != 43 || field == "" ||
		subtle.ConstantTimeCompare([]byte(field), []byte(s.keys.MAC("public-form", cookie))) != 1 {
		return errFormToken
	}
	return c.Next()
}

// sameOrigin tells whether the request's Origin (or, without one, its
// Referer) is this site's; a request with neither passes on the token.
func (s *Server) sameOrigin(c *fiber.Ctx) bool {
	own := origin(s.cfg.BaseURL)
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		return o == own
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		return origin(r) == own
	}
	return true
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
