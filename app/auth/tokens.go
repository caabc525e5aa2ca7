package auth

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Token kinds, as stored in user_tokens.kind.
const (
	tokenInvite = "invite"
	tokenReset  = "reset"
)

// maxResetsPerHour bounds the reset emails one account is sent per hour.
const maxResetsPerHour = 3

// Mail templates (views/mail) the accounts service sends.
const (
	MailInvite = "admin-invite"
	MailReset  = "password-reset"
)

// InviteMail is the data of the invitation email.
type InviteMail struct {
	Role      models.Role
	InvitedBy string
	Link      string
	ExpiresAt time.Time
}

// ResetMail is the data of the password reset email.
type ResetMail struct {
	Link      string
	ExpiresAt time.Time
}

// Invite emails email a single-use link that creates an account with role.
func (a *Service) Invite(ctx context.Context, actor audit.Actor, email string, role models.Role) error {
	email = NormalizeEmail(email)
	if !ValidEmail(email) {
		return errors.New("invalid email address")
	}
	if !role.Valid() {
		return errors.New("unknown role")
	}
	if _, err := a.store.UserByEmail(ctx, email); err == nil {
		return ErrUserExists
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	raw := keys.RandomToken(32)
	expires := a.now().Add(InviteTTL)
	tok := &models.UserToken{Kind: tokenInvite, TokenHash: keys.HashToken(raw), Email: email, Role: role,
		ExpiresAt: expires}
	if actor.ID != 0 {
		tok.CreatedBy = &actor.ID
	}
	return a.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUserToken(ctx, tok); err != nil {
			return err
		}
		err := a.mail.Enqueue(ctx, tx, mail.Message{To: email, Template: MailInvite, Lang: langOf(ctx), Data: InviteMail{
			Role: role, InvitedBy: actor.Email, Link: a.link("/admin/invite", raw), ExpiresAt: expires}})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.UserInvited, TargetType: audit.TargetUser,
			After: map[string]any{"email": email, "role": role}})
	})
}

// Invitation returns the pending invitation of a raw token, without using it.
func (a *Service) Invitation(ctx context.Context, raw string) (*models.UserToken, error) {
	t, err := a.store.PeekUserToken(ctx, tokenInvite, keys.HashToken(raw), a.now())
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrBadToken
	}
	return t, err
}

// AcceptInvite spends an invitation and creates its account with password.
func (a *Service) AcceptInvite(ctx context.Context, raw, password, ipHMAC string) (*models.User, error) {
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	var u *models.User
	err := a.store.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.UseUserToken(ctx, tokenInvite, keys.HashToken(raw), a.now())
		if errors.Is(err, db.ErrNotFound) {
			return ErrBadToken
		} else if err != nil {
			return err
		}
		u = &models.User{Email: t.Email, Role: t.Role, PasswordHash: HashPassword(password)}
		if err := tx.CreateUser(ctx, u); err != nil {
			if errors.Is(err, db.ErrConflict) {
				return ErrUserExists
			}
			return err
		}
		return audit.Record(ctx, tx, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.UserCreated,
			TargetType: audit.TargetUser, TargetID: u.ID, After: userState(u)})
	})
	return u, err
}

// RequestReset emails a password reset link when email belongs to an
// active user, and does nothing otherwise; the caller answers the same in
// both cases.
func (a *Service) RequestReset(ctx context.Context, email string) error {
	u, err := a.store.UserByEmail(ctx, email)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !u.Active()) {
		return nil
	}
	if err != nil {
		return err
	}
	// Nobody gets more than a few reset emails an hour, whoever asks.
	if n, err := a.store.CountUserTokensSince(ctx, tokenReset, u.Email, a.now().Add(-ResetTTL)); err != nil || n >= maxResetsPerHour {
		return err
	}
	raw := keys.RandomToken(32)
	expires := a.now().Add(ResetTTL)
	tok := &models.UserToken{Kind: tokenReset, TokenHash: keys.HashToken(raw), UserID: &u.ID, Email: u.Email,
		ExpiresAt: expires}
	return a.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUserToken(ctx, tok); err != nil {
			return err
		}
		return a.mail.Enqueue(ctx, tx, mail.Message{To: u.Email, Template: MailReset, Lang: langOf(ctx),
			Data: ResetMail{Link: a.link("/admin/reset/confirm", raw), ExpiresAt: expires}})
	})
}

// ValidResetToken tells whether a raw reset token can still be used.
func (a *Service) ValidResetToken(ctx context.Context, raw string) bool {
	_, err := a.store.PeekUserToken(ctx, tokenReset, keys.HashToken(raw), a.now())
	return err == nil
}

// ResetPassword spends a reset token and sets its user's new password.
func (a *Service) ResetPassword(ctx context.Context, raw, password, ipHMAC string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	return a.store.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.UseUserToken(ctx, tokenReset, keys.HashToken(raw), a.now())
		if errors.Is(err, db.ErrNotFound) || (err == nil && t.UserID == nil) {
			return ErrBadToken
		} else if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, *t.UserID)
		if err != nil {
			return err
		}
		if !u.Active() {
			return ErrBadToken
		}
		if err := tx.UpdateUser(ctx, u.ID, map[string]any{"password_hash": HashPassword(password)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.PasswordReset,
			TargetType: audit.TargetUser, TargetID: u.ID})
	})
}

// link is an absolute link to path carrying token, built from the
// configured base URL only.
func (a *Service) link(path, token string) string {
	return a.baseURL + path + "?token=" + url.QueryEscape(token)
}

// Cleanup deletes expired tokens and sessions.
func (a *Service) Cleanup(ctx context.Context) error {
	now := a.now()
	if _, err := a.store.DeleteExpiredUserTokens(ctx, now.Add(-24*time.Hour)); err != nil {
		return err
	}
	_, err := a.store.DeleteExpiredSessions(ctx, now)
	return err
}
