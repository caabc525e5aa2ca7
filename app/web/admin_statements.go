package web

import (
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
)

// statementFormView is the statement editor, with the statement's
// translations (each edited on its own page, admin_translations.go).
type statementFormView struct {
	Create       bool
	ID           int64
	St           statementForm
	Errors       map[string]string
	Preview      template.HTML
	Versions     []models.StatementVersion
	Current      string
	Translations []translationItem
}

// translationItem is one translation in the statement editor's list.
type translationItem struct {
	Lang, Name, Title string
	UpdatedAt         *time.Time
	// Stale: the original's current text is newer than the translation.
	Stale bool
}

// statementForm is the editor's fields as typed.
type statementForm struct {
	Slug, Title, Author, Lang, Preface, Body, Status  string
	OpensAt, ClosesAt, EmbargoUntil                   string
	AcceptsOrganisations, AcceptsIndividuals, Moderat bool
}

const dateInput = "2006-01-02"

func formOf(st *models.Statement) statementForm {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(dateInput)
	}
	return statementForm{Slug: st.Slug, Title: st.Title, Author: st.Author, Lang: st.Lang, Preface: st.Preface,
		Body: st.Body, Status: string(st.Status), OpensAt: day(st.OpensAt), ClosesAt: day(st.ClosesAt),
		EmbargoUntil: day(st.EmbargoUntil), AcceptsOrganisations: st.AcceptsOrganisations,
		AcceptsIndividuals: st.AcceptsIndividuals, Moderat: st.RequiresModeration}
}

func readStatementForm(c *fiber.Ctx) statementForm {
	return statementForm{Slug: formValue(c, "slug"), Title: formValue(c, "title"), Author: formValue(c, "author"),
		Lang: formValue(c, "lang"), Preface: formValue(c, "preface"), Body: formValue(c, "body"),
		Status: formValue(c, "status"), OpensAt: formValue(c, "opens_at"), ClosesAt: formValue(c, "closes_at"),
		EmbargoUntil: formValue(c, "embargo_until"), AcceptsOrganisations: c.FormValue("accepts_organisations") == "1",
		AcceptsIndividuals: c.FormValue("accepts_individuals") == "1", Moderat: c.FormValue("requires_moderation") == "1"}
}

// apply copies the form onto st, reporting dates that do not parse.
func (f statementForm) apply(loc *i18n.Locale, st *models.Statement, errs map[string]string) {
	st.Title, st.Author, st.Lang, st.Preface, st.Body = f.Title, f.Author, f.Lang, f.Preface, f.Body
	st.Status = models.StatementStatus(f.Status)
	st.AcceptsOrganisations, st.AcceptsIndividuals, st.RequiresModeration = f.AcceptsOrganisations, f.AcceptsIndividuals, f.Moderat
	for field, dst := range map[string]**time.Time{"opens_at": &st.OpensAt, "closes_at": &st.ClosesAt, "embargo_until": &st.EmbargoUntil} {
		raw := map[string]string{"opens_at": f.OpensAt, "closes_at": f.ClosesAt, "embargo_until": f.EmbargoUntil}[field]
		if raw == "" {
			*dst = nil
			continue
		}
		t, err := time.Parse(dateInput, raw)
		if err != nil {
			errs[field] = loc.T("admin.error.date")
			continue
		}
		*dst = &t
	}
}

func (h *admin) statementNew(c *fiber.Ctx) error {
	return h.render(c, "admin/statement-form", h.locale(c).T("admin.nav.new_statement"), statementFormView{Create: true,
		St: statementForm{Lang: "en", Status: string(models.StatementDraft), AcceptsOrganisations: true, Moderat: true}})
}

func (h *admin) statementCreate(c *fiber.Ctx) error {
	f := readStatementForm(c)
	st := &models.Statement{Slug: f.Slug}
	return h.saveStatement(c, st, f, true)
}

func (h *admin) loadStatement(c *fiber.Ctx) (*models.Statement, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	st, err := h.store.StatementByID(c.UserContext(), id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, errNotFound
	}
	return st, err
}

func (h *admin) statementEdit(c *fiber.Ctx) error {
	st, err := h.loadStatement(c)
	if err != nil {
		return err
	}
	v := statementFormView{ID: st.ID, St: formOf(st), Current: st.VersionHash}
	if err := h.loadVersionsAndTranslations(c, st, &v); err != nil {
		return err
	}
	return h.render(c, "admin/statement-form", h.locale(c).T("admin.statement.edit_title", "Title", st.Title), v)
}

func (h *admin) statementUpdate(c *fiber.Ctx) error {
	st, err := h.loadStatement(c)
	if err != nil {
		return err
	}
	f := readStatementForm(c)
	f.Slug = st.Slug // the address of a published statement does not change
	return h.saveStatement(c, st, f, false)
}

// saveStatement previews or saves the statement form.
func (h *admin) saveStatement(c *fiber.Ctx, st *models.Statement, f statementForm, create bool) error {
	loc := h.locale(c)
	v := statementFormView{Create: create, ID: st.ID, St: f, Errors: map[string]string{}, Current: st.VersionHash}
	if !create {
		if err := h.loadVersionsAndTranslations(c, st, &v); err != nil {
			return err
		}
	}
	f.apply(loc, st, v.Errors)
	title := loc.T("admin.nav.new_statement")
	if !create {
		title = loc.T("admin.statement.edit_title", "Title", st.Title)
	}
	if c.FormValue("preview") == "1" {
		v.Preview = statements.Render(f.Body)
		return h.render(c, "admin/statement-form", title, v)
	}
	if len(v.Errors) == 0 {
		res, err := h.mod.SaveStatement(c.UserContext(), h.actor(c), st, create)
		var fe moderation.FieldErrors
		switch {
		case err == nil:
			msg := "saved"
			if res.NewVersion {
				msg = "version"
			}
			return c.Redirect(withMsg("/admin/statements/"+itoa(st.ID), msg), fiber.StatusSeeOther)
		case errors.As(err, &fe):
			for k, m := range fieldErrors(loc, fe) {
				v.Errors[k] = m
			}
		case errors.Is(err, db.ErrNotFound):
			return errNotFound
		default:
			return err
		}
	}
	c.Status(formErrorStatus)
	return h.render(c, "admin/statement-form", title, v)
}

// loadVersionsAndTranslations fills the editor's list of versions and of
// translations, marking those older than the original's current text.
func (h *admin) loadVersionsAndTranslations(c *fiber.Ctx, st *models.Statement, v *statementFormView) error {
	ctx := c.UserContext()
	var err error
	if v.Versions, err = h.store.StatementVersions(ctx, st.ID); err != nil {
		return err
	}
	var current time.Time
	for _, ver := range v.Versions {
		if ver.Hash == st.VersionHash {
			current = ver.CreatedAt
		}
	}
	langs, err := h.store.TranslationLangs(ctx, st.ID)
	if err != nil {
		return err
	}
	for _, l := range langs {
		updated := l.UpdatedAt
		v.Translations = append(v.Translations, translationItem{Lang: l.Lang, Name: statements.LangName(l.Lang),
			Title: l.Title, UpdatedAt: &updated, Stale: current.After(l.UpdatedAt)})
	}
	return nil
}
