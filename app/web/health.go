package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers while the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz answers 200 only when the database answers, the schema is at the
// head migration and the server is not draining for shutdown.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if reason := s.notReady(c.UserContext()); reason != "" {
		return c.Status(fiber.StatusServiceUnavailable).SendString(reason)
	}
	return c.SendString("ready")
}

func (s *Server) notReady(ctx context.Context) string {
	if s.draining.Load() {
		return "shutting down"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.DB().Ping(ctx); err != nil {
		return "database unreachable"
	}
	pending, err := s.migr.Pending(ctx)
	if err != nil {
		return "database unreachable"
	}
	if pending {
		return "migrations pending"
	}
	return ""
}
