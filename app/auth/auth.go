// Package auth owns the dashboard's accounts: users and their argon2id
// passwords, login with throttling and an optional TOTP second factor with
// recovery codes, invitations, password reset by email, and the storage
// behind dashboard sessions.
package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Errors a login can end with. The web layer shows the same message for
// every bad-credential case, so that nobody learns which accounts exist.
var (
	ErrBadCredentials = errors.New("unknown email or wrong password")
	ErrThrottled      = errors.New("too many failed attempts")
	ErrBadCode        = errors.New("wrong or already used code")
	ErrBadToken       = errors.New("the link is invalid, used or expired")
	ErrUserExists     = errors.New("a user with this email exists")
)

// Throttling of failed logins: after MaxFailures in FailureWindow for one
// account or one IP, logins are refused until the oldest failure is older
// than the window.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
)

// Token lifetimes.
const (
	ResetTTL  = time.Hour
	InviteTTL = 7 * 24 * time.Hour
)

// Mailer queues an email in the transaction of the change that causes it
// (st is the transaction's store); *mail.Outbox is one.
type Mailer interface {
	Enqueue(ctx context.Context, st *store.Store, msg mail.Message) error
}

// Service is the accounts service.
type Service struct {
	store   *store.Store
	keys    *keys.Ring
	mail    Mailer
	baseURL string
	issuer  string
	now     func() time.Time
}

// New returns the accounts service; links in its emails start with baseURL.
func New(s *store.Store, k *keys.Ring, m Mailer, baseURL string) *Service {
	return &Service{store: s, keys: k, mail: m, baseURL: baseURL, issuer: "undersign",
		now: func() time.Time { return time.Now().UTC() }}
}

// NormalizeEmail is the form emails are stored and compared in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

var (
	dummyOnce sync.Once
	dummyHash string
)

// dummy returns a hash to verify against when the account does not exist,
// so that an unknown email costs as much time as a wrong password.
func dummy() string {
	dummyOnce.Do(func() { dummyHash = HashPassword(keys.RandomToken(16)) })
	return dummyHash
}

// Authenticate checks an email and password typed at the login form. It
// does not log in: a user with TOTP must still give a code, and the caller
// then calls CompleteLogin. A disabled user fails like a wrong password.
func (a *Service) Authenticate(ctx context.Context, email, password, ipHMAC string) (*models.User, error) {
	email = NormalizeEmail(email)
	if blocked, err := a.blocked(ctx, email, ipHMAC); err != nil || blocked {
		if err == nil {
			err = ErrThrottled
		}
		return nil, err
	}
	u, err := a.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	hash := dummy()
	if u != nil {
		hash = u.PasswordHash
	}
	ok, verr := VerifyPassword(hash, password)
	if u == nil || !u.Active() || !ok || verr != nil {
		return nil, a.Failed(ctx, email, ipHMAC, "password")
	}
	return u, nil
}

// Failed records a failed login for the account and IP and returns
// ErrBadCredentials (or the error recording it).
func (a *Service) Failed(ctx context.Context, email, ipHMAC, step string) error {
	email = truncate(NormalizeEmail(email), 254)
	err := audit.Record(ctx, a.store, audit.Actor{Email: email, IPHMAC: ipHMAC},
		audit.Entry{Action: audit.LoginFailed, After: map[string]string{"step": step}})
	if err != nil {
		return err
	}
	return ErrBadCredentials
}

// blocked tells whether logins for email or from ipHMAC are throttled.
// The failed logins are counted where they are recorded anyway, in the
// audit trail: a sliding window shared by every instance, and a success
// does not count.
func (a *Service) blocked(ctx context.Context, email, ipHMAC string) (bool, error) {
	since := a.now().Add(-FailureWindow)
	for _, key := range [][2]string{{truncate(email, 254), ""}, {"", ipHMAC}} {
		if key[0] == "" && key[1] == "" {
			continue
		}
		n, err := a.store.CountAuditEvents(ctx, audit.LoginFailed, since, key[0], key[1])
		if err != nil || n >= MaxFailures {
			return n >= MaxFailures, err
		}
	}
	return false, nil
}

// Throttled tells whether logins for the email or from the IP are
// currently refused.
func (a *Service) Throttled(ctx context.Context, email, ipHMAC string) (bool, error) {
	return a.blocked(ctx, NormalizeEmail(email), ipHMAC)
}

// CompleteLogin records a successful login.
func (a *Service) CompleteLogin(ctx context.Context, u *models.User, ipHMAC string) error {
	return a.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateUser(ctx, u.ID, map[string]any{"last_login_at": a.now()}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.LoginSucceeded,
			TargetType: audit.TargetUser, TargetID: u.ID})
	})
}

// RecordLogout records that u logged out.
func (a *Service) RecordLogout(ctx context.Context, u *models.User, ipHMAC string) error {
	return audit.Record(ctx, a.store, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.Logout,
		TargetType: audit.TargetUser, TargetID: u.ID})
}

// CreateUser adds a user from the command line. An empty password is
// generated and returned, to be shown once.
func (a *Service) CreateUser(ctx context.Context, email string, role models.Role, password string) (string, error) {
	if !role.Valid() {
		return "", errors.New("role must be admin or moderator")
	}
	if !ValidEmail(email) {
		return "", errors.New("invalid email address")
	}
	if password == "" {
		password = keys.RandomToken(15)
	}
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	u := &models.User{Email: email, Role: role, PasswordHash: HashPassword(password)}
	err := a.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if errors.Is(err, db.ErrConflict) {
				return ErrUserExists
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Actor{}, audit.Entry{Action: audit.UserCreated,
			TargetType: audit.TargetUser, TargetID: u.ID, After: userState(u)})
	})
	return password, err
}

// SetDisabled disables or re-enables a user. A disabled user's sessions
// stop working at their next request.
func (a *Service) SetDisabled(ctx context.Context, actor audit.Actor, id int64, disabled bool) error {
	return a.store.Tx(ctx, func(tx *store.Store) error {
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		before := userState(u)
		var at *time.Time
		action := audit.UserEnabled
		if disabled {
			now := a.now()
			at, action = &now, audit.UserDisabled
		}
		if err := tx.UpdateUser(ctx, id, map[string]any{"disabled_at": at}); err != nil {
			return err
		}
		u.DisabledAt = at
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, TargetType: audit.TargetUser,
			TargetID: id, Before: before, After: userState(u)})
	})
}

// userState is what the audit trail records of a user: never a secret.
func userState(u *models.User) map[string]any {
	return map[string]any{"email": u.Email, "role": u.Role, "disabled": u.DisabledAt != nil, "totp": u.TOTPEnabled}
}

// ValidEmail is a light check of an address typed into a form.
func ValidEmail(email string) bool {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	return len(email) <= 254 && at > 0 && at < len(email)-3 && strings.Contains(email[at:], ".") &&
		!strings.ContainsAny(email, " \t\r\n<>,;\"")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
