package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// SessionData returns the data of the session whose key hashes to keyHash,
// unless it expired before now: db.ErrNotFound then.
func (s *Store) SessionData(ctx context.Context, keyHash string, now time.Time) ([]byte, error) {
	var row models.Session
	err := s.conn(ctx).Where("key_hash = ? AND expires_at > ?", keyHash, now).Take(&row).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return row.Data, nil
}

// SaveSession stores a session's data until expires.
func (s *Store) SaveSession(ctx context.Context, keyHash string, data []byte, expires time.Time) error {
	row := models.Session{KeyHash: keyHash, Data: data, ExpiresAt: expires}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key_hash"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expires_at"}),
	}).Create(&row).Error
	return db.Normalize(err)
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, keyHash string) error {
	return db.Normalize(s.conn(ctx).Where("key_hash = ?", keyHash).Delete(&models.Session{}).Error)
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Where("expires_at <= ?", now).Delete(&models.Session{})
	return res.RowsAffected, db.Normalize(res.Error)
}

// DeleteAllSessions logs everybody out.
func (s *Store) DeleteAllSessions(ctx context.Context) error {
	return db.Normalize(s.conn(ctx).Where("1 = 1").Delete(&models.Session{}).Error)
}
