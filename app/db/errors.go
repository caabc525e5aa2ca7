package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"gorm.io/gorm"
)

// Store errors, the same whatever the dialect.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Normalize maps driver and GORM errors to ErrNotFound and ErrConflict and
// leaves others as they are.
func Normalize(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, gorm.ErrForeignKeyViolated):
		return errors.Join(ErrConflict, err)
	}
	return err
}

// IsUnavailable tells whether err means the database could not be reached
// or is restarting, a condition a client may retry after a moment.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	// A failed connection attempt wraps the server's refusal (a PgError
	// such as 57P03 or 53300): check it before the PgError codes.
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 53300: too many connections;
		// 55000 here: not accepting connections; 57P01-57P03: shutdown,
		// crash, not yet accepting.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") || pgErr.Code == "53300"
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "conn closed",
		"unexpected EOF", "database is locked", "SQLITE_BUSY", "failed to connect", "no connection",
		"sql: database is closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// IsInvalidText tells whether err is PostgreSQL refusing a value that is
// not text it can store: a NUL byte, or bytes that are not UTF-8 (SQLite
// stores them). Such a value comes from a client's input, so it is the
// client's error, not the server's.
func IsInvalidText(err error) bool {
	var pgErr *pgconn.PgError
	// 22021: character_not_in_repertoire; 22P05: untranslatable_character.
	return errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05")
}
