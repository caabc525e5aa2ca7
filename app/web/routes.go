package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/undersign/undersign/views"
)

// requiredViews lists every template a handler renders; New fails when one
// is missing.
var requiredViews = []string{
	"layouts/base", "errors/error", "public/index", "public/statement", "public/versions",
}

// routes is undersign's one route table.
func (s *Server) routes() {
	app := s.app
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(s.securityHeaders)
	app.Use(s.chooseLocale)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Use("/static", filesystem.New(filesystem.Config{
		Root: views.HTTPStatic(), MaxAge: 3600,
	}))

	app.Get("/", s.index)
	app.Get("/s/:slug", s.statementPage)
	app.Get("/s/:slug/versions", s.statementVersions) // public_versions.go

	s.signRoutes(app)  // sign.go: the sign form, CAPTCHA, confirmation, withdrawal, privacy
	s.adminRoutes(app) // admin.go: login, dashboard, moderation, audit
	s.listRoutes(app)  // list.go: public list, JSON API, embeds, badge, feed

	app.Use(s.notFound)
}

func (s *Server) notFound(c *fiber.Ctx) error { return errNotFound }
