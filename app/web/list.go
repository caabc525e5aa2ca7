package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/models"
)

// ListServices are what the public-list handlers need; the instance builds them.
type ListServices struct{}

// listViews are the templates the public-list handlers render.
var listViews = []string{}

func (s *Server) listRoutes(app *fiber.App) {}

// signatorySummary returns the data of the signatory count and latest signatories shown under the statement, or nil.
func (s *Server) signatorySummary(c *fiber.Ctx, st *models.Statement) (any, error) { return nil, nil }
