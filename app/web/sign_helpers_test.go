package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/models"
)

const (
	signSlug = "no-to-imperialist-invasion"
	signPath = "/s/" + signSlug + "/sign"
	signAPI  = "/api/v1/statements/" + signSlug + "/signatures"
)

// signInstance is an instance whose rate limits stay out of the way unless
// edit sets them.
func signInstance(t *testing.T, d *db.DB, edit ...func(*config.Config)) *instance.Instance {
	t.Helper()
	return apptest.NewInstance(t, d, append([]func(*config.Config){func(c *config.Config) {
		c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "1000/10m", "1000/1h", "1000/10m"
	}}, edit...)...)
}

var (
	csrfRe      = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	captchaIDRe = regexp.MustCompile(`name="captcha_id" value="([^"]+)"`)
	tokenRe     = regexp.MustCompile(`/confirm/([A-Za-z0-9_-]{43})`)
)

// signForm is a rendered sign form: its hidden fields and the answer to its
// CAPTCHA, read from the database as only a test may.
type signForm struct {
	CSRF, CaptchaID, Answer string
}

func openSignForm(t *testing.T, c *apptest.Client, d *db.DB, path string) signForm {
	t.Helper()
	resp := c.Get(path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return parseSignForm(t, c, d, resp.Body)
}

// parseSignForm reads the form's hidden fields and, after loading the
// CAPTCHA image as a browser does (the statement page only reserves the
// challenge), its answer from the database.
func parseSignForm(t *testing.T, c *apptest.Client, d *db.DB, body string) signForm {
	t.Helper()
	csrf, id := csrfRe.FindStringSubmatch(body), captchaIDRe.FindStringSubmatch(body)
	if csrf == nil || id == nil {
		t.Fatalf("no sign form with CSRF token and CAPTCHA on the page:\n%s", body)
	}
	if r := c.Get("/captcha/" + id[1] + ".png"); r.StatusCode != 200 {
		t.Fatalf("CAPTCHA image: %d", r.StatusCode)
	}
	return signForm{CSRF: csrf[1], CaptchaID: id[1], Answer: captchaAnswer(t, d, id[1])}
}

func captchaAnswer(t *testing.T, d *db.DB, id string) string {
	t.Helper()
	var ch models.CaptchaChallenge
	if err := d.Where("id = ?", id).Take(&ch).Error; err != nil {
		t.Fatalf("CAPTCHA %s: %v", id, err)
	}
	return captcha.Answer(ch.Digits)
}

// orgValues is a valid organisation signature for form f.
func orgValues(f signForm, email string) url.Values {
	return url.Values{
		"csrf": {f.CSRF}, "captcha_id": {f.CaptchaID}, "captcha_answer": {f.Answer},
		"kind": {"organisation"}, "name": {"Спілка працівників освіти"}, "org_type": {"union"},
		"website": {"www.example.org/about"}, "country": {"UA"}, "city": {"Kyiv"},
		"contact_name": {"Olena Petrenko"}, "contact_role": {"Secretary"}, "email": {email},
		"comment": {"Solidarity."}, "consent": {"yes"},
	}
}

func countRows(t *testing.T, d *db.DB, model any) int64 {
	t.Helper()
	var n int64
	if err := d.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func signatures(t *testing.T, d *db.DB) []models.Signature {
	t.Helper()
	var out []models.Signature
	if err := d.Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// confirmToken takes the confirmation token out of the queued email, as
// the recipient would find it in their inbox.
func confirmToken(t *testing.T, in *instance.Instance) string {
	t.Helper()
	msgs, err := in.Store.OutboxMessages(context.Background())
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no queued email: %v", err)
	}
	plain, err := in.Keys.Open(msgs[len(msgs)-1].Payload)
	if err != nil {
		t.Fatal(err)
	}
	m := tokenRe.FindStringSubmatch(string(plain))
	if m == nil {
		t.Fatalf("no confirmation link in the email: %s", plain)
	}
	return m[1]
}

// pageCSRF opens a page with a public form and returns its token.
func pageCSRF(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	resp := c.Get(path)
	m := csrfRe.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("GET %s: %d, no form token:\n%s", path, resp.StatusCode, resp.Body)
	}
	return m[1]
}
