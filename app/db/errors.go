package db

import (
	"context"
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
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: shutdown, crash, not yet accepting.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "conn closed",
		"unexpected EOF", "database is locked", "SQLITE_BUSY", "failed to connect", "no connection"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
