package faults

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/models"
)

const (
	slug     = "no-to-imperialist-invasion"
	signPath = "/s/" + slug + "/sign"
)

// challenge is a CAPTCHA the test put in the database, with its answer.
type challenge struct{ ID, Answer string }

// challenges stores n live CAPTCHA challenges directly in the database, as
// an instance would issue them, so that a load needs no image reading.
func challenges(t *testing.T, d *db.DB, n int) chan challenge {
	t.Helper()
	rows := make([]models.CaptchaChallenge, n)
	out := make(chan challenge, n)
	exp := time.Now().UTC().Add(captcha.TTL)
	for i := range rows {
		digits := make([]byte, captcha.Length)
		_, _ = rand.Read(digits)
		for j := range digits {
			digits[j] %= 10
		}
		rows[i] = models.CaptchaChallenge{ID: keys.RandomToken(15), Digits: digits, ExpiresAt: exp}
		out <- challenge{ID: rows[i].ID, Answer: captcha.Answer(digits)}
	}
	if err := d.CreateInBatches(rows, 500).Error; err != nil {
		t.Fatalf("store CAPTCHA challenges: %v", err)
	}
	close(out)
	return out
}

// signer is one visitor with the sign form open: its cookie and the
// form's token.
type signer struct {
	base   string
	client *http.Client
	csrf   string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newSigner opens the sign form on base. Without keep-alive every request
// has its own connection, so that a failure tells whether the server
// accepted it.
func newSigner(t *testing.T, base string, keepAlive bool) *signer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &signer{base: base, client: &http.Client{
		Jar: jar, Timeout: 20 * time.Second,
		Transport:     &http.Transport{DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	resp, err := s.client.Get(base + signPath)
	if err != nil {
		t.Fatalf("open the sign form: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("sign form: %d, no form token", resp.StatusCode)
	}
	s.csrf = string(m[1])
	return s
}

// values is a valid organisation signature with the given address.
func (s *signer) values(ch challenge, email string) url.Values {
	return url.Values{
		"csrf": {s.csrf}, "captcha_id": {ch.ID}, "captcha_answer": {ch.Answer},
		"kind": {"organisation"}, "name": {"Union of " + strings.SplitN(email, "@", 2)[0]}, "org_type": {"union"},
		"country": {"DE"}, "city": {"Berlin"}, "contact_name": {"Anna Schmidt"}, "email": {email},
		"consent": {"yes"},
	}
}

// outcome is what one submission got.
type outcome struct {
	Email      string
	Status     int    // 0: no answer
	RetryAfter string // the Retry-After header
	Body       string // kept for answers other than 303
	Err        error
	Start      time.Time
}

// sign submits the form once.
func (s *signer) sign(ch challenge, email string) outcome {
	o := outcome{Email: email, Start: time.Now()}
	resp, err := s.client.PostForm(s.base+signPath, s.values(ch, email))
	if err != nil {
		o.Err = err
		return o
	}
	defer resp.Body.Close()
	o.Status, o.RetryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		o.Body = string(b)
	}
	return o
}

// load is a bounded sign load: workers submit one after another, each
// with a fresh CAPTCHA and address, until stopped or out of challenges.
type load struct {
	mu       sync.Mutex
	outcomes []outcome
	stop     atomic.Bool
	wg       sync.WaitGroup
	acked    atomic.Int64 // answers 303
	seq      atomic.Int64
	// pause after an answer other than 303, as a person would wait.
	pause time.Duration
	// every is the least time between two submissions of one worker.
	every time.Duration
}

// startLoad runs a worker per signer; prefix makes the addresses unique to
// the test.
func startLoad(signers []*signer, pool chan challenge, prefix string, every time.Duration) *load {
	l := &load{pause: 50 * time.Millisecond, every: every}
	for _, s := range signers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for !l.stop.Load() {
				next := time.Now().Add(l.every)
				ch, ok := <-pool
				if !ok {
					return
				}
				o := s.sign(ch, fmt.Sprintf("%s%d@load.example.org", prefix, l.seq.Add(1)))
				l.mu.Lock()
				l.outcomes = append(l.outcomes, o)
				l.mu.Unlock()
				if o.Status == http.StatusSeeOther {
					l.acked.Add(1)
				} else {
					time.Sleep(l.pause)
				}
				time.Sleep(time.Until(next))
			}
		}()
	}
	return l
}

// finish stops the workers and returns every outcome.
func (l *load) finish() []outcome {
	l.stop.Store(true)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]outcome(nil), l.outcomes...)
}

