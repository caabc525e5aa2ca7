package statements

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Problem is what is wrong with one field of a translation; the dashboard
// words it in the moderator's language.
type Problem string

// Problems a translation can have.
const (
	LangInvalid  Problem = "lang_invalid"
	LangOriginal Problem = "lang_original"
	LangExists   Problem = "lang_exists"
	TitleMissing Problem = "title_missing"
	BodyMissing  Problem = "body_missing"
)

// TranslationProblems maps a field (lang, title, body) to its problem.
type TranslationProblems map[string]Problem

func (p TranslationProblems) Error() string { return "the translation has invalid fields" }

// CheckTranslation trims tr and reports what is wrong with it as a
// translation of orig; tr.Lang is put in canonical form.
func CheckTranslation(orig *models.Statement, tr *models.StatementTranslation) TranslationProblems {
	p := TranslationProblems{}
	tr.Title, tr.Preface = strings.TrimSpace(tr.Title), strings.TrimSpace(tr.Preface)
	if lang, err := CanonicalLang(tr.Lang); err != nil {
		p["lang"] = LangInvalid
	} else if tr.Lang = lang; SameLang(lang, orig.Lang) {
		p["lang"] = LangOriginal
	}
	if tr.Title == "" || utf8.RuneCountInString(tr.Title) > 300 {
		p["title"] = TitleMissing
	}
	if strings.TrimSpace(tr.Body) == "" || len(tr.Body) > MaxFileSize {
		p["body"] = BodyMissing
	}
	return p
}

// SaveTranslation stores tr as orig's translation into tr.Lang, from the
// dashboard, and records it in the audit trail. create refuses to replace
// an existing translation (LangExists), so that two editors adding the
// same language do not overwrite each other. TranslationProblems when a
// field is invalid.
func SaveTranslation(ctx context.Context, s *store.Store, actor audit.Actor, orig *models.Statement,
	tr *models.StatementTranslation, create bool) (store.SaveResult, error) {
	var res store.SaveResult
	tr.StatementID = orig.ID
	if p := CheckTranslation(orig, tr); len(p) > 0 {
		return res, p
	}
	err := s.Tx(ctx, func(tx *store.Store) error {
		old, err := tx.Translation(ctx, orig.ID, tr.Lang)
		switch {
		case create && err == nil:
			return TranslationProblems{"lang": LangExists}
		case err != nil && !errors.Is(err, db.ErrNotFound):
			return err
		}
		if res, err = tx.SaveTranslation(ctx, tr); err != nil {
			return err
		}
		var before any
		if old != nil {
			before = translationState(old)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.StatementSaved, TargetType: audit.TargetStatement,
			TargetID: orig.ID, StatementID: orig.ID, Before: before, After: translationState(tr)})
	})
	return res, err
}

func translationState(tr *models.StatementTranslation) map[string]any {
	return map[string]any{"translation": tr.Lang, "title": tr.Title, "version": tr.ShortHash()}
}
