// Package signing owns how an organisation or a person co-signs a
// statement: the form's rules, the CAPTCHA and rate limits, duplicate
// detection, the confirmation email, confirmation and withdrawal. It knows
// nothing of HTTP; the web handlers translate.
package signing

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Timing rules of confirmation.
const (
	// TokenTTL is how long a confirmation link works.
	TokenTTL = 7 * 24 * time.Hour
	// ResendInterval is the least time between two confirmation emails to
	// one address for one statement.
	ResendInterval = 10 * time.Minute
	// MaxSends is how many confirmation emails one signature gets in all.
	MaxSends = 5
	// UnconfirmedTTL is how long an unconfirmed signature is kept; after
	// it, and a day after its link expired (so that the link can still
	// offer a new email that day), the cleanup deletes it.
	UnconfirmedTTL = 7 * 24 * time.Hour
	expiredGrace   = 24 * time.Hour
)

// Errors of the signing flow.
var (
	// ErrClosed: the statement does not take signatures now.
	ErrClosed = errors.New("the statement does not accept signatures")
	// ErrNotFound: no signature has this token.
	ErrNotFound = errors.New("unknown token")
	// ErrExpired: the confirmation link expired before it was used.
	ErrExpired = errors.New("the confirmation link has expired")
)

// LimitError says that a client or an email domain signed too often.
type LimitError struct{ RetryAfter time.Duration }

func (e *LimitError) Error() string { return "sign rate limit reached" }

// Service runs the signing flow.
type Service struct {
	store   *store.Store
	outbox  *mail.Outbox
	captcha *captcha.Challenges
	limiter *ratelimit.Limiter
	events  *events.Bus
	log     *slog.Logger
	rateIP  config.Rate
	rateDom config.Rate
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// Deps are what a Service is built from.
type Deps struct {
	Store      *store.Store
	Outbox     *mail.Outbox
	Captcha    *captcha.Challenges
	Limiter    *ratelimit.Limiter
	Events     *events.Bus
	Log        *slog.Logger
	RateIP     config.Rate // submissions per client IP
	RateDomain config.Rate // submissions per email domain
}

// New returns the signing service.
func New(d Deps) *Service {
	return &Service{store: d.Store, outbox: d.Outbox, captcha: d.Captcha, limiter: d.Limiter, events: d.Events,
		log: d.Log, rateIP: d.RateIP, rateDom: d.RateDomain, Now: func() time.Time { return time.Now().UTC() }}
}

// Client is who submits: the HMAC of their IP address (never the address),
// their user agent, and the language they read the form in (a BCP 47
// code), which the emails about the signature then speak.
type Client struct {
	IPHMAC    string
	UserAgent string
	Lang      string
}

// Sign handles a submission. Whether it created a signature, found a
// duplicate (and perhaps re-sent its confirmation), or caught a bot in the
// honeypot, the answer is the same nil, so that nobody learns who signed.
// Errors: *FormError (nothing stored), *LimitError, ErrClosed.
func (s *Service) Sign(ctx context.Context, st *models.Statement, f Form, cl Client) error {
	if f.Honeypot != "" {
		s.log.InfoContext(ctx, "sign honeypot filled; answered as a success, stored nothing", "statement", st.Slug)
		return nil
	}
	now := s.Now()
	if !st.AcceptsSignatures(now) {
		return ErrClosed
	}
	errs := f.check(st)
	if len(errs) > 0 {
		return s.refuse(ctx, f, errs)
	}
	return s.save(ctx, st, &f, s.newSignature(st, &f, cl, now), now)
}

// refuse uses up the form's CAPTCHA (a wrong or unchecked answer counts as
// an attempt) and reports every wrong field.
func (s *Service) refuse(ctx context.Context, f Form, errs map[string]Message) error {
	if _, missing := errs[FieldCaptchaAnswer]; missing {
		if err := s.captcha.Discard(ctx, f.CaptchaID); err != nil {
			return err
		}
		return &FormError{Fields: errs}
	}
	ok, err := s.captcha.Verify(ctx, f.CaptchaID, f.CaptchaAnswer)
	if err != nil {
		return err
	}
	if !ok {
		errs[FieldCaptchaAnswer] = Message{ID: MsgCaptchaWrong}
	}
	return &FormError{Fields: errs}
}

// newSignature builds the row of a valid form.
func (s *Service) newSignature(st *models.Statement, f *Form, cl Client, now time.Time) *models.Signature {
	website, host, _ := normaliseWebsite(f.Website)
	email := f.Email
	_, domain, _ := strings.Cut(email, "@")
	sig := &models.Signature{
		StatementID: st.ID, Kind: models.SignerKind(f.Kind), Status: models.StatusUnconfirmed, Version: 1,
		Name: f.Name, NameNorm: NormaliseName(f.Name), Website: website, WebsiteDomain: host,
		OrgType: f.OrgType, Country: f.Country, City: f.City, ContactRole: f.ContactRole,
		Affiliation: f.Affiliation, Email: &email, EmailDomain: domain, Comment: f.Comment,
		DomainVerified: domainVerified(domain, host), VersionHash: st.VersionHash, Lang: cl.Lang,
		UserAgent: truncateRunes(strings.ToValidUTF8(cl.UserAgent, ""), 300),
		Sends:     1, LastSentAt: &now, CreatedAt: now, UpdatedAt: now,
	}
	if cl.IPHMAC != "" {
		sig.IPHMAC = &cl.IPHMAC
	}
	if f.ContactName != "" {
		sig.ContactName = &f.ContactName
	}
	return sig
}

// save checks the CAPTCHA and the rate limits and writes the signature and
// its confirmation email, or for a duplicate perhaps re-sends the
// confirmation, all in one transaction: one commit per submission. A wrong
// answer or a refused limit still commits, so the challenge is used up and
// the attempt counted. The CAPTCHA's DELETE comes first so that on SQLite
// the transaction writes from its first statement.
func (s *Service) save(ctx context.Context, st *models.Statement, f *Form, sig *models.Signature, now time.Time) error {
	token := keys.RandomToken(32)
	hash, expires := keys.HashToken(token), now.Add(TokenTTL)
	sig.TokenHash, sig.TokenExpiresAt = &hash, &expires
	// The email of a new signature is rendered before the transaction, so
	// that the transaction does not wait on its templates.
	welcome, err := s.outbox.Seal(s.confirmMail(st, sig.Name, *sig.Email, sig.Lang, token, expires, false))
	if err != nil {
		return err
	}
	var outcome error
	sent := false
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		outcome, sent = nil, false
		ok, err := s.captcha.With(tx).Verify(ctx, f.CaptchaID, f.CaptchaAnswer)
		if err != nil {
			return err
		}
		if !ok {
			outcome = &FormError{Fields: map[string]Message{FieldCaptchaAnswer: {ID: MsgCaptchaWrong}}}
			return nil
		}
		allowed, retry, err := s.limiter.With(tx).AllowAll(ctx,
			ratelimit.Check{Key: "sign:ip:" + derefOr(sig.IPHMAC), Rate: s.rateIP},
			ratelimit.Check{Key: "sign:domain:" + sig.EmailDomain, Rate: s.rateDom})
		if err != nil {
			return err
		}
		if !allowed {
			outcome = &LimitError{RetryAfter: retry}
			return nil
		}
		sent, err = s.write(ctx, tx, st, sig, welcome, token, hash, expires, now)
		return err
	})
	if err != nil {
		return err
	}
	if sent {
		s.outbox.Wake()
	}
	return outcome
}