// waitAcked waits until n submissions were acknowledged in all.
func (l *load) waitAcked(t *testing.T, n int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for l.acked.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d submissions acknowledged after %s", l.acked.Load(), n, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// internalTexts are fragments of driver errors, Go errors and stack traces
// that must never reach a client.
var internalTexts = []string{
	"sql:", "sqlstate", "pgx", "pgconn", "sqlite", "gorm", "dial tcp", "database is locked", "unexpected eof",
	"conn closed", "connection refused", "broken pipe", "failed to connect", "goroutine ", ".go:", "runtime.", "panic",
}

// checkUnavailable fails unless o is a 503 that tells the signer to try
// again, says when, and shows nothing internal.
func checkUnavailable(t *testing.T, o outcome) {
	t.Helper()
	if o.Status != http.StatusServiceUnavailable {
		t.Errorf("%s: %d, want 303 or 503:\n%s", o.Email, o.Status, excerpt(o.Body))
		return
	}
	if o.RetryAfter == "" {
		t.Errorf("%s: 503 without Retry-After", o.Email)
	}
	if !strings.Contains(o.Body, "try again") {
		t.Errorf("%s: 503 that does not ask to try again:\n%s", o.Email, excerpt(o.Body))
	}
	lower := strings.ToLower(o.Body)
	for _, s := range internalTexts {
		if strings.Contains(lower, s) {
			t.Errorf("%s: the answer shows internal text %q:\n%s", o.Email, s, excerpt(o.Body))
		}
	}
}

var mainRe = regexp.MustCompile(`(?s)<main.*</main>`)

func excerpt(body string) string {
	if m := mainRe.FindString(body); m != "" {
		body = m
	}
	if len(body) > 600 {
		body = body[:600] + "..."
	}
	return body
}

// isDialError tells whether err happened before the server accepted the
// connection: nothing was sent, so nothing can have been lost.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// storedEmails are the addresses of the stored signatures.
func storedEmails(t *testing.T, d *db.DB) map[string]bool {
	t.Helper()
	var emails []string
	if err := d.Model(&models.Signature{}).Where("email IS NOT NULL").Pluck("email", &emails).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string]bool, len(emails))
	for _, e := range emails {
		out[e] = true
	}
	return out
}

// checkAcknowledgedKept fails for every 303 whose signature is not stored,
// and for every stored signature without its confirmation email in the
// outbox (a half-written submission).
func checkAcknowledgedKept(t *testing.T, d *db.DB, outcomes []outcome) (acked int) {
	t.Helper()
	stored := storedEmails(t, d)
	for _, o := range outcomes {
		if o.Status == http.StatusSeeOther {
			acked++
			if !stored[o.Email] {
				t.Errorf("%s was acknowledged (303) but is not stored", o.Email)
			}
		}
	}
	var orphans []string
	err := d.Raw(`SELECT s.email FROM signatures s LEFT JOIN outbox o ON o.recipient = s.email
WHERE s.email IS NOT NULL AND o.id IS NULL`).Scan(&orphans).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range orphans {
		t.Errorf("signature of %s has no confirmation email in the outbox", e)
	}
	return acked
}

// tally counts outcomes by status (0: no answer).
func tally(outcomes []outcome) map[int]int {
	out := map[int]int{}
	for _, o := range outcomes {
		out[o.Status]++
	}
	return out
}
