package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// StatementBySlug finds a statement by its slug.
func (s *Store) StatementBySlug(ctx context.Context, slug string) (*models.Statement, error) {
	var st models.Statement
	err := s.conn(ctx).Where("slug = ?", slug).Take(&st).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return &st, nil
}

// StatementByID finds a statement by its id.
func (s *Store) StatementByID(ctx context.Context, id int64) (*models.Statement, error) {
	var st models.Statement
	if err := s.conn(ctx).Take(&st, id).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &st, nil
}

// Statements lists statements, optionally only those with one of statuses,
// newest first.
func (s *Store) Statements(ctx context.Context, statuses ...models.StatementStatus) ([]models.Statement, error) {
	q := s.conn(ctx).Order("id DESC")
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	var out []models.Statement
	return out, db.Normalize(q.Find(&out).Error)
}

// CountStatements counts every statement, drafts included.
func (s *Store) CountStatements(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Statement{}).Count(&n).Error
	return n, db.Normalize(err)
}

// SaveResult tells what SaveStatement did.
type SaveResult struct {
	Created    bool // a new statement
	NewVersion bool // the body changed, a version was recorded
}

// SaveStatement inserts st, or updates the statement with the same slug, and
// records its body as a version when that body was not seen before. The
// statement keeps every version it ever had.
func (s *Store) SaveStatement(ctx context.Context, st *models.Statement) (SaveResult, error) {
	var res SaveResult
	st.VersionHash = models.BodyHash(st.Body)
	err := s.Tx(ctx, func(tx *Store) error {
		old, err := tx.StatementBySlug(ctx, st.Slug)
		switch {
		case errors.Is(err, db.ErrNotFound):
			res.Created = true
			if err := tx.conn(ctx).Omit("ID").Create(st).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			st.ID, st.CreatedAt = old.ID, old.CreatedAt
			if err := tx.conn(ctx).Select("*").Omit("ID", "CreatedAt").Updates(st).Error; err != nil {
				return err
			}
		}
		v := models.StatementVersion{StatementID: st.ID, Hash: st.VersionHash, Title: st.Title,
			Body: models.CanonicalBody(st.Body), CreatedAt: time.Now().UTC()}
		r := tx.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Omit("ID").Create(&v)
		res.NewVersion = r.RowsAffected == 1 && !res.Created
		return r.Error
	})
	return res, err
}

// StatementVersions lists every version of a statement, oldest first.
func (s *Store) StatementVersions(ctx context.Context, statementID int64) ([]models.StatementVersion, error) {
	var out []models.StatementVersion
	err := s.conn(ctx).Where("statement_id = ?", statementID).Order("id").Find(&out).Error
	return out, db.Normalize(err)
}
