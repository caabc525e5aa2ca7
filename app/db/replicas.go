package db

import (
	"fmt"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// WithReadReplicas returns a handle on d whose reads go to the given read
// replicas in turn, through gorm's dbresolver: queries (SELECT) are sent
// to a replica, anything else, and everything in a transaction, to d.
// It shares d's connection pool and the replicas' pools; closing them
// stays with their owners.
//
// Only reads that may lag a little belong on it: the public list, whose
// answers are cached for seconds anyway. A moderator's view reads d.
func (d *DB) WithReadReplicas(replicas ...*DB) (*DB, error) {
	g, err := gorm.Open(dialectorOn(d), gormConfig(d.Dialect))
	if err != nil {
		return nil, err
	}
	dials := make([]gorm.Dialector, len(replicas))
	for i, r := range replicas {
		if r.Dialect != d.Dialect {
			return nil, fmt.Errorf("read replica is %s, the database %s", r.Dialect, d.Dialect)
		}
		dials[i] = dialectorOn(r)
	}
	err = g.Use(dbresolver.Register(dbresolver.Config{
		Replicas: dials,
		Policy:   dbresolver.RoundRobinPolicy(),
	}))
	if err != nil {
		return nil, fmt.Errorf("read replicas: %w", err)
	}
	return &DB{DB: g, Dialect: d.Dialect, SQL: d.SQL, DSN: d.DSN}, nil
}

// dialectorOn is a dialector over d's open connection pool.
func dialectorOn(d *DB) gorm.Dialector {
	if d.Dialect == Postgres {
		return postgres.New(postgres.Config{Conn: d.SQL})
	}
	return &sqlite.Dialector{Conn: d.SQL}
}
