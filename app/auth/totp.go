package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

const (
	totpPeriod        = 30
	recoveryCodeCount = 10
)

// TOTPSetup is a new secret shown to the user until they confirm it with a
// first code.
type TOTPSetup struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth:// URL
	QRPNG  string // data: URL of the QR code
}

// NewTOTP generates a secret for u.
func (a *Service) NewTOTP(u *models.User) (*TOTPSetup, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: a.issuer, AccountName: u.Email, Period: totpPeriod})
	if err != nil {
		return nil, err
	}
	setup := &TOTPSetup{Secret: key.Secret(), URL: key.URL()}
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	setup.QRPNG = "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	return setup, nil
}

// EnableTOTP turns the second factor on for u once code proves that the
// app holds secret; it returns the recovery codes, shown once.
func (a *Service) EnableTOTP(ctx context.Context, u *models.User, secret, code, ipHMAC string) ([]string, error) {
	counter, ok := matchTOTP(secret, code, a.now())
	if !ok {
		return nil, ErrBadCode
	}
	sealed, err := a.keys.Seal([]byte(secret))
	if err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		err := tx.UpdateUser(ctx, u.ID, map[string]any{"totp_secret": base64.StdEncoding.EncodeToString(sealed),
			"totp_enabled": true, "totp_last_counter": counter})
		if err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.TOTPEnabled,
			TargetType: audit.TargetUser, TargetID: u.ID})
	})
	if err != nil {
		return nil, err
	}
	u.TOTPEnabled = true
	return codes, nil
}

// DisableTOTP turns the second factor off for u.
func (a *Service) DisableTOTP(ctx context.Context, u *models.User, ipHMAC string) error {
	return a.store.Tx(ctx, func(tx *store.Store) error {
		err := tx.UpdateUser(ctx, u.ID, map[string]any{"totp_secret": "", "totp_enabled": false})
		if err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.ActorOf(u, ipHMAC), audit.Entry{Action: audit.TOTPDisabled,
			TargetType: audit.TargetUser, TargetID: u.ID})
	})
}

// VerifySecondFactor accepts a current TOTP code or an unused recovery
// code of u. Each code works once: a TOTP code of a time step already used
// (or earlier) is refused, a recovery code is spent.
func (a *Service) VerifySecondFactor(ctx context.Context, u *models.User, code string) error {
	code = strings.TrimSpace(code)
	if isDigits(code) && len(code) == 6 {
		secret, err := a.totpSecret(u)
		if err != nil {
			return err
		}
		counter, ok := matchTOTP(secret, code, a.now())
		if !ok {
			return ErrBadCode
		}
		fresh, err := a.store.UseTOTPCounter(ctx, u.ID, counter)
		if err != nil {
			return err
		}
		if !fresh {
			return ErrBadCode
		}
		return nil
	}
	used, err := a.store.UseRecoveryCode(ctx, u.ID, keys.HashToken(normalizeRecovery(code)))
	if err != nil {
		return err
	}
	if !used {
		return ErrBadCode
	}
	return nil
}

func (a *Service) totpSecret(u *models.User) (string, error) {
	sealed, err := base64.StdEncoding.DecodeString(u.TOTPSecret)
	if err != nil {
		return "", fmt.Errorf("totp secret of user %d: %w", u.ID, err)
	}
	plain, err := a.keys.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("totp secret of user %d: %w", u.ID, err)
	}
	return string(plain), nil
}

// matchTOTP finds the time step, among the current one and its
// neighbours (clock drift), whose code is code.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	cur := now.Unix() / totpPeriod
	for _, c := range []int64{cur, cur - 1, cur + 1} {
		ok, err := hotp.ValidateCustom(code, uint64(c), secret, hotp.ValidateOpts{ // #nosec G115 -- time steps are positive
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return c, true
		}
	}
	return 0, false
}

// TOTPCode returns the code of secret at t; tests and the setup page use it.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCode(secret, t)
}

var recoveryEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// newRecoveryCodes returns codes as shown (xxxxx-xxxxx) and their hashes.
func newRecoveryCodes() (codes, hashes []string) {
	for range recoveryCodeCount {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		raw := recoveryEncoding.EncodeToString(b)[:10]
		codes = append(codes, raw[:5]+"-"+raw[5:])
		hashes = append(hashes, keys.HashToken(raw))
	}
	return codes, hashes
}

func normalizeRecovery(code string) string {
	code = strings.ToLower(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
