package store

import (
	"context"
	"sort"
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
// nothing is written and db.ErrConflict is returned. The public counts
// follow by themselves: triggers record the change in count_deltas, within
// the UPDATE's own transaction, so no explicit one is needed (it cost two
// round trips of a confirmation's five).
func (s *Store) Transition(ctx context.Context, sig *models.Signature, to models.SignatureStatus, set map[string]any) error {
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
	sig.Status, sig.Version, sig.UpdatedAt = to, sig.Version+1, now
	if a, ok := cols["approved_at"].(time.Time); ok {
		sig.ApprovedAt = &a
	}
	return nil
}

// ApprovedCounts returns the approved signatures of a statement by country
// and in total: the folded counters plus the changes not folded yet, so it
// is exact and never scans signatures.
func (s *Store) ApprovedCounts(ctx context.Context, statementID int64) (byCountry map[string]int64, total int64, err error) {
	var rows []models.ApprovedCount
	if err := s.reader(ctx).Where("statement_id = ?", statementID).Find(&rows).Error; err != nil {
		return nil, 0, db.Normalize(err)
	}
	byCountry = make(map[string]int64, len(rows))
	for _, r := range rows {
		byCountry[r.Country] = r.N
	}
	if err := s.addDeltas(ctx, statementID, "country", byCountry); err != nil {
		return nil, 0, err
	}
	for c, n := range byCountry {
		if n <= 0 {
			delete(byCountry, c)
			continue
		}
		total += n
	}
	return byCountry, total, nil
}

// addDeltas adds a statement's unfolded count changes of one dimension to
// counts.
func (s *Store) addDeltas(ctx context.Context, statementID int64, dimension string, counts map[string]int64) error {
	var deltas []struct {
		Key string
		N   int64
	}
	err := s.reader(ctx).Table("count_deltas").Select("key, SUM(delta) AS n").
		Where("statement_id = ? AND dimension = ?", statementID, dimension).Group("key").Scan(&deltas).Error
	if err != nil {
		return db.Normalize(err)
	}
	for _, d := range deltas {
		counts[d.Key] += d.N
	}
	return nil
}

// FoldCountDeltas moves up to limit recorded count changes into the
// counters, in one transaction, and returns how many it moved. Rows another
// instance is folding are skipped on PostgreSQL; the counters are updated
// in key order, so concurrent folds never deadlock.
func (s *Store) FoldCountDeltas(ctx context.Context, limit int) (int, error) {
	lock := ""
	if s.Dialect() == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	type change struct {
		StatementID int64
		Dimension   string
		Key         string
		Delta       int64
	}
	var folded int
	err := s.Tx(ctx, func(tx *Store) error {
		var rows []change
		err := tx.conn(ctx).Raw(`DELETE FROM count_deltas WHERE id IN
			(SELECT id FROM count_deltas ORDER BY id LIMIT ?`+lock+`)
			RETURNING statement_id, dimension, key, delta`, limit).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		folded = len(rows)
		type target struct {
			statementID    int64
			dimension, key string
		}
		sums := map[target]int64{}
		for _, r := range rows {
			sums[target{r.StatementID, r.Dimension, r.Key}] += r.Delta
		}
		targets := make([]target, 0, len(sums))
		for t := range sums {
			targets = append(targets, t)
		}
		sort.Slice(targets, func(i, j int) bool {
			a, b := targets[i], targets[j]
			if a.statementID != b.statementID {
				return a.statementID < b.statementID
			}
			if a.dimension != b.dimension {
				return a.dimension < b.dimension
			}
			return a.key < b.key
		})
		for _, t := range targets {
			n := sums[t]
			if n == 0 {
				continue
			}
			var err error
			if t.dimension == "country" {
				err = tx.conn(ctx).Exec(`INSERT INTO approved_counts (statement_id, country, n) VALUES (?, ?, ?)
					ON CONFLICT (statement_id, country) DO UPDATE SET n = approved_counts.n + excluded.n`,
					t.statementID, t.key, n).Error
			} else {
				err = tx.conn(ctx).Exec(`INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES (?, ?, ?, ?)
					ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + excluded.n`,
					t.statementID, t.dimension, t.key, n).Error
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return folded, db.Normalize(err)
}
