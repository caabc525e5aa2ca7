package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/models"
)

// TestSignConfirmWithdrawThroughARealSMTPServer is the whole flow as a
// person lives it: the form, the email (from mailpit), the confirmation
// page, the button, and later the withdrawal.
func TestSignConfirmWithdrawThroughARealSMTPServer(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		mp := apptest.StartMailpit(t)
		srv := apptest.StartServer(t, d, func(c *config.Config) {
			c.SMTPURL = mp.SMTPURL
			c.MailFrom = "Statement <noreply@undersign.test>"
		})
		c := apptest.NewClient(t, srv.Web.App())
		f := openSignForm(t, c, d, "/s/"+signSlug)
		if r := c.PostForm(signPath, orgValues(f, "olena@example.org")); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d\n%s", r.StatusCode, errorLines(r.Body))
		}
		msgs := mp.WaitForMessages(t, 1) // the serve worker delivers it
		if len(msgs) != 1 {
			t.Fatalf("%d emails received, want 1", len(msgs))
		}
		m := msgs[0]
		if m.To[0].Address != "olena@example.org" || m.From.Address != "noreply@undersign.test" ||
			!strings.Contains(m.Subject, "confirm your signature") {
			t.Errorf("email: to %v from %v subject %q", m.To, m.From, m.Subject)
		}
		link := regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/confirm/([A-Za-z0-9_-]{43})`).FindStringSubmatch(m.Text)
		if link == nil || !strings.Contains(m.Text, srv.URL+"/withdraw/"+link[1]) || !strings.Contains(m.HTML, srv.URL+"/confirm/"+link[1]) {
			t.Fatalf("no confirmation and withdrawal links from the base URL in the email:\n%s", m.Text)
		}
		token := link[1]
		assertNoRawToken(t, d, token)

		page := c.Get("/confirm/" + token)
		if page.StatusCode != 200 || !strings.Contains(page.Body, "Спілка працівників освіти") ||
			!strings.Contains(page.Body, "Confirm my signature") || !strings.Contains(page.Body, "Ukraine") {
			t.Fatalf("confirmation page: %d", page.StatusCode)
		}
		if s := signatures(t, d)[0]; s.Status != models.StatusUnconfirmed {
			t.Fatalf("GET changed the status to %s; link scanners must not confirm", s.Status)
		}
		csrf := csrfRe.FindStringSubmatch(page.Body)[1]
		for range 2 { // confirming twice shows the same result
			r := c.PostForm("/confirm/"+token, url.Values{"csrf": {csrf}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/confirm/"+token {
				t.Fatalf("confirm: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			if done := c.Get("/confirm/" + token); !strings.Contains(done.Body, "your signature is confirmed") {
				t.Fatalf("after confirming: %d", done.StatusCode)
			}
		}
		s := signatures(t, d)[0]
		if s.Status != models.StatusPending || s.ConfirmedAt == nil || s.ConfirmIPHMAC == nil || s.Version != 2 {
			t.Errorf("confirmed signature: status=%s confirmed_at=%v confirm_ip=%v version=%d", s.Status, s.ConfirmedAt, s.ConfirmIPHMAC, s.Version)
		}

		wpage := c.Get("/withdraw/" + token)
		if wpage.StatusCode != 200 || !strings.Contains(wpage.Body, "Withdraw my signature") {
			t.Fatalf("withdrawal page: %d", wpage.StatusCode)
		}
		if r := c.PostForm("/withdraw/"+token, url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", r.StatusCode)
		}
		if done := c.Get("/withdraw/" + token); !strings.Contains(done.Body, "Your signature is withdrawn") {
			t.Errorf("after withdrawing: %d", done.StatusCode)
		}
		s = signatures(t, d)[0]
		if s.Status != models.StatusWithdrawn || s.Email != nil || s.ContactName != nil || s.IPHMAC != nil ||
			s.ConfirmIPHMAC != nil || s.UserAgent != "" || s.WithdrawnAt == nil || s.Name != "Спілка працівників освіти" {
			t.Errorf("withdrawn signature keeps personal data or lost its record: %+v", s)
		}
		// The worker marks the row sent just after mailpit has the message.
		var outbox []models.OutboxMessage
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			outbox = nil
			d.Find(&outbox)
			if len(outbox) == 1 && outbox[0].Status == models.OutboxSent || time.Now().After(deadline) {
				break
			}
		}
		if len(outbox) != 1 || outbox[0].Status != models.OutboxSent || outbox[0].Payload != nil {
			t.Errorf("outbox after delivery: %d rows, status %s, payload erased %v", len(outbox), outbox[0].Status, outbox[0].Payload == nil)
		}
	})
}

// assertNoRawToken looks for the token in every text and blob column of
// every table.
func assertNoRawToken(t *testing.T, d *db.DB, token string) {
	t.Helper()
	for col, values := range allStoredText(t, d) {
		for _, v := range values {
			if strings.Contains(v, token) {
				t.Errorf("raw token stored in %s", col)
			}
		}
	}
}

func TestMailWaitsInTheOutboxWhileSMTPIsDown(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		mp := apptest.StartMailpit(t)
		mp.Stop()
		in := signInstance(t, d, func(c *config.Config) { c.SMTPURL = mp.SMTPURL })
		c := apptest.NewClient(t, in.Web.App())
		f := openSignForm(t, c, d, signPath)
		if r := c.PostForm(signPath, orgValues(f, "patient@example.org")); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign while SMTP is down: %d", r.StatusCode)
		}
		sender, err := mail.NewSender(in.Config, in.Log)
		if err != nil {
			t.Fatal(err)
		}
		w := mail.NewWorker(in.Store, in.Keys, sender, nil, in.Log)
		now := time.Now().UTC()
		w.Now = func() time.Time { return now }
		if n, err := w.SendDue(context.Background()); n != 1 || err != nil {
			t.Fatalf("SendDue: %d %v", n, err)
		}
		var m models.OutboxMessage
		d.Take(&m)
		if m.Status != models.OutboxPending || m.Attempts != 1 || m.LastError == "" || m.Payload == nil || !m.NextAttemptAt.After(now) {
			t.Fatalf("outbox while SMTP is down: %+v", m)
		}
		if n := countRows(t, d, &models.Signature{}); n != 1 {
			t.Fatalf("%d signatures stored", n)
		}
		mp.Start(t)
		now = m.NextAttemptAt
		if n, err := w.SendDue(context.Background()); n != 1 || err != nil {
			t.Fatalf("SendDue once SMTP is back: %d %v", n, err)
		}
		if msgs := mp.WaitForMessages(t, 1); len(msgs) != 1 || msgs[0].To[0].Address != "patient@example.org" {
			t.Fatalf("delivered: %d messages", len(msgs))
		}
		d.Take(&m)
		if m.Status != models.OutboxSent || m.Payload != nil {
			t.Errorf("outbox after delivery: status %s, payload %d bytes", m.Status, len(m.Payload))
		}
	})
}

func TestExpiredAndUnknownConfirmationLinks(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		if r := c.Get("/confirm/" + strings.Repeat("A", 43)); r.StatusCode != 404 {
			t.Errorf("unknown token: %d", r.StatusCode)
		}
		if r := c.Get("/confirm/short"); r.StatusCode != 404 {
			t.Errorf("malformed token: %d", r.StatusCode)
		}
		f := openSignForm(t, c, d, signPath)
		c.PostForm(signPath, orgValues(f, "late@example.org"))
		token := confirmToken(t, in)
		past := time.Now().UTC().Add(-time.Hour)
		d.Model(&models.Signature{}).Where("1 = 1").Updates(map[string]any{
			"token_expires_at": past, "last_sent_at": past.Add(-7 * 24 * time.Hour)})
		page := c.Get("/confirm/" + token)
		if page.StatusCode != http.StatusGone || !strings.Contains(page.Body, "Send me a new link") {
			t.Fatalf("expired link: %d", page.StatusCode)
		}
		csrf := csrfRe.FindStringSubmatch(page.Body)[1]
		if r := c.PostForm("/confirm/"+token, url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST on an expired link: %d", r.StatusCode)
		}
		if s := signatures(t, d)[0]; s.Status != models.StatusUnconfirmed {
			t.Fatalf("an expired link confirmed: %s", s.Status)
		}
		r := c.PostForm("/confirm/"+token+"/renew", url.Values{"csrf": {csrf}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/s/"+signSlug+"/inbox" {
			t.Fatalf("renew: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		fresh := confirmToken(t, in)
		if fresh == token || countRows(t, d, &models.OutboxMessage{}) != 2 {
			t.Fatal("no new link was sent")
		}
		if r := c.Get("/confirm/" + token); r.StatusCode != 404 {
			t.Errorf("the replaced link still answers: %d", r.StatusCode)
		}
		if r := c.Get("/confirm/" + fresh); r.StatusCode != 200 || !strings.Contains(r.Body, "Confirm my signature") {
			t.Errorf("new link: %d", r.StatusCode)
		}
	})
}

func TestUnmoderatedStatementPublishesOnConfirmation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		ctx := context.Background()
		st, _ := in.Store.StatementBySlug(ctx, signSlug)
		st.RequiresModeration, st.AcceptsIndividuals = false, true
		if _, err := in.Store.SaveStatement(ctx, st); err != nil {
			t.Fatal(err)
		}
		var changed atomic.Int32
		in.Events.OnSignaturesChanged(func(id int64) {
			if id == st.ID {
				changed.Add(1)
			}
		})
		c := apptest.NewClient(t, in.Web.App())
		f := openSignForm(t, c, d, signPath)
		v := url.Values{"csrf": {f.CSRF}, "captcha_id": {f.CaptchaID}, "captcha_answer": {f.Answer}, "kind": {"individual"},
			"name": {"Li Wei"}, "country": {"CN"}, "email": {"li@gmail.com"}, "affiliation": {"Teachers' union"},
			"website": {"https://gmail.com"}, "consent": {"on"}}
		if r := c.PostForm(signPath, v); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("individual signs: %d\n%s", r.StatusCode, errorLines(r.Body))
		}
		s := signatures(t, d)[0]
		if s.Kind != models.KindIndividual || s.Website != "" || s.Affiliation != "Teachers' union" || s.DomainVerified {
			t.Errorf("individual signature: %+v", s)
		}
		token := confirmToken(t, in)
		c.PostForm("/confirm/"+token, url.Values{"csrf": {pageCSRF(t, c, "/confirm/"+token)}})
		if r := c.Get("/confirm/" + token); !strings.Contains(r.Body, "your signature is published") {
			t.Errorf("result page: %d", r.StatusCode)
		}
		if _, total, _ := in.Store.ApprovedCounts(ctx, st.ID); total != 1 || changed.Load() != 1 {
			t.Errorf("after confirming: %d approved, %d notices; want 1 and 1", total, changed.Load())
		}
		c.PostForm("/withdraw/"+token, url.Values{"csrf": {pageCSRF(t, c, "/withdraw/"+token)}})
		if _, total, _ := in.Store.ApprovedCounts(ctx, st.ID); total != 0 || changed.Load() != 2 {
			t.Errorf("after withdrawing: %d approved, %d notices; want 0 and 2", total, changed.Load())
		}
	})
}
