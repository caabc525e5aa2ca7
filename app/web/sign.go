package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/models"
)

// SignServices are what the signing handlers need; the instance builds them.
type SignServices struct{}

// signViews are the templates the signing handlers render.
var signViews = []string{}

func (s *Server) signRoutes(app *fiber.App) {}

// signForm returns the data of the sign form shown under the statement, or nil.
func (s *Server) signForm(c *fiber.Ctx, st *models.Statement) (any, error) { return nil, nil }
