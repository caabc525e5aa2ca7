// Package moderation owns what moderators decide about signatures: approve,
// reject with a reason, mark as spam, return to pending, correct the public
// fields, in bulk or one by one. Every decision is conditional on the
// version the moderator saw, is recorded in the audit trail and queues the
// signer's email in the same transaction. It also computes the signals of
// the queue, the moderators' digest, the rejection reasons and exports.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Action is a moderator's decision.
type Action string

// Decisions.
const (
	Approve Action = "approve"
	Reject  Action = "reject"
	Spam    Action = "spam"
	Pending Action = "pending" // return to the queue
)

// Errors of a decision.
var (
	// ErrConflict: someone decided or edited the signature after the
	// moderator loaded it; nothing was written.
	ErrConflict = errors.New("the signature changed since you loaded it")
	// ErrNotAllowed: the decision does not apply to the signature's status.
	ErrNotAllowed = errors.New("this decision does not apply to the signature in its current state")
	// ErrReasonRequired: a rejection needs one of the active reasons.
	ErrReasonRequired = errors.New("choose a reason for the rejection")
)

// Mailer queues an email in the transaction of the change that causes it;
// *mail.Outbox is one.
type Mailer interface {
	Enqueue(ctx context.Context, st *store.Store, msg mail.Message) error
}

// Mail templates (views/mail) moderation sends.
const (
	MailApproved = "signature-approved"
	MailRejected = "signature-rejected"
	MailDigest   = "moderation-digest"
)

// Service is the moderation service.
type Service struct {
	store   *store.Store
	mail    Mailer
	events  *events.Bus
	baseURL string
	now     func() time.Time
}

// New returns the moderation service. Links in emails start with baseURL;
// bus hears of every decision that may change a public list.
func New(s *store.Store, m Mailer, bus *events.Bus, baseURL string) *Service {
	return &Service{store: s, mail: m, events: bus, baseURL: baseURL,
		now: func() time.Time { return time.Now().UTC() }}
}

// target is the status a decision moves a signature to, and whether the
// decision applies to its current status. Unconfirmed and withdrawn
// signatures belong to their signer, not to moderators.
func target(a Action, from models.SignatureStatus) (models.SignatureStatus, bool) {
	var to models.SignatureStatus
	switch a {
	case Approve:
		to = models.StatusApproved
	case Reject:
		to = models.StatusRejected
	case Spam:
		to = models.StatusSpam
	case Pending:
		to = models.StatusPending
	default:
		return "", false
	}
	switch from {
	case models.StatusPending, models.StatusApproved, models.StatusRejected, models.StatusSpam:
		return to, from != to
	}
	return "", false
}

// Actions lists the decisions that apply to a signature in status from.
func Actions(from models.SignatureStatus) []Action {
	var out []Action
	for _, a := range []Action{Approve, Reject, Spam, Pending} {
		if _, ok := target(a, from); ok {
			out = append(out, a)
		}
	}
	return out
}

// Decision is what a moderator decided about one signature, as seen at
// Version.
type Decision struct {
	SignatureID int64
	StatementID int64
	Version     int
	Action      Action
	ReasonCode  string // rejections
	Note        string // rejections: a note for the record and, if sent, the signer
	Notify      bool   // rejections: email the reason to the signer
}

// Decide applies d. The update is conditional on the version the moderator
// saw: when another moderator acted first, ErrConflict and nothing changes.
func (m *Service) Decide(ctx context.Context, actor audit.Actor, d Decision) (*models.Signature, error) {
	sig, st, err := m.load(ctx, d.StatementID, d.SignatureID)
	if err != nil {
		return nil, err
	}
	if sig.Version != d.Version {
		return sig, ErrConflict
	}
	to, ok := target(d.Action, sig.Status)
	if !ok {
		return sig, ErrNotAllowed
	}
	var reason *models.ReasonCode
	if d.Action == Reject {
		if reason, err = m.activeReason(ctx, d.ReasonCode); err != nil {
			return sig, err
		}
	}
	wasPublic := sig.IsPublic()
	err = m.store.Tx(ctx, func(tx *store.Store) error {
		return m.apply(ctx, tx, actor, st, sig, to, d, reason)
	})
	if errors.Is(err, db.ErrConflict) {
		return sig, ErrConflict
	}
	if err != nil {
		return sig, err
	}
	if wasPublic || sig.IsPublic() {
		m.events.SignaturesChanged(sig.StatementID)
	}
	return sig, nil
}

