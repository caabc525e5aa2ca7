package web

import "github.com/gofiber/fiber/v2"

// ListServices are what the public-list handlers need; the instance builds them.
type ListServices struct{}

// listViews are the templates the public-list handlers render.
var listViews = []string{}

func (s *Server) listRoutes(app *fiber.App) {}
