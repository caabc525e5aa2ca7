package store

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// InsertOutbox queues a message. Called on a transaction's store, the
// message commits or rolls back with the change that caused it.
func (s *Store) InsertOutbox(ctx context.Context, m *models.OutboxMessage) error {
	return db.Normalize(s.conn(ctx).Omit("ID").Create(m).Error)
}

// ClaimedMessage is an outbox row a worker leased for sending.
type ClaimedMessage struct {
	ID        int64
	Kind      string
	Recipient string
	Payload   []byte
	Attempts  int
}

// ClaimOutbox leases up to limit due messages until leaseUntil and counts
// the attempt. A leased row is invisible to other workers until its lease
// ends, so instances that claim at the same time never get the same row:
// PostgreSQL skips rows another transaction is claiming (FOR UPDATE SKIP
// LOCKED); SQLite runs the claim in an immediate transaction, one writer
// at a time.
func (s *Store) ClaimOutbox(ctx context.Context, now, leaseUntil time.Time, limit int) ([]ClaimedMessage, error) {
	lock := ""
	if s.Dialect() == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE outbox SET locked_until = ?, attempts = attempts + 1
WHERE id IN (SELECT id FROM outbox
  WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
  ORDER BY next_attempt_at, id LIMIT ?` + lock + `)
RETURNING id, kind, recipient, payload, attempts`
	var out []ClaimedMessage
	err := s.Tx(ctx, func(tx *Store) error {
		return tx.conn(ctx).Raw(q, leaseUntil.UTC(), now.UTC(), now.UTC(), limit).Scan(&out).Error
	})
	return out, err
}

// MarkOutboxSentMany records the delivery of a batch in one statement and
// erases the payloads, which may hold confirmation links.
func (s *Store) MarkOutboxSentMany(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return db.Normalize(s.conn(ctx).Model(&models.OutboxMessage{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": models.OutboxSent, "payload": nil, "sent_at": at.UTC(),
			"locked_until": nil, "last_error": ""}).Error)
}

// MarkOutboxRetry records a failed attempt and schedules the next one.
func (s *Store) MarkOutboxRetry(ctx context.Context, id int64, lastError string, next time.Time) error {
	return db.Normalize(s.conn(ctx).Model(&models.OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"next_attempt_at": next.UTC(), "locked_until": nil, "last_error": lastError}).Error)
}

// MarkOutboxFailed gives a message up for good and erases its payload.
func (s *Store) MarkOutboxFailed(ctx context.Context, id int64, lastError string) error {
	return db.Normalize(s.conn(ctx).Model(&models.OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": models.OutboxFailed, "payload": nil, "locked_until": nil,
			"last_error": lastError}).Error)
}

// DeleteOldOutbox removes sent and failed messages created before before.
func (s *Store) DeleteOldOutbox(ctx context.Context, before time.Time) (int64, error) {
	res := s.conn(ctx).Where("status IN ? AND created_at < ?",
		[]models.OutboxStatus{models.OutboxSent, models.OutboxFailed}, before.UTC()).
		Delete(&models.OutboxMessage{})
	return res.RowsAffected, db.Normalize(res.Error)
}

// OutboxMessages lists the outbox, oldest first, for tests and operators.
func (s *Store) OutboxMessages(ctx context.Context) ([]models.OutboxMessage, error) {
	var out []models.OutboxMessage
	return out, db.Normalize(s.conn(ctx).Order("id").Find(&out).Error)
}
