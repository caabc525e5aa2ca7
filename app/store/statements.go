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

// SaveTranslation inserts tr, or updates the translation of the same
// statement and language. Created tells a new translation, NewVersion a
// changed body.
func (s *Store) SaveTranslation(ctx context.Context, tr *models.StatementTranslation) (SaveResult, error) {
	var res SaveResult
	tr.VersionHash = models.BodyHash(tr.Body)
	tr.Body = models.CanonicalBody(tr.Body)
	now := time.Now().UTC()
	err := s.Tx(ctx, func(tx *Store) error {
		old, err := tx.Translation(ctx, tr.StatementID, tr.Lang)
		switch {
		case errors.Is(err, db.ErrNotFound):
			res.Created = true
			tr.CreatedAt, tr.UpdatedAt = now, now
			return tx.conn(ctx).Omit("ID").Create(tr).Error
		case err != nil:
			return err
		}
		tr.ID, tr.CreatedAt, tr.UpdatedAt = old.ID, old.CreatedAt, now
		res.NewVersion = old.VersionHash != tr.VersionHash
		if !res.NewVersion && old.Title == tr.Title && old.Preface == tr.Preface {
			tr.UpdatedAt = old.UpdatedAt
			return nil
		}
		return tx.conn(ctx).Model(&models.StatementTranslation{}).Where("id = ?", old.ID).
			Updates(map[string]any{"title": tr.Title, "preface": tr.Preface, "body": tr.Body,
				"version_hash": tr.VersionHash, "updated_at": now}).Error
	})
	return res, err
}

// Translation finds a statement's translation into lang.
func (s *Store) Translation(ctx context.Context, statementID int64, lang string) (*models.StatementTranslation, error) {
	var tr models.StatementTranslation
	err := s.conn(ctx).Where("statement_id = ? AND lang = ?", statementID, lang).Take(&tr).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	return &tr, nil
}

// TranslationLang is a translation as a language switcher lists it.
type TranslationLang struct {
	Lang      string
	Title     string
	UpdatedAt time.Time
}

// TranslationLangs lists the languages a statement is translated into,
// without their texts, by language code.
func (s *Store) TranslationLangs(ctx context.Context, statementID int64) ([]TranslationLang, error) {
	var out []TranslationLang
	err := s.conn(ctx).Model(&models.StatementTranslation{}).Select("lang, title, updated_at").
		Where("statement_id = ?", statementID).Order("lang").Find(&out).Error
	return out, db.Normalize(err)
}

// VersionCount is one version of a statement's original text with the
// number of approved signatures that recorded it.
type VersionCount struct {
	ID        int64
	Hash      string
	Title     string
	Body      string
	CreatedAt time.Time
	Approved  int64
}

// StatementVersionCounts lists every version of a statement's text, oldest
// first, with how many approved signatures recorded each, in one query.
func (s *Store) StatementVersionCounts(ctx context.Context, statementID int64) ([]VersionCount, error) {
	var out []VersionCount
	err := s.conn(ctx).Raw(`SELECT v.id, v.hash, v.title, v.body, v.created_at, COALESCE(c.n, 0) AS approved
FROM statement_versions v
LEFT JOIN (SELECT version_hash, COUNT(*) AS n FROM signatures
           WHERE statement_id = ? AND status = ? GROUP BY version_hash) c ON c.version_hash = v.hash
WHERE v.statement_id = ?
ORDER BY v.id`, statementID, models.StatusApproved, statementID).Scan(&out).Error
	return out, db.Normalize(err)
}
