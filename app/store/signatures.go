package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// InsertSignature adds sig unless a signature with the same email already
// exists on the statement; inserted is false then, and nothing changed.
// The unique index decides, so concurrent identical submissions leave one
// row.
func (s *Store) InsertSignature(ctx context.Context, sig *models.Signature) (inserted bool, err error) {
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Omit("ID").Create(sig)
	if res.Error != nil {
		return false, db.Normalize(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SignatureByID finds a signature.
func (s *Store) SignatureByID(ctx context.Context, id int64) (*models.Signature, error) {
	var sig models.Signature
	if err := s.conn(ctx).Take(&sig, id).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &sig, nil
}

// SignatureByTokenHash finds the signature a confirmation token belongs to.
func (s *Store) SignatureByTokenHash(ctx context.Context, hash string) (*models.Signature, error) {
	var sig models.Signature
	if err := s.conn(ctx).Where("token_hash = ?", hash).Take(&sig).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &sig, nil
}

// Transition moves a signature from the status and version the caller saw
// to a new status, setting the given columns too. The UPDATE is
// conditional: when another moderator or request changed the row first,
// nothing is written and db.ErrConflict is returned. Moving in or out of
// 'approved' adjusts approved_counts in the same transaction.
func (s *Store) Transition(ctx context.Context, sig *models.Signature, to models.SignatureStatus, set map[string]any) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.transition(ctx, sig, to, set)
	})
}

func (s *Store) transition(ctx context.Context, sig *models.Signature, to models.SignatureStatus, set map[string]any) error {
	now := time.Now().UTC()
	cols := map[string]any{"status": to, "version": gorm.Expr("version + 1"), "updated_at": now}
	if to == models.StatusApproved && sig.Status != models.StatusApproved {
		cols["approved_at"] = now
	}
	for k, v := range set {
		cols[k] = v
	}
	res := s.conn(ctx).Model(&models.Signature{}).
		Where("id = ? AND status = ? AND version = ?", sig.ID, sig.Status, sig.Version).
		Updates(cols)
	if res.Error != nil {
		return db.Normalize(res.Error)
	}
	if res.RowsAffected != 1 {
		return db.ErrConflict
	}
	was := sig.Status
	if err := s.adjustApproved(ctx, sig.StatementID, sig.Country, was, to); err != nil {
		return err
	}
	sig.Status, sig.Version, sig.UpdatedAt = to, sig.Version+1, now
	if a, ok := cols["approved_at"].(time.Time); ok {
		sig.ApprovedAt = &a
	}
	return nil
}

func (s *Store) adjustApproved(ctx context.Context, statementID int64, country string, from, to models.SignatureStatus) error {
	var delta int64
	switch {
	case from != models.StatusApproved && to == models.StatusApproved:
		delta = 1
	case from == models.StatusApproved && to != models.StatusApproved:
		delta = -1
	default:
		return nil
	}
	row := models.ApprovedCount{StatementID: statementID, Country: country, N: delta}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "statement_id"}, {Name: "country"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("approved_counts.n + ?", delta)}),
	}).Create(&row).Error
	return db.Normalize(err)
}

// ApprovedCounts returns the approved signatures of a statement by country
// and in total, from the maintained counters (no scan of signatures).
func (s *Store) ApprovedCounts(ctx context.Context, statementID int64) (byCountry map[string]int64, total int64, err error) {
	var rows []models.ApprovedCount
	if err := s.conn(ctx).Where("statement_id = ? AND n > 0", statementID).Find(&rows).Error; err != nil {
		return nil, 0, db.Normalize(err)
	}
	byCountry = make(map[string]int64, len(rows))
	for _, r := range rows {
		byCountry[r.Country] = r.N
		total += r.N
	}
	return byCountry, total, nil
}
