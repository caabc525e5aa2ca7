package store

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// AddAuditEvent appends one event to the audit trail. Nothing updates or
// deletes these rows.
func (s *Store) AddAuditEvent(ctx context.Context, e *models.AuditEvent) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now().UTC()
	}
	return db.Normalize(s.conn(ctx).Omit("ID").Create(e).Error)
}

// AuditFilter selects audit events; zero fields select everything.
type AuditFilter struct {
	Action      string // exact action, or a prefix ending in "."
	ActorID     int64
	StatementID int64
	TargetType  string
	TargetID    int64
	Before      int64 // key-based pagination: only ids below this
	Limit       int
}

// AuditEvents lists audit events newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]models.AuditEvent, error) {
	q := s.conn(ctx).Order("id DESC")
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q = q.Where(`action LIKE ? ESCAPE '\'`, escapeLike(f.Action)+"%")
		} else {
			q = q.Where("action = ?", f.Action)
		}
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.StatementID != 0 {
		q = q.Where("statement_id = ?", f.StatementID)
	}
	if f.TargetType != "" {
		q = q.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != 0 {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var out []models.AuditEvent
	return out, db.Normalize(q.Limit(f.Limit).Find(&out).Error)
}

// CountAuditEvents counts the events of action since a time, for the
// actor email or the IP HMAC given (either may be empty).
func (s *Store) CountAuditEvents(ctx context.Context, action string, since time.Time, actorEmail, ipHMAC string) (int64, error) {
	q := s.conn(ctx).Model(&models.AuditEvent{}).Where("action = ? AND created_at >= ?", action, since)
	switch {
	case actorEmail != "" && ipHMAC != "":
		q = q.Where("(actor_email = ? OR ip_hmac = ?)", actorEmail, ipHMAC)
	case actorEmail != "":
		q = q.Where("actor_email = ?", actorEmail)
	case ipHMAC != "":
		q = q.Where("ip_hmac = ?", ipHMAC)
	}
	var n int64
	return n, db.Normalize(q.Count(&n).Error)
}
