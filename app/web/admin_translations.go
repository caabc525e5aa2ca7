package web

import (
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
)

// translationFormView is the editor of one translation of a statement.
type translationFormView struct {
	Statement *models.Statement
	Create    bool
	Lang      string
	LangName  string
	Title     string
	Preface   string
	Body      string
	Errors    map[string]string
	Preview   template.HTML
	// Original is the statement's text, for the translator's reference.
	Original template.HTML
	// Stale: the original changed after the translation was last saved.
	Stale bool
}

func (h *admin) translationNew(c *fiber.Ctx) error {
	st, err := h.loadStatement(c)
	if err != nil {
		return err
	}
	v := translationFormView{Statement: st, Create: true, Original: statements.Render(st.Body)}
	return h.render(c, "admin/translation-form", h.locale(c).T("admin.translation.new_title", "Title", st.Title), v)
}

func (h *admin) translationEdit(c *fiber.Ctx) error {
	st, err := h.loadStatement(c)
	if err != nil {
		return err
	}
	lang, err := statements.CanonicalLang(c.Params("lang"))
	if err != nil {
		return errNotFound
	}
	tr, err := h.store.Translation(c.UserContext(), st.ID, lang)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	v := translationFormView{Statement: st, Lang: tr.Lang, LangName: statements.LangName(tr.Lang), Title: tr.Title,
		Preface: tr.Preface, Body: tr.Body, Original: statements.Render(st.Body)}
	if v.Stale, err = h.originalChangedSince(c, st, tr); err != nil {
		return err
	}
	return h.render(c, "admin/translation-form", h.locale(c).T("admin.translation.edit_title", "Lang", v.LangName), v)
}

// originalChangedSince tells whether the statement's current text was
// recorded after tr was last saved: the translation may lag behind.
func (h *admin) originalChangedSince(c *fiber.Ctx, st *models.Statement, tr *models.StatementTranslation) (bool, error) {
	versions, err := h.store.StatementVersions(c.UserContext(), st.ID)
	if err != nil {
		return false, err
	}
	for _, v := range versions {
		if v.Hash == st.VersionHash {
			return v.CreatedAt.After(tr.UpdatedAt), nil
		}
	}
	return false, nil
}

// translationSave previews or saves the translation form.
func (h *admin) translationSave(c *fiber.Ctx) error {
	st, err := h.loadStatement(c)
	if err != nil {
		return err
	}
	loc := h.locale(c)
	v := translationFormView{Statement: st, Create: c.FormValue("create") == "1", Lang: formValue(c, "lang"),
		Title: formValue(c, "title"), Preface: formValue(c, "preface"), Body: formValue(c, "body"),
		Original: statements.Render(st.Body)}
	v.LangName = statements.LangName(v.Lang)
	title := loc.T("admin.translation.new_title", "Title", st.Title)
	if !v.Create {
		title = loc.T("admin.translation.edit_title", "Lang", v.LangName)
	}
	if c.FormValue("preview") == "1" {
		v.Preview = statements.Render(v.Body)
		return h.render(c, "admin/translation-form", title, v)
	}
	tr := &models.StatementTranslation{Lang: v.Lang, Title: v.Title, Preface: v.Preface, Body: v.Body}
	_, err = statements.SaveTranslation(c.UserContext(), h.store, h.actor(c), st, tr, v.Create)
	var problems statements.TranslationProblems
	switch {
	case err == nil:
		// This instance's rendered copy goes now; others' expire within
		// statementCacheTTL.
		h.stmtCache.drop(st.ID)
		return c.Redirect(withMsg("/admin/statements/"+itoa(st.ID), "translation"), fiber.StatusSeeOther)
	case errors.As(err, &problems):
		v.Errors = map[string]string{}
		for field, p := range problems {
			v.Errors[field] = translationProblem(loc, p)
		}
		c.Status(formErrorStatus)
		return h.render(c, "admin/translation-form", title, v)
	}
	return err
}

// translationProblem words a translation form problem for the moderator.
func translationProblem(loc *i18n.Locale, p statements.Problem) string {
	switch p {
	case statements.LangInvalid:
		return loc.T("admin.translation.error.lang_invalid")
	case statements.LangOriginal:
		return loc.T("admin.translation.error.lang_original")
	case statements.LangExists:
		return loc.T("admin.translation.error.lang_exists")
	case statements.TitleMissing:
		return loc.T("admin.translation.error.title")
	}
	return loc.T("admin.translation.error.body")
}
