package web

import "github.com/gofiber/fiber/v2"

// AdminServices are what the moderation handlers need; the instance builds them.
type AdminServices struct{}

// adminViews are the templates the moderation handlers render.
var adminViews = []string{}

func (s *Server) adminRoutes(app *fiber.App) {}
