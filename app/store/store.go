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
	// public serves the public list's reads: the primary, or a handle
	// that sends them to read replicas (WithReplicas).
	public *db.DB
}

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// WithReplicas returns a store whose public-list reads (the list, its
// counts and tallies) go to the given read replicas in turn; everything
// else, and everything in a transaction, stays on the primary. A replica
// may lag a little: the public list is cached for seconds anyway.
func (s *Store) WithReplicas(replicas ...*db.DB) (*Store, error) {
	public, err := s.db.WithReadReplicas(replicas...)
	if err != nil {
		return nil, err
	}
	return &Store{db: s.db, public: public}, nil
}

// reader is the connection for a public-list read: through the replicas
// when there are some, else the primary (or the transaction).
func (s *Store) reader(ctx context.Context) *gorm.DB {
	if s.public == nil {
		return s.conn(ctx)
	}
	return s.public.WithContext(ctx)
}

// DB exposes the underlying database for the few callers (tests, health)
// that need it.
func (s *Store) DB() *db.DB { return s.db }

// Dialect is the SQL dialect of the store's database.
func (s *Store) Dialect() db.Dialect { return s.db.Dialect }

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction with a store bound to it.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return db.Normalize(s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: s.db.On(tx)})
	}))
}
