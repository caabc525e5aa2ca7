// Package db opens undersign's database (PostgreSQL or SQLite), applies the
// embedded migrations and turns driver errors into the store's own.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL dialect of a database.
type Dialect string

// Supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is an open database with its dialect.
type DB struct {
	*gorm.DB
	Dialect Dialect
	SQL     *sql.DB
	// DSN is the address the database was opened with.
	DSN string
}

// DialectOf tells which dialect a database URL selects.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by dsn: a postgres:// URL, or else an
// SQLite file path (its directory is created when missing).
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := DialectOf(dsn)
	cfg := gormConfig(d)
	var dial gorm.Dialector
	if d == Postgres {
		dial = postgres.Open(dsn)
	} else {
		sqliteDSN, err := sqliteDSN(dsn)
		if err != nil {
			return nil, err
		}
		dial = sqlite.Open(sqliteDSN)
	}
	g, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	tunePool(sqlDB, d)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d, err)
	}
	return &DB{DB: g, Dialect: d, SQL: sqlDB, DSN: dsn}, nil
}

// gormConfig is the GORM configuration of every connection to a database
// of dialect d.
func gormConfig(d Dialect) *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         true,
		SkipDefaultTransaction: true,
		// pgx keeps prepared statements by itself; the SQLite driver would
		// parse every query anew, which showed as a quarter of a list
		// page's CPU.
		PrepareStmt: d == SQLite,
	}
}

func tunePool(sqlDB *sql.DB, d Dialect) {
	if d == Postgres {
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return
	}
	// SQLite has one writer at a time; a few connections let readers run
	// beside it in WAL mode while busy_timeout queues the writers.
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
}

// sqliteDSN turns a path (or file: URI) into a DSN with the pragmas
// undersign relies on: WAL, a busy timeout, foreign keys and immediate
// transactions, so that concurrent writers wait instead of failing.
func sqliteDSN(dsn string) (string, error) {
	path := strings.TrimPrefix(dsn, "sqlite://")
	path, query, _ := strings.Cut(path, "?")
	path = strings.TrimPrefix(path, "file:")
	if path != ":memory:" && path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return "", fmt.Errorf("create database directory: %w", err)
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("database URL query: %w", err)
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// No _time_format: glebarez/go-sqlite v1.21 stops reading options after
	// it, which would drop _txlock; its default time format is the same.
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode(), nil
}

// On returns d working through g, a transaction or session of d.
func (d *DB) On(g *gorm.DB) *DB {
	c := *d
	c.DB = g
	return &c
}

// Close closes the connection pool.
func (d *DB) Close() error { return d.SQL.Close() }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }
