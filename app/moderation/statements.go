package moderation

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidateStatement trims st's fields and reports what is wrong with them.
func ValidateStatement(st *models.Statement) FieldErrors {
	errs := FieldErrors{}
	st.Slug, st.Title, st.Author = strings.TrimSpace(st.Slug), strings.TrimSpace(st.Title), strings.TrimSpace(st.Author)
	st.Lang, st.Preface = strings.TrimSpace(st.Lang), strings.TrimSpace(st.Preface)
	if !slugRe.MatchString(st.Slug) || len(st.Slug) > 80 {
		errs["slug"] = "Use lower-case letters, digits and single dashes, at most 80 characters."
	}
	if st.Title == "" || utf8.RuneCountInString(st.Title) > 300 {
		errs["title"] = "Enter a title, at most 300 characters."
	}
	if strings.TrimSpace(st.Body) == "" {
		errs["body"] = "Enter the text of the statement."
	}
	if len(st.Lang) < 2 || len(st.Lang) > 10 {
		errs["lang"] = "Enter a language code such as en or de."
	}
	if !st.Status.Valid() {
		errs["status"] = "Choose draft, open or closed."
	}
	if !st.AcceptsOrganisations && !st.AcceptsIndividuals {
		errs["accepts"] = "Accept organisations, individuals or both."
	}
	if st.OpensAt != nil && st.ClosesAt != nil && !st.ClosesAt.After(*st.OpensAt) {
		errs["closes_at"] = "The closing date must come after the opening date."
	}
	return errs
}

// SaveStatement creates (create) or updates a statement and records it in
// the audit trail. A changed body becomes a new version of the text; the
// versions signers signed are kept. FieldErrors when a field is invalid.
func (m *Service) SaveStatement(ctx context.Context, actor audit.Actor, st *models.Statement, create bool) (store.SaveResult, error) {
	var res store.SaveResult
	if errs := ValidateStatement(st); len(errs) > 0 {
		return res, errs
	}
	err := m.store.Tx(ctx, func(tx *store.Store) error {
		old, err := tx.StatementBySlug(ctx, st.Slug)
		switch {
		case create && err == nil:
			return FieldErrors{"slug": "A statement with this address exists."}
		case !create && errors.Is(err, db.ErrNotFound):
			return db.ErrNotFound
		case err != nil && !errors.Is(err, db.ErrNotFound):
			return err
		}
		if res, err = tx.SaveStatement(ctx, st); err != nil {
			return err
		}
		var before any
		if old != nil {
			before = statementState(old)
		}
		after := statementState(st)
		after["new_version"] = res.NewVersion
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.StatementSaved, TargetType: audit.TargetStatement,
			TargetID: st.ID, StatementID: st.ID, Before: before, After: after})
	})
	if err == nil {
		// Status and embargo decide what the public list shows.
		m.events.SignaturesChanged(st.ID)
	}
	return res, err
}

func statementState(st *models.Statement) map[string]any {
	return map[string]any{
		"slug": st.Slug, "title": st.Title, "status": st.Status, "lang": st.Lang, "version": st.ShortHash(),
		"accepts_organisations": st.AcceptsOrganisations, "accepts_individuals": st.AcceptsIndividuals,
		"requires_moderation": st.RequiresModeration, "opens_at": st.OpensAt, "closes_at": st.ClosesAt,
		"embargo_until": st.EmbargoUntil,
	}
}
