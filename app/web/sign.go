package web

import "github.com/gofiber/fiber/v2"

// SignServices are what the signing handlers need; the instance builds them.
type SignServices struct{}

// signViews are the templates the signing handlers render.
var signViews = []string{}

func (s *Server) signRoutes(app *fiber.App) {}
