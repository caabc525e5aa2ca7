// Package store keeps undersign's models in the database: one file per
// aggregate, every method context-first, errors normalised to db.ErrNotFound
// and db.ErrConflict.
package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/undersign/undersign/app/db"
)

// Store is the repository over one database.
type Store struct {
	db *db.DB
}

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// DB exposes the underlying database for the few callers (tests, health)
// that need it.
func (s *Store) DB() *db.DB { return s.db }

// Dialect is the SQL dialect of the store's database.
func (s *Store) Dialect() db.Dialect { return s.db.Dialect }

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction with a store bound to it.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return db.Normalize(s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: &db.DB{DB: tx, Dialect: s.db.Dialect, SQL: s.db.SQL}})
	}))
}
