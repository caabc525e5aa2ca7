// Package captcha owns undersign's CAPTCHA: six-digit challenges drawn as an
// image or spoken as WAV audio by github.com/dchest/captcha, stored in the
// database (table captcha_challenges) so that any instance verifies what
// another issued. A challenge expires after ten minutes and is used up by
// the first verification, right or wrong.
package captcha

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"strings"
	"time"

	dcaptcha "github.com/dchest/captcha"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/models"
)

// Length is the number of digits of a challenge.
const Length = 6

// TTL is how long a challenge may be answered.
const TTL = 10 * time.Minute

// Image size, in pixels.
const (
	ImageWidth  = dcaptcha.StdWidth
	ImageHeight = dcaptcha.StdHeight
)

// Store is what the challenges need from the database.
type Store interface {
	InsertCaptcha(ctx context.Context, c *models.CaptchaChallenge) error
	InsertCaptchaIfAbsent(ctx context.Context, c *models.CaptchaChallenge) error
	TakeCaptcha(ctx context.Context, id string, now time.Time) ([]byte, error)
	PeekCaptcha(ctx context.Context, id string, now time.Time) ([]byte, error)
	DeleteExpiredCaptchas(ctx context.Context, now time.Time) (int64, error)
}

// ErrNotFound means the challenge does not exist or has expired.
var ErrNotFound = errors.New("captcha challenge not found or expired")

// LimitError says that a client asked for too many challenges.
type LimitError struct{ RetryAfter time.Duration }

func (e *LimitError) Error() string { return "too many CAPTCHA challenges" }

// Challenges issues and verifies challenges.
type Challenges struct {
	store   Store
	limiter *ratelimit.Limiter
	rate    config.Rate
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// New returns challenges over st; each client (by IP HMAC) may create rate
// of them.
func New(st Store, limiter *ratelimit.Limiter, rate config.Rate) *Challenges {
	return &Challenges{store: st, limiter: limiter, rate: rate, Now: func() time.Time { return time.Now().UTC() }}
}

// With returns challenges that work through st, such as a transaction's
// store, so that using a challenge up commits with the caller's writes.
func (c *Challenges) With(st Store) *Challenges {
	cp := *c
	cp.store = st
	return &cp
}

// Challenge is an issued challenge.
type Challenge struct {
	ID        string
	ExpiresAt time.Time
}

// Issue creates a challenge for the client whose IP HMAC is given, or
// returns *LimitError when that client created too many lately.
func (c *Challenges) Issue(ctx context.Context, ipHMAC string) (Challenge, error) {
	ok, retry, err := c.limiter.Allow(ctx, "captcha:ip:"+ipHMAC, c.rate)
	if err != nil {
		return Challenge{}, err
	}
	if !ok {
		return Challenge{}, &LimitError{RetryAfter: retry}
	}
	ch := Challenge{ID: keys.RandomToken(15), ExpiresAt: c.Now().Add(TTL)}
	err = c.store.InsertCaptcha(ctx, &models.CaptchaChallenge{ID: ch.ID,
		Digits: dcaptcha.RandomDigits(Length), ExpiresAt: ch.ExpiresAt})
	return ch, err
}

// Reserve names a challenge without storing it: its digits are drawn and
// stored when its image or audio is first fetched (Draw). A page that
// shows a form to every visitor, crawlers included, then writes nothing
// until a person's browser loads the image.
func (c *Challenges) Reserve() Challenge {
	return Challenge{ID: keys.RandomToken(15), ExpiresAt: c.Now().Add(TTL)}
}

// Verify uses the challenge up and tells whether answer matches its
// digits. Spaces in the answer are ignored.
func (c *Challenges) Verify(ctx context.Context, id, answer string) (bool, error) {
	if !validID(id) {
		return false, nil
	}
	digits, err := c.store.TakeCaptcha(ctx, id, c.Now())
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	got, ok := parseAnswer(answer)
	return ok && subtle.ConstantTimeCompare(got, digits) == 1, nil
}

// Discard uses a challenge up without checking an answer, as when the form
// asks for a new one.
func (c *Challenges) Discard(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	_, err := c.store.TakeCaptcha(ctx, id, c.Now())
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	return err
}

// WriteImage draws the challenge as a PNG image, creating a reserved
// challenge for the client whose IP HMAC is given (see Reserve); it returns
// *LimitError when that client created too many lately.
func (c *Challenges) WriteImage(ctx context.Context, w io.Writer, id, ipHMAC string) error {
	digits, err := c.peekOrCreate(ctx, id, ipHMAC)
	if err != nil {
		return err
	}
	_, err = dcaptcha.NewImage(id, digits, ImageWidth, ImageHeight).WriteTo(w)
	return err
}

// WriteAudio speaks the challenge as a WAV file; like WriteImage, it
// creates a reserved challenge.
func (c *Challenges) WriteAudio(ctx context.Context, w io.Writer, id, ipHMAC string) error {
	digits, err := c.peekOrCreate(ctx, id, ipHMAC)
	if err != nil {
		return err
	}
	_, err = dcaptcha.NewAudio(id, digits, "en").WriteTo(w)
	return err
}

// peekOrCreate returns the digits of a live challenge, storing new ones for
// a reserved id seen for the first time. An expired challenge stays
// unusable until cleanup (the insert does nothing on an existing row); a
// used-up id may be drawn again with new digits, which is no weaker than a
// new id and counts against the same limit.
func (c *Challenges) peekOrCreate(ctx context.Context, id, ipHMAC string) ([]byte, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	now := c.Now()
	digits, err := c.store.PeekCaptcha(ctx, id, now)
	if !errors.Is(err, db.ErrNotFound) {
		return digits, err
	}
	ok, retry, err := c.limiter.Allow(ctx, "captcha:ip:"+ipHMAC, c.rate)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &LimitError{RetryAfter: retry}
	}
	err = c.store.InsertCaptchaIfAbsent(ctx, &models.CaptchaChallenge{ID: id,
		Digits: dcaptcha.RandomDigits(Length), ExpiresAt: now.Add(TTL)})
	if err != nil {
		return nil, err
	}
	digits, err = c.store.PeekCaptcha(ctx, id, now)
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrNotFound
	}
	return digits, err
}

