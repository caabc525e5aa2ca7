package faults

import (
	"net/http"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// TestSMTPDownDuringLoadThenEachEmailOnce takes signatures on two
// instances sharing one database while the SMTP server is down: signing
// is not affected, every confirmation email waits in the outbox, and once
// the server is back each is delivered exactly once, although both
// instances' mail workers send from the same outbox.
func TestSMTPDownDuringLoadThenEachEmailOnce(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) { testSMTPDown(t, dialect) })
	}
}

func testSMTPDown(t *testing.T, dialect db.Dialect) {
	mp := apptest.StartMailpit(t)
	mp.Stop() // down for the whole load; its port stays reserved for it
	dsn := apptest.NewDSN(t, dialect, true)
	d := apptest.OpenDB(t, dsn)
	smtp := "UNDERSIGN_SMTP_URL=" + mp.SMTPURL
	a := startServer(t, dsn, smtp)
	b := startServer(t, dsn, smtp)

	const perInstance = 30
	pool := challenges(t, d, 2*perInstance)
	l := startLoad([]*signer{newSigner(t, a.URL, true), newSigner(t, a.URL, true),
		newSigner(t, b.URL, true), newSigner(t, b.URL, true)}, pool, "mail"+string(dialect), 0)
	l.wg.Wait()
	outcomes := l.finish()
	emails := map[string]bool{}
	for _, o := range outcomes {
		if o.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d while SMTP is down, want 303: signing must not depend on mail\n%s", o.Email, o.Status, excerpt(o.Body))
		}
		emails[o.Email] = true
	}
	checkAcknowledgedKept(t, d, outcomes)

	// Both workers tried and failed while the server was down.
	waitFor(t, 15*time.Second, "every email tried once while SMTP is down", func() bool {
		var untried int64
		d.Model(&models.OutboxMessage{}).Where("attempts = 0").Count(&untried)
		return untried == 0
	})
	var sent int64
	d.Model(&models.OutboxMessage{}).Where("status <> ?", models.OutboxPending).Count(&sent)
	if sent != 0 {
		t.Fatalf("%d emails left the outbox while SMTP was down", sent)
	}

	mp.Start(t)
	// Let the retry time come at once for every message, so that both
	// workers reach for all of them together instead of in the order the
	// backoff spread them.
	if err := d.Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxPending).
		Update("next_attempt_at", time.Now().UTC().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "every email sent once SMTP is back", func() bool {
		var pending int64
		d.Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxPending).Count(&pending)
		return pending == 0
	})
	time.Sleep(2500 * time.Millisecond) // one more poll of both workers: nothing more may go out
	msgs := mp.WaitForMessages(t, len(emails))
	perRecipient := map[string]int{}
	for _, m := range msgs {
		for _, to := range m.To {
			perRecipient[to.Address]++
		}
	}
	for e := range emails {
		if n := perRecipient[e]; n != 1 {
			t.Errorf("%s received %d confirmation emails, want exactly 1", e, n)
		}
	}
	if len(msgs) != len(emails) {
		t.Errorf("mailpit holds %d messages for %d signatures", len(msgs), len(emails))
	}
	var failed int64
	d.Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxFailed).Count(&failed)
	if failed != 0 {
		t.Errorf("%d emails given up", failed)
	}
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
