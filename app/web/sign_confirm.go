package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// ticketView is what the confirmation and withdrawal pages show of a
// signature (partials/sign-details).
type ticketView struct {
	localeView
	Token, CSRF    string
	Statement      *models.Statement
	Status         models.SignatureStatus
	Individual     bool
	Name, OrgType  string
	Country, City  string
	Website        string
	Affiliation    string
	Contact, Role  string
	Email, Comment string
	DomainVerified bool
}

func (s *Server) ticketView(c *fiber.Ctx, token string, t *signing.Ticket) ticketView {
	sig, loc := t.Signature, s.locale(c)
	v := ticketView{localeView: localeView{loc}, Token: token, CSRF: s.formToken(c), Statement: t.Statement,
		Status: sig.Status, Individual: sig.Kind == models.KindIndividual, Name: sig.Name, City: sig.City,
		Website: sig.Website, Country: countriesIn(loc).name(sig.Country), Affiliation: sig.Affiliation,
		Role: sig.ContactRole, Comment: sig.Comment, DomainVerified: sig.DomainVerified}
	if sig.OrgType != "" {
		v.OrgType = orgTypeLabel(loc, sig.OrgType)
	}
	if sig.ContactName != nil {
		v.Contact = *sig.ContactName
	}
	if sig.Email != nil {
		v.Email = *sig.Email
	}
	return v
}

// renderTicket renders one of the token pages; they are private to the
// link's holder and never indexed or cached.
func (s *Server) renderTicket(c *fiber.Ctx, view, title string, status int, token string, t *signing.Ticket) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	v := s.page(c, title)
	v.NoIndex = true
	v.Canonical = ""
	v.Data = s.ticketView(c, token, t)
	return c.Status(status).Render(view, v, "layouts/base")
}

// lookupTicket finds the token's signature; an unknown token is a 404.
func (s *Server) lookupTicket(c *fiber.Ctx) (string, *signing.Ticket, error) {
	token := c.Params("token")
	t, err := s.sign.Signing.Lookup(c.UserContext(), token)
	if errors.Is(err, signing.ErrNotFound) {
		return "", nil, errNotFound
	}
	return token, t, err
}

// confirmPage shows what is about to be confirmed, with a button: link
// scanners in mail systems follow GET links, so only the POST confirms.
func (s *Server) confirmPage(c *fiber.Ctx) error {
	token, t, err := s.lookupTicket(c)
	if err != nil {
		return err
	}
	switch {
	case t.Signature.Status == models.StatusWithdrawn:
		return s.renderTicket(c, "public/withdrawn", s.locale(c).T("withdrawn.title"), fiber.StatusOK, token, t)
	case t.Expired:
		return s.renderTicket(c, "public/confirm-expired", s.locale(c).T("expired.title"), fiber.StatusGone, token, t)
	case t.Signature.Status == models.StatusUnconfirmed:
		return s.renderTicket(c, "public/confirm", s.locale(c).T("confirm.title"), fiber.StatusOK, token, t)
	}
	return s.renderTicket(c, "public/confirmed", s.locale(c).T("confirmed.title"), fiber.StatusOK, token, t)
}

// confirmSubmit confirms, then shows the result (POST/redirect/GET).
// Confirming again lands on the same result.
func (s *Server) confirmSubmit(c *fiber.Ctx) error {
	token := c.Params("token")
	_, err := s.sign.Signing.Confirm(c.UserContext(), token, s.ipHMAC(c))
	switch {
	case errors.Is(err, signing.ErrNotFound):
		return errNotFound
	case err != nil && !errors.Is(err, signing.ErrExpired):
		return err
	}
	return c.Redirect("/confirm/"+token, fiber.StatusSeeOther)
}

// confirmRenew sends a new link for an expired one.
func (s *Server) confirmRenew(c *fiber.Ctx) error {
	t, err := s.sign.Signing.Resend(c.UserContext(), c.Params("token"))
	if errors.Is(err, signing.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/s/"+t.Statement.Slug+"/inbox", fiber.StatusSeeOther)
}

// withdrawPage shows the signature with a button to withdraw it.
func (s *Server) withdrawPage(c *fiber.Ctx) error {
	token, t, err := s.lookupTicket(c)
	if err != nil {
		return err
	}
	if t.Signature.Status == models.StatusWithdrawn {
		return s.renderTicket(c, "public/withdrawn", s.locale(c).T("withdrawn.title"), fiber.StatusOK, token, t)
	}
	return s.renderTicket(c, "public/withdraw", s.locale(c).T("withdraw.title"), fiber.StatusOK, token, t)
}

// withdrawSubmit withdraws, then shows the result (POST/redirect/GET).
func (s *Server) withdrawSubmit(c *fiber.Ctx) error {
	token := c.Params("token")
	_, err := s.sign.Signing.Withdraw(c.UserContext(), token)
	if errors.Is(err, signing.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/withdraw/"+token, fiber.StatusSeeOther)
}
