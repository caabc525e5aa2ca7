package web

import (
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
)

// index sends visitors to the one open statement, or lists the open ones.
func (s *Server) index(c *fiber.Ctx) error {
	open, err := s.store.Statements(c.UserContext(), models.StatementOpen)
	if err != nil {
		return err
	}
	if len(open) == 1 {
		return c.Redirect("/s/"+open[0].Slug, fiber.StatusFound)
	}
	v := s.page(c, "Statements")
	v.Data = struct{ Statements []models.Statement }{open}
	return c.Render("public/index", v, "layouts/base")
}

// statementView is what the statement page shows.
type statementView struct {
	Statement *models.Statement
	Body      template.HTML
	Now       time.Time
	// Sign is the sign form's data (sign.go), Signatories the short list
	// and count (list.go); each is nil when there is nothing to show.
	Sign        any
	Signatories any
}

// statementPage shows a statement's text; drafts are not public.
func (s *Server) statementPage(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	v := s.page(c, st.Title)
	v.OGType = "article"
	v.Description = truncateRunes(firstNonEmpty(st.Preface, st.Body), 200)
	view := statementView{Statement: st, Body: statements.Render(st.Body), Now: time.Now()}
	if view.Sign, err = s.signForm(c, st); err != nil {
		return err
	}
	if view.Signatories, err = s.signatorySummary(c, st); err != nil {
		return err
	}
	v.Data = view
	return c.Render("public/statement", v, "layouts/base")
}

// publicStatement loads the statement named by :slug, hiding drafts.
func (s *Server) publicStatement(c *fiber.Ctx) (*models.Statement, error) {
	st, err := s.store.StatementBySlug(c.UserContext(), c.Params("slug"))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !st.IsPublic()) {
		return nil, errNotFound
	}
	return st, err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
