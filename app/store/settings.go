package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// Setting reads an instance-wide setting.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var st models.Setting
	if err := s.conn(ctx).Where("key = ?", key).Take(&st).Error; err != nil {
		return "", db.Normalize(err)
	}
	return st.Value, nil
}

// SettingOrInit returns the setting's value, storing value first when the
// setting does not exist yet. Instances that race agree on the first value.
func (s *Store) SettingOrInit(ctx context.Context, key, value string) (string, error) {
	row := models.Setting{Key: key, Value: value, UpdatedAt: time.Now().UTC()}
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	if err != nil {
		return "", db.Normalize(err)
	}
	return s.Setting(ctx, key)
}

// SetSetting stores a setting's value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	row := models.Setting{Key: key, Value: value, UpdatedAt: time.Now().UTC()}
	err := s.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	return db.Normalize(err)
}
