package store

import (
	"context"
	"strings"
	"time"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// CreateUser adds a dashboard user; a taken email is db.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *models.User) error {
	now := time.Now().UTC()
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.CreatedAt, u.UpdatedAt = now, now
	return db.Normalize(s.conn(ctx).Omit("ID").Create(u).Error)
}

// UserByEmail finds a user by email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	err := s.conn(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return &u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	if err := s.conn(ctx).Take(&u, id).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &u, nil
}

// Users lists every dashboard user by email.
func (s *Store) Users(ctx context.Context) ([]models.User, error) {
	var out []models.User
	err := s.conn(ctx).Order("email").Find(&out).Error
	return out, db.Normalize(err)
}

// ActiveUsers lists the users who may log in.
func (s *Store) ActiveUsers(ctx context.Context) ([]models.User, error) {
	var out []models.User
	err := s.conn(ctx).Where("disabled_at IS NULL").Order("id").Find(&out).Error
	return out, db.Normalize(err)
}

// UpdateUser writes the given columns of user id.
func (s *Store) UpdateUser(ctx context.Context, id int64, cols map[string]any) error {
	cols["updated_at"] = time.Now().UTC()
	res := s.conn(ctx).Model(&models.User{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return db.Normalize(res.Error)
	}
	if res.RowsAffected == 0 {
		return db.ErrNotFound
	}
	return nil
}

// UseTOTPCounter records that the time step counter was used by user id,
// unless that step or a later one was used already: false means replay.
func (s *Store) UseTOTPCounter(ctx context.Context, id, counter int64) (bool, error) {
	res := s.conn(ctx).Model(&models.User{}).
		Where("id = ? AND totp_last_counter < ?", id, counter).
		Update("totp_last_counter", counter)
	return res.RowsAffected == 1, db.Normalize(res.Error)
}

// ReplaceRecoveryCodes stores a user's new recovery code hashes, dropping
// the old ones.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Where("user_id = ?", userID).Delete(&models.RecoveryCode{}).Error; err != nil {
			return err
		}
		for _, h := range hashes {
			rc := models.RecoveryCode{UserID: userID, CodeHash: h}
			if err := tx.conn(ctx).Omit("ID").Create(&rc).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// UseRecoveryCode marks a user's unused recovery code as used; false means
// no such unused code.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	res := s.conn(ctx).Model(&models.RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, hash).
		Update("used_at", time.Now().UTC())
	return res.RowsAffected == 1, db.Normalize(res.Error)
}

// UnusedRecoveryCodes counts a user's recovery codes left.
func (s *Store) UnusedRecoveryCodes(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.RecoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	return n, db.Normalize(err)
}

// CreateUserToken stores an invite or reset token (its hash only).
func (s *Store) CreateUserToken(ctx context.Context, t *models.UserToken) error {
	t.CreatedAt = time.Now().UTC()
	return db.Normalize(s.conn(ctx).Omit("ID").Create(t).Error)
}

// UseUserToken spends a token of kind: it must exist, be unused and not
// expired at now. Two requests racing with one token: one wins, the other
// gets db.ErrNotFound.
func (s *Store) UseUserToken(ctx context.Context, kind, hash string, now time.Time) (*models.UserToken, error) {
	var t models.UserToken
	err := s.conn(ctx).Where("kind = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ?", kind, hash, now).
		Take(&t).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	res := s.conn(ctx).Model(&models.UserToken{}).Where("id = ? AND used_at IS NULL", t.ID).Update("used_at", now)
	if res.Error != nil {
		return nil, db.Normalize(res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, db.ErrNotFound
	}
	t.UsedAt = &now
	return &t, nil
}

// PeekUserToken finds a usable token without spending it, so that a form
// can be shown.
func (s *Store) PeekUserToken(ctx context.Context, kind, hash string, now time.Time) (*models.UserToken, error) {
	var t models.UserToken
	err := s.conn(ctx).Where("kind = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ?", kind, hash, now).
		Take(&t).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return &t, nil
}

// DeleteExpiredUserTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredUserTokens(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Where("expires_at < ?", now).Delete(&models.UserToken{})
	return res.RowsAffected, db.Normalize(res.Error)
}

// CountUserTokensSince counts the tokens of kind created for email since a
// time, to bound how many reset emails one address can be sent.
func (s *Store) CountUserTokensSince(ctx context.Context, kind, email string, since time.Time) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.UserToken{}).
		Where("kind = ? AND email = ? AND created_at >= ?", kind, strings.ToLower(email), since).Count(&n).Error
	return n, db.Normalize(err)
}