// apply writes one decision inside the caller's transaction: the
// conditional status change, its audit event and the signer's email.
func (m *Service) apply(ctx context.Context, tx *store.Store, actor audit.Actor, st *models.Statement,
	sig *models.Signature, to models.SignatureStatus, d Decision, reason *models.ReasonCode) error {
	now := m.now()
	cols := map[string]any{"decided_at": now, "decided_by": actorID(actor), "reason_code": "", "reason_note": ""}
	if reason != nil {
		cols["reason_code"], cols["reason_note"] = reason.Code, strings.TrimSpace(d.Note)
	}
	before := snapshot(sig)
	if err := tx.Transition(ctx, sig, to, cols); err != nil {
		return err
	}
	sig.ReasonCode, sig.ReasonNote, sig.DecidedAt = cols["reason_code"].(string), cols["reason_note"].(string), &now
	after := snapshot(sig)
	if d.Action == Reject {
		after["notified"] = d.Notify && sig.Email != nil
	}
	err := audit.Record(ctx, tx, actor, audit.Entry{Action: auditAction(d.Action), TargetType: audit.TargetSignature,
		TargetID: sig.ID, StatementID: sig.StatementID, Before: before, After: after})
	if err != nil {
		return err
	}
	return m.notify(ctx, tx, st, sig, d, reason)
}

// load finds a signature of a statement: a signature of another statement
// is not found, whatever its id.
func (m *Service) load(ctx context.Context, statementID, id int64) (*models.Signature, *models.Statement, error) {
	sig, err := m.store.SignatureByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if sig.StatementID != statementID {
		return nil, nil, db.ErrNotFound
	}
	st, err := m.store.StatementByID(ctx, statementID)
	return sig, st, err
}

func (m *Service) activeReason(ctx context.Context, code string) (*models.ReasonCode, error) {
	if code == "" {
		return nil, ErrReasonRequired
	}
	rc, err := m.store.ReasonCodeByCode(ctx, code)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !rc.Active) {
		return nil, ErrReasonRequired
	}
	return rc, err
}

// ApprovedMail is the data of the approval email.
type ApprovedMail struct {
	Name, StatementTitle, ListURL string
}

// RejectedMail is the data of the rejection email.
type RejectedMail struct {
	Name, StatementTitle, Reason, Note string
}

// notify queues the signer's email: always on approval, on rejection only
// when the moderator chose to send the reason; spam is silent.
func (m *Service) notify(ctx context.Context, tx *store.Store, st *models.Statement, sig *models.Signature, d Decision, reason *models.ReasonCode) error {
	if sig.Email == nil || *sig.Email == "" {
		return nil
	}
	switch {
	case d.Action == Approve:
		return m.mail.Enqueue(ctx, tx, mail.Message{To: *sig.Email, Template: MailApproved, Lang: sig.Lang, Data: ApprovedMail{
			Name: sig.Name, StatementTitle: st.Title, ListURL: m.baseURL + "/s/" + st.Slug + "#signatories"}})
	case d.Action == Reject && d.Notify:
		return m.mail.Enqueue(ctx, tx, mail.Message{To: *sig.Email, Template: MailRejected, Lang: sig.Lang, Data: RejectedMail{
			Name: sig.Name, StatementTitle: st.Title, Reason: reason.Label, Note: sig.ReasonNote}})
	}
	return nil
}

func auditAction(a Action) string {
	switch a {
	case Approve:
		return audit.Approved
	case Reject:
		return audit.Rejected
	case Spam:
		return audit.MarkedSpam
	}
	return audit.ReturnedPending
}

func actorID(a audit.Actor) any {
	if a.ID == 0 {
		return nil
	}
	return a.ID
}

// snapshot is what the audit trail records of a signature: its state and
// public fields, no contact data.
func snapshot(s *models.Signature) map[string]any {
	return map[string]any{
		"status": s.Status, "version": s.Version, "name": s.Name, "website": s.Website,
		"org_type": s.OrgType, "country": s.Country, "city": s.City, "comment": s.Comment,
		"reason_code": s.ReasonCode, "reason_note": s.ReasonNote,
	}
}

// ActionLabel is how a decision reads on a button.
func ActionLabel(a Action) string {
	switch a {
	case Approve:
		return "Approve"
	case Reject:
		return "Reject"
	case Spam:
		return "Mark as spam"
	case Pending:
		return "Return to pending"
	}
	return fmt.Sprint(a)
}
