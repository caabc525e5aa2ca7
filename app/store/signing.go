package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// NameTaken tells whether an organisation with the normalised name already
// signed the statement, pending or approved.
//
// On PostgreSQL the query is planned anew on every call (pgx's exec mode
// instead of its statement cache). A cached generic plan is made once per
// connection: made while a new statement's table held a few rows, it was a
// sequential scan, and it stayed one while a launch filled the table faster
// than autovacuum analysed it. Each check then read the whole table: 3,000
// buffers and 6 ms at 10,000 rows, most of the sign benchmark's database
// CPU (docs/performance.md). Planning this one query costs microseconds.
func (s *Store) NameTaken(ctx context.Context, statementID int64, nameNorm string) (bool, error) {
	const q = "SELECT 1 FROM signatures WHERE statement_id = ? AND name_norm = ? AND status IN (?, ?) LIMIT 1"
	args := []any{statementID, nameNorm, models.StatusPending, models.StatusApproved}
	if s.Dialect() == db.Postgres {
		rows, err := s.conn(ctx).Statement.ConnPool.QueryContext(ctx, db.Placeholders(q),
			append([]any{pgx.QueryExecModeExec}, args...)...)
		if err != nil {
			return false, db.Normalize(err)
		}
		defer rows.Close()
		found := rows.Next()
		return found, db.Normalize(rows.Err())
	}
	var n []int
	err := s.conn(ctx).Raw(q, args...).Scan(&n).Error
	return len(n) > 0, db.Normalize(err)
}

// TokenRenewal is a new confirmation token for an existing signature,
// granted at most once per interval and up to a number of sends.
type TokenRenewal struct {
	TokenHash string
	ExpiresAt time.Time
	Now       time.Time
	// NotSentSince: the previous email must be older than this.
	NotSentSince time.Time
	MaxSends     int
}

// RenewedSignature is what a renewal tells about the signature it renewed.
type RenewedSignature struct {
	ID          int64
	StatementID int64
	Status      models.SignatureStatus
	Name        string
	Email       *string
}

// RenewTokenByEmail gives the statement's signature with this email, unless
// withdrawn, rejected or spam, a new token when r allows it. ok is false
// when there is no such signature or the renewal came too soon or once too
// often; nothing changed then. The UPDATE is conditional, so concurrent
// renewals grant one.
func (s *Store) RenewTokenByEmail(ctx context.Context, statementID int64, email string, r TokenRenewal) (*RenewedSignature, bool, error) {
	return s.renewToken(ctx, "statement_id = ? AND email = ?", []any{statementID, email}, r)
}

// RenewTokenByHash is RenewTokenByEmail for the signature that holds a
// token, as when an expired link asks for a new email.
func (s *Store) RenewTokenByHash(ctx context.Context, tokenHash string, r TokenRenewal) (*RenewedSignature, bool, error) {
	return s.renewToken(ctx, "token_hash = ?", []any{tokenHash}, r)
}

func (s *Store) renewToken(ctx context.Context, where string, args []any, r TokenRenewal) (*RenewedSignature, bool, error) {
	q := `UPDATE signatures SET token_hash = ?, token_expires_at = ?, sends = sends + 1, last_sent_at = ?, updated_at = ?
WHERE ` + where + ` AND status IN (?, ?, ?) AND sends < ? AND (last_sent_at IS NULL OR last_sent_at <= ?)
RETURNING id, statement_id, status, name, email`
	all := append([]any{r.TokenHash, r.ExpiresAt.UTC(), r.Now.UTC(), r.Now.UTC()}, args...)
	all = append(all, models.StatusUnconfirmed, models.StatusPending, models.StatusApproved, r.MaxSends, r.NotSentSince.UTC())
	var rows []RenewedSignature
	if err := s.conn(ctx).Raw(q, all...).Scan(&rows).Error; err != nil {
		return nil, false, db.Normalize(err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	return &rows[0], true, nil
}

// DeleteUnconfirmed deletes signatures never confirmed that were created
// before createdBefore and whose token expired before expiredBefore.
func (s *Store) DeleteUnconfirmed(ctx context.Context, createdBefore, expiredBefore time.Time) (int64, error) {
	res := s.conn(ctx).Where("status = ? AND created_at < ? AND (token_expires_at IS NULL OR token_expires_at < ?)",
		models.StatusUnconfirmed, createdBefore.UTC(), expiredBefore.UTC()).Delete(&models.Signature{})
	return res.RowsAffected, db.Normalize(res.Error)
}
