package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/models"
)

// AdminServices are what the moderation handlers need; the instance builds them.
type AdminServices struct {
	Auth       *auth.Service
	Moderation *moderation.Service
	// Sessions stores dashboard sessions (shared by every instance).
	Sessions fiber.Storage
}

// adminViews are the templates the moderation handlers render.
var adminViews = []string{
	"admin/login", "admin/totp", "admin/reset", "admin/reset-confirm", "admin/invite", "admin/overview",
	"admin/queue", "admin/signature", "admin/bulk-confirm", "admin/statement-form", "admin/users",
	"admin/reasons", "admin/account", "admin/audit", "admin/nav", "admin/message", "admin/signals", "admin/edit-field", "admin/password-fields",
	"admin/translation-form",
}

// Session lifetimes: a dashboard session ends after IdleTimeout without a
// request, and AbsoluteTimeout after login whatever happens.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// totpStepTimeout bounds the time between the password and the code.
	totpStepTimeout = 5 * time.Minute
)

// Session keys.
const (
	sessUser      = "uid"
	sessLoginAt   = "login_at"
	sessPending   = "pending_uid"
	sessPendingAt = "pending_at"
	sessNext      = "next"
	sessTOTP      = "totp_setup"
)

// admin holds the dashboard's handlers and what they share.
type admin struct {
	*Server
	auth     *auth.Service
	mod      *moderation.Service
	sessions *session.Store
}

type ctxUserKey struct{}

// adminRoutes mounts the dashboard. Only this group gets sessions and CSRF
// tokens: public pages and embeds never receive a cookie from here.
func (s *Server) adminRoutes(app *fiber.App) {
	if s.admin.Auth == nil || s.admin.Moderation == nil || s.admin.Sessions == nil {
		return
	}
	h := &admin{Server: s, auth: s.admin.Auth, mod: s.admin.Moderation}
	h.sessions = session.New(session.Config{
		Storage:           s.admin.Sessions,
		Expiration:        IdleTimeout,
		KeyLookup:         "cookie:" + h.cookieName("session"),
		CookiePath:        "/",
		CookieSecure:      s.cfg.IsHTTPS(),
		CookieHTTPOnly:    true,
		CookieSameSite:    fiber.CookieSameSiteLaxMode,
		CookieSessionOnly: true,
		KeyGenerator:      func() string { return keys.RandomToken(32) },
	})
	g := app.Group("/admin", h.noStore, csrf.New(csrf.Config{
		KeyLookup:         "form:_csrf",
		CookieName:        h.cookieName("csrf"),
		CookiePath:        "/",
		CookieSecure:      s.cfg.IsHTTPS(),
		CookieHTTPOnly:    true,
		CookieSameSite:    fiber.CookieSameSiteLaxMode,
		CookieSessionOnly: true,
		Expiration:        AbsoluteTimeout,
		Session:           h.sessions,
		ContextKey:        "csrf",
		KeyGenerator:      func() string { return keys.RandomToken(32) },
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return &Error{Status: fiber.StatusForbidden, Err: err, ID: "admin.error.csrf",
				Msg: "This form has expired or did not come from this site. Go back, reload the page and try again."}
		},
	}), h.loadUser)

	g.Get("/login", h.loginForm)
	g.Post("/login", h.login)
	g.Get("/login/code", h.totpForm)
	g.Post("/login/code", h.totpLogin)
	g.Post("/logout", h.logout)
	g.Get("/reset", h.resetForm)
	g.Post("/reset", h.resetRequest)
	g.Get("/reset/confirm", h.resetConfirmForm)
	g.Post("/reset/confirm", h.resetConfirm)
	g.Get("/invite", h.inviteForm)
	g.Post("/invite", h.inviteAccept)

	// Fiber runs a group's handlers for every path under its prefix, so
	// the role checks are chained per route instead.
	u := func(hs ...fiber.Handler) []fiber.Handler { return append([]fiber.Handler{h.requireUser}, hs...) }
	a := func(hs ...fiber.Handler) []fiber.Handler { return append(u(h.requireAdmin), hs...) }
	g.Get("/", u(h.overview)...)
	g.Get("/account", u(h.account)...)
	g.Post("/account/totp/setup", u(h.totpSetup)...)
	g.Post("/account/totp/enable", u(h.totpEnable)...)
	g.Post("/account/totp/disable", u(h.totpDisable)...)
	g.Get("/s/:slug/signatures", u(h.queue)...)
	g.Post("/s/:slug/signatures/bulk", u(h.bulk)...)
	g.Get("/s/:slug/signatures/:id<int>", u(h.signature)...)
	g.Post("/s/:slug/signatures/:id<int>/decide", u(h.decide)...)
	g.Post("/s/:slug/signatures/:id<int>/edit", u(h.edit)...)

	g.Post("/s/:slug/export", a(h.export)...)
	g.Get("/statements/new", a(h.statementNew)...)
	g.Post("/statements/new", a(h.statementCreate)...)
	g.Get("/statements/:id<int>", a(h.statementEdit)...)
	g.Post("/statements/:id<int>", a(h.statementUpdate)...)
	g.Get("/statements/:id<int>/translations/new", a(h.translationNew)...)
	g.Get("/statements/:id<int>/translations/:lang", a(h.translationEdit)...)
	g.Post("/statements/:id<int>/translations", a(h.translationSave)...)
	g.Get("/users", a(h.users)...)
	g.Post("/users/invite", a(h.invite)...)
	g.Post("/users/:id<int>/disable", a(h.disableUser)...)
	g.Post("/users/:id<int>/enable", a(h.enableUser)...)
	g.Get("/reasons", a(h.reasons)...)
	g.Post("/reasons", a(h.createReason)...)
	g.Post("/reasons/:id<int>/toggle", a(h.toggleReason)...)
	g.Get("/audit", a(h.auditTrail)...)
}

