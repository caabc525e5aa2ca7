// Package audit owns the append-only trail of who did what in the
// dashboard: decisions, edits, logins, user and statement changes and
// exports. Events are written in the transaction of the change they
// record, so that a change without its event cannot exist.
package audit

import (
	"context"
	"encoding/json"

	"github.com/undersign/undersign/models"
)

// Actions recorded in the trail.
const (
	LoginSucceeded  = "login.succeeded"
	LoginFailed     = "login.failed"
	Logout          = "logout"
	PasswordReset   = "user.password_reset"
	UserCreated     = "user.created"
	UserInvited     = "user.invited"
	UserDisabled    = "user.disabled"
	UserEnabled     = "user.enabled"
	TOTPEnabled     = "user.totp_enabled"
	TOTPDisabled    = "user.totp_disabled"
	Approved        = "signature.approved"
	Rejected        = "signature.rejected"
	MarkedSpam      = "signature.spam"
	ReturnedPending = "signature.pending"
	Edited          = "signature.edited"
	StatementSaved  = "statement.saved"
	ReasonCreated   = "reason.created"
	ReasonChanged   = "reason.changed"
	Exported        = "export"
)

// Actions lists every action, for the trail's filter.
var Actions = []string{
	LoginSucceeded, LoginFailed, Logout, PasswordReset, UserCreated, UserInvited, UserDisabled,
	UserEnabled, TOTPEnabled, TOTPDisabled, Approved, Rejected, MarkedSpam, ReturnedPending, Edited,
	StatementSaved, ReasonCreated, ReasonChanged, Exported,
}

// Target types.
const (
	TargetSignature = "signature"
	TargetUser      = "user"
	TargetStatement = "statement"
	TargetReason    = "reason"
)

// Actor is who acted and from where (the IP as an HMAC, never in clear).
// A zero ID is a failed login or the command line.
type Actor struct {
	ID     int64
	Email  string
	IPHMAC string
}

// ActorOf returns the actor for user u acting from ipHMAC.
func ActorOf(u *models.User, ipHMAC string) Actor {
	if u == nil {
		return Actor{IPHMAC: ipHMAC}
	}
	return Actor{ID: u.ID, Email: u.Email, IPHMAC: ipHMAC}
}

// Entry is one thing that happened.
type Entry struct {
	Action      string
	TargetType  string
	TargetID    int64
	StatementID int64
	Before      any // marshalled to JSON; nil leaves it empty
	After       any
}

// Store is where events are appended; pass a transaction-bound store to
// record an event with the change.
type Store interface {
	AddAuditEvent(ctx context.Context, e *models.AuditEvent) error
}

// Record appends e, done by a, to the trail.
func Record(ctx context.Context, s Store, a Actor, e Entry) error {
	ev := &models.AuditEvent{
		ActorEmail: a.Email, Action: e.Action, TargetType: e.TargetType, IPHMAC: a.IPHMAC,
		BeforeJSON: marshal(e.Before), AfterJSON: marshal(e.After),
	}
	ev.ActorID = optional(a.ID)
	ev.TargetID = optional(e.TargetID)
	ev.StatementID = optional(e.StatementID)
	return s.AddAuditEvent(ctx, ev)
}

func optional(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func marshal(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return `{"error":"unencodable"}`
	}
	return string(b)
}