// write stores a new signature with its confirmation email. A signature
// whose address or organisation already signed creates no row; the
// address may get its confirmation again. It tells whether it queued mail.
func (s *Service) write(ctx context.Context, tx *store.Store, st *models.Statement, sig *models.Signature,
	welcome *mail.Sealed, token, hash string, expires, now time.Time) (bool, error) {
	taken := false
	if sig.Kind == models.KindOrganisation {
		var err error
		if taken, err = tx.NameTaken(ctx, st.ID, sig.NameNorm); err != nil {
			return false, err
		}
	}
	if !taken {
		inserted, err := tx.InsertSignature(ctx, sig)
		if err != nil {
			return false, err
		}
		if inserted {
			return true, s.outbox.EnqueueSealed(ctx, tx, welcome)
		}
	}
	// The address (or the organisation) already signed: the address may
	// get its confirmation again.
	r, ok, err := tx.RenewTokenByEmail(ctx, st.ID, *sig.Email, s.renewal(hash, expires, now))
	if err != nil || !ok {
		return false, err
	}
	// The email speaks the language of whoever asks now.
	return true, s.enqueueConfirm(ctx, tx, st, r.Name, *r.Email, sig.Lang, token, expires, r.Status != models.StatusUnconfirmed)
}

func derefOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Service) renewal(hash string, expires, now time.Time) store.TokenRenewal {
	return store.TokenRenewal{TokenHash: hash, ExpiresAt: expires, Now: now,
		NotSentSince: now.Add(-ResendInterval), MaxSends: MaxSends}
}

// ConfirmMail is the data of the confirmation email (views/mail/confirm).
type ConfirmMail struct {
	Name           string
	StatementTitle string
	ConfirmURL     string
	WithdrawURL    string
	ExpiresAt      time.Time
	// Confirmed: the signature was confirmed before; the email says so.
	Confirmed bool
}

func (s *Service) enqueueConfirm(ctx context.Context, tx *store.Store, st *models.Statement, name, email, lang, token string,
	expires time.Time, confirmed bool) error {
	return s.outbox.Enqueue(ctx, tx, s.confirmMail(st, name, email, lang, token, expires, confirmed))
}