// cookieName prefixes cookie names with __Host- over https, so that the
// browser only accepts them from this exact host, secure and for path /.
func (h *admin) cookieName(name string) string {
	if h.cfg.IsHTTPS() {
		return "__Host-undersign_" + name
	}
	return "undersign_" + name
}

// noStore keeps dashboard pages, which show personal data, out of caches.
func (h *admin) noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex")
	return c.Next()
}

// loadUser finds the logged-in user of the session, if any, and enforces
// the absolute session lifetime and disabled accounts.
func (h *admin) loadUser(c *fiber.Ctx) error {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	uid, _ := sess.Get(sessUser).(int64)
	if uid == 0 {
		return c.Next()
	}
	loginAt, _ := sess.Get(sessLoginAt).(int64)
	if time.Since(time.Unix(loginAt, 0)) > AbsoluteTimeout {
		return h.endSession(c, sess)
	}
	u, err := h.store.UserByID(c.UserContext(), uid)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !u.Active()) {
		return h.endSession(c, sess)
	}
	if err != nil {
		return err
	}
	c.Locals(ctxUserKey{}, u)
	return c.Next()
}

func (h *admin) endSession(c *fiber.Ctx, sess *session.Session) error {
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Next()
}

// user is the logged-in user, or nil.
func user(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(ctxUserKey{}).(*models.User)
	return u
}

// requireUser sends visitors who are not logged in to the login page.
func (h *admin) requireUser(c *fiber.Ctx) error {
	if user(c) != nil {
		return c.Next()
	}
	next := ""
	if c.Method() == fiber.MethodGet {
		next = c.OriginalURL()
	}
	return c.Redirect(loginURL(next), fiber.StatusFound)
}

func loginURL(next string) string {
	if next == "" || next == "/admin" || next == "/admin/" {
		return "/admin/login"
	}
	return "/admin/login?next=" + url.QueryEscape(next)
}

var errAdminOnly = &Error{Status: fiber.StatusForbidden, Msg: "Only admins may do this.", ID: "admin.error.admin_only"}

func (h *admin) requireAdmin(c *fiber.Ctx) error {
	if u := user(c); u != nil && u.IsAdmin() {
		return c.Next()
	}
	return errAdminOnly
}

// safeNext returns next when it is a local path, and the dashboard
// otherwise: //host, /\host, schemes and anything outside / are refused.
func safeNext(next string) string {
	const home = "/admin"
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return home
	}
	return next
}

func (h *admin) actor(c *fiber.Ctx) audit.Actor { return audit.ActorOf(user(c), h.ipHMAC(c)) }

// adminPage builds the page data of a dashboard page, in the moderator's
// language.
func (h *admin) adminPage(c *fiber.Ctx, title string, data any) *Page {
	p := h.page(c, title)
	p.NoIndex = true
	p.Canonical = ""
	if tok, ok := c.Locals("csrf").(string); ok {
		p.CSRF = tok
	}
	if u := user(c); u != nil {
		p.User = u
	}
	p.Scripts = []string{"/static/admin.js"}
	done, _ := strconv.Atoi(c.Query("done"))
	skipped, _ := strconv.Atoi(c.Query("skipped"))
	p.Flash = flashMessage(p.Loc, c.Query("msg"), max(done, 0), max(skipped, 0))
	p.Data = data
	return p
}

func (h *admin) render(c *fiber.Ctx, name, title string, data any) error {
	return c.Render(name, h.adminPage(c, title, data), "layouts/base")
}

// idParam parses the :id route parameter.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return int64(id), nil
}

// formValue copies a form value so that it may outlive the handler.
func formValue(c *fiber.Ctx, key string) string { return utils.CopyString(c.FormValue(key)) }

// formValues copies every value of a repeated form field.
func formValues(c *fiber.Ctx, key string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(key) {
		out = append(out, string(v))
	}
	return out
}

// formErrorStatus is the status of a form sent back with errors.
const formErrorStatus = fiber.StatusUnprocessableEntity

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
