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

var reasonCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// ErrReasonExists: the code is taken.
var ErrReasonExists = errors.New("a reason with this code exists")

// CreateReason adds a rejection reason; FieldErrors when invalid.
func (m *Service) CreateReason(ctx context.Context, actor audit.Actor, code, label string) error {
	code, label = strings.ToLower(strings.TrimSpace(code)), strings.TrimSpace(label)
	errs := FieldErrors{}
	if !reasonCodeRe.MatchString(code) {
		errs["code"] = "Use 2 to 40 lower-case letters, digits and dashes."
	}
	if label == "" || utf8.RuneCountInString(label) > 200 {
		errs["label"] = "Enter the label shown to moderators (and signers), at most 200 characters."
	}
	if len(errs) > 0 {
		return errs
	}
	rc := &models.ReasonCode{Code: code, Label: label, Active: true}
	err := m.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateReasonCode(ctx, rc); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.ReasonCreated, TargetType: audit.TargetReason,
			TargetID: rc.ID, After: map[string]any{"code": code, "label": label}})
	})
	if errors.Is(err, db.ErrConflict) {
		return FieldErrors{"code": ErrReasonExists.Error()}
	}
	return err
}

// SetReasonActive offers or withdraws a rejection reason.
func (m *Service) SetReasonActive(ctx context.Context, actor audit.Actor, id int64, active bool) error {
	return m.store.Tx(ctx, func(tx *store.Store) error {
		rc, err := tx.ReasonCodeByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.SetReasonCodeActive(ctx, id, active); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.ReasonChanged, TargetType: audit.TargetReason,
			TargetID: id, Before: map[string]any{"code": rc.Code, "active": rc.Active},
			After: map[string]any{"code": rc.Code, "active": active}})
	})
}
