package web

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// cspDefault allows scripts, styles and images from our own origin only:
// no inline script, no framing by other sites.
const cspDefault = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries. Routes meant to
// be framed (the embeds) replace the CSP after this runs.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, cspDefault)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.cfg.IsHTTPS() {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
	}
}

// logRequests logs each request with its id, route, status and duration,
// and records metrics.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the status we
		// log and count is the one the client gets.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route := c.Route().Path
	if s.metrics != nil {
		s.metrics.observe(c.Method(), route, status, elapsed)
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if route == "/healthz" || route == "/readyz" || route == "/static" {
		level = slog.LevelDebug
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
	)
	return nil
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", "id", requestID(c), "path", c.Path(), "panic", fmt.Sprint(e))
}