// Cleanup deletes expired challenges. Verification does not rely on it:
// an expired challenge never verifies.
func (c *Challenges) Cleanup(ctx context.Context) (int64, error) {
	return c.store.DeleteExpiredCaptchas(ctx, c.Now())
}

// Set stores digits under id; with Get it makes Challenges a
// github.com/dchest/captcha Store backed by the database. Prefer Issue.
func (c *Challenges) Set(id string, digits []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.store.InsertCaptcha(ctx, &models.CaptchaChallenge{ID: id, Digits: digits, ExpiresAt: c.Now().Add(TTL)})
}

// Get returns id's digits, taking the challenge when clear is true; nil
// when it does not exist or expired.
func (c *Challenges) Get(id string, clear bool) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var digits []byte
	if clear {
		digits, _ = c.store.TakeCaptcha(ctx, id, c.Now())
	} else {
		digits, _ = c.store.PeekCaptcha(ctx, id, c.Now())
	}
	return digits
}

var _ dcaptcha.Store = (*Challenges)(nil)

// validID rejects ids that Issue cannot have made before they reach the
// database.
func validID(id string) bool {
	if len(id) != 20 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func parseAnswer(s string) ([]byte, bool) {
	s = strings.Join(strings.Fields(s), "")
	if len(s) != Length {
		return nil, false
	}
	out := make([]byte, len(s))
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		out[i] = s[i] - '0'
	}
	return out, true
}

// Answer spells digits as the string a person would type; tests use it
// with digits read from the database.
func Answer(digits []byte) string {
	b := make([]byte, len(digits))
	for i, d := range digits {
		b[i] = '0' + d
	}
	return string(b)
}
