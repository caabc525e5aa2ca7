package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// InsertCaptcha stores a challenge's expected digits.
func (s *Store) InsertCaptcha(ctx context.Context, c *models.CaptchaChallenge) error {
	return db.Normalize(s.conn(ctx).Create(c).Error)
}

// InsertCaptchaIfAbsent stores a challenge unless its id exists already,
// expired or not.
func (s *Store) InsertCaptchaIfAbsent(ctx context.Context, c *models.CaptchaChallenge) error {
	return db.Normalize(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(c).Error)
}

// TakeCaptcha deletes a live challenge and returns its digits, in one
// statement: of several requests that take the same challenge at once,
// exactly one gets the digits. An expired or unknown challenge gives
// db.ErrNotFound.
func (s *Store) TakeCaptcha(ctx context.Context, id string, now time.Time) ([]byte, error) {
	var rows []struct{ Digits []byte }
	err := s.conn(ctx).Raw("DELETE FROM captcha_challenges WHERE id = ? AND expires_at > ? RETURNING digits",
		id, now.UTC()).Scan(&rows).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	if len(rows) == 0 {
		return nil, db.ErrNotFound
	}
	return rows[0].Digits, nil
}

// PeekCaptcha returns a live challenge's digits without using it up, to
// draw its image or speak its audio.
func (s *Store) PeekCaptcha(ctx context.Context, id string, now time.Time) ([]byte, error) {
	var c models.CaptchaChallenge
	err := s.conn(ctx).Where("id = ? AND expires_at > ?", id, now.UTC()).Take(&c).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return c.Digits, nil
}

// DeleteExpiredCaptchas removes challenges that expired before now.
func (s *Store) DeleteExpiredCaptchas(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Where("expires_at <= ?", now.UTC()).Delete(&models.CaptchaChallenge{})
	return res.RowsAffected, db.Normalize(res.Error)
}