// confirmMail is the email that asks to confirm (or withdraw) a signature.
func (s *Service) confirmMail(st *models.Statement, name, email, lang, token string, expires time.Time, confirmed bool) mail.Message {
	return mail.Message{To: email, Template: "confirm", Lang: lang, Data: ConfirmMail{
		Name: name, StatementTitle: st.Title, ExpiresAt: expires, Confirmed: confirmed,
		ConfirmURL: s.outbox.Link("/confirm/" + token), WithdrawURL: s.outbox.Link("/withdraw/" + token)}}
}

// Ticket is a signature found by its token, with its statement.
type Ticket struct {
	Signature *models.Signature
	Statement *models.Statement
	// Expired: an unconfirmed signature whose link has expired.
	Expired bool
}

// Lookup finds the signature a confirmation or withdrawal token belongs to.
func (s *Service) Lookup(ctx context.Context, token string) (*Ticket, error) {
	if !validToken(token) {
		return nil, ErrNotFound
	}
	sig, err := s.store.SignatureByTokenHash(ctx, keys.HashToken(token))
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	st, err := s.store.StatementByID(ctx, sig.StatementID)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Signature: sig, Statement: st}
	t.Expired = sig.Status == models.StatusUnconfirmed &&
		(sig.TokenExpiresAt == nil || !s.Now().Before(*sig.TokenExpiresAt))
	return t, nil
}

// Confirm confirms the signature of token: pending, or approved at once
// when the statement is not moderated. Confirming again changes nothing and
// returns the same ticket. ErrExpired when the link expired first.
func (s *Service) Confirm(ctx context.Context, token, ipHMAC string) (*Ticket, error) {
	for range 3 {
		t, err := s.Lookup(ctx, token)
		if err != nil {
			return nil, err
		}
		sig := t.Signature
		if sig.Status != models.StatusUnconfirmed {
			return t, nil
		}
		if t.Expired {
			return t, ErrExpired
		}
		to := models.StatusPending
		if !t.Statement.RequiresModeration {
			to = models.StatusApproved
		}
		now := s.Now()
		set := map[string]any{"confirmed_at": now}
		if ipHMAC != "" {
			set["confirm_ip_hmac"] = ipHMAC
		}
		err = s.store.Transition(ctx, sig, to, set)
		if errors.Is(err, db.ErrConflict) {
			continue // confirmed or withdrawn meanwhile: look again
		}
		if err != nil {
			return nil, err
		}
		sig.ConfirmedAt = &now
		if to == models.StatusApproved {
			s.events.SignaturesChanged(sig.StatementID)
		}
		return t, nil
	}
	return nil, db.ErrConflict
}

// Withdraw withdraws the signature of token and erases its personal data;
// the row stays for the record, off every public list. Withdrawing again
// changes nothing.
func (s *Service) Withdraw(ctx context.Context, token string) (*Ticket, error) {
	for range 3 {
		t, err := s.Lookup(ctx, token)
		if err != nil {
			return nil, err
		}
		sig := t.Signature
		if sig.Status == models.StatusWithdrawn {
			return t, nil
		}
		was := sig.Status
		now := s.Now()
		err = s.store.Transition(ctx, sig, models.StatusWithdrawn, map[string]any{
			"contact_name": nil, "email": nil, "ip_hmac": nil, "confirm_ip_hmac": nil,
			"user_agent": "", "token_expires_at": nil, "withdrawn_at": now,
		})
		if errors.Is(err, db.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sig.ContactName, sig.Email, sig.IPHMAC, sig.ConfirmIPHMAC, sig.WithdrawnAt = nil, nil, nil, nil, &now
		if was == models.StatusApproved {
			s.events.SignaturesChanged(sig.StatementID)
		}
		return t, nil
	}
	return nil, db.ErrConflict
}

// Resend sends a new confirmation link for an expired one, within the
// same limits as a repeated submission. Like Sign, it succeeds whether or
// not an email went out.
func (s *Service) Resend(ctx context.Context, token string) (*Ticket, error) {
	t, err := s.Lookup(ctx, token)
	if err != nil || t.Signature.Status != models.StatusUnconfirmed {
		return t, err
	}
	now := s.Now()
	fresh := keys.RandomToken(32)
	hash, expires := keys.HashToken(fresh), now.Add(TokenTTL)
	sent := false
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		r, ok, err := tx.RenewTokenByHash(ctx, keys.HashToken(token), s.renewal(hash, expires, now))
		if err != nil || !ok || r.Email == nil {
			return err
		}
		sent = true
		return s.enqueueConfirm(ctx, tx, t.Statement, r.Name, *r.Email, t.Signature.Lang, fresh, expires, false)
	})
	if err == nil && sent {
		s.outbox.Wake()
	}
	return t, err
}

// Cleanup deletes unconfirmed signatures older than UnconfirmedTTL whose
// link expired more than a day ago.
func (s *Service) Cleanup(ctx context.Context) (int64, error) {
	now := s.Now()
	return s.store.DeleteUnconfirmed(ctx, now.Add(-UnconfirmedTTL), now.Add(-expiredGrace))
}

// validToken rejects what RandomToken(32) cannot have made before it
// reaches the database.
func validToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
