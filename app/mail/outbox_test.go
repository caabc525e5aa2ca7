package mail_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// recorder is a Sender that remembers what it sent, or fails while down.
type recorder struct {
	mu   sync.Mutex
	sent []*mail.Rendered
	down bool
}

func (r *recorder) Send(_ context.Context, msgs []*mail.Rendered) []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if r.down {
			errs[i] = errors.New("connection refused")
			continue
		}
		r.sent = append(r.sent, m)
	}
	return errs
}

type confirmData struct {
	Name, StatementTitle, ConfirmURL, WithdrawURL string
	ExpiresAt                                     time.Time
	Confirmed                                     bool
}

func setup(t *testing.T, d *db.DB) (*store.Store, *mail.Outbox, *keys.Ring) {
	ring, err := keys.New(apptest.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return store.New(d), mail.NewOutbox(apptest.Config(t, "unused"), ring), ring
}

func message(ob *mail.Outbox, token string) mail.Message {
	return mail.Message{To: "contact@example.org", Template: "confirm", Data: confirmData{
		Name: "Example Union", StatementTitle: "A statement", ExpiresAt: time.Now().Add(time.Hour),
		ConfirmURL: ob.Link("/confirm/" + token), WithdrawURL: ob.Link("/withdraw/" + token)}}
}

func TestEnqueueCommitsWithTheTransaction(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, ob, ring := setup(t, d)
		token := keys.RandomToken(32)
		rollback := errors.New("rolled back")
		err := st.Tx(ctx, func(tx *store.Store) error {
			if err := ob.Enqueue(ctx, tx, message(ob, token)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if msgs, _ := st.OutboxMessages(ctx); len(msgs) != 0 {
			t.Fatalf("a rolled-back transaction left %d messages", len(msgs))
		}
		err = st.Tx(ctx, func(tx *store.Store) error { return ob.Enqueue(ctx, tx, message(ob, token)) })
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := st.OutboxMessages(ctx)
		if len(msgs) != 1 || msgs[0].Status != models.OutboxPending {
			t.Fatalf("after commit: %+v", msgs)
		}
		if strings.Contains(string(msgs[0].Payload), token) {
			t.Error("the payload holds the raw token in clear")
		}
		w := mail.NewWorker(st, ring, &recorder{}, ob, apptest.Logger(t))
		rec := w.Sender.(*recorder)
		if n, err := w.SendDue(ctx); n != 1 || err != nil {
			t.Fatalf("SendDue: %d, %v", n, err)
		}
		if len(rec.sent) != 1 || !strings.Contains(rec.sent[0].Text, "http://undersign.test/confirm/"+token) ||
			!strings.Contains(rec.sent[0].HTML, "http://undersign.test/withdraw/"+token) ||
			!strings.Contains(rec.sent[0].Subject, "A statement") {
			t.Fatalf("sent: %+v", rec.sent)
		}
		msgs, _ = st.OutboxMessages(ctx)
		if msgs[0].Status != models.OutboxSent || msgs[0].Payload != nil || msgs[0].SentAt == nil {
			t.Errorf("after sending: status=%s payload=%d bytes sent_at=%v", msgs[0].Status, len(msgs[0].Payload), msgs[0].SentAt)
		}
		if n, _ := w.SendDue(ctx); n != 0 || len(rec.sent) != 1 {
			t.Error("a sent message was sent again")
		}
	})
}

func TestFailuresBackOffAndGiveUp(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, ob, ring := setup(t, d)
		if err := ob.Enqueue(ctx, st, message(ob, "t")); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{down: true}
		w := mail.NewWorker(st, ring, rec, ob, apptest.Logger(t))
		w.MaxAttempts = 3
		now := time.Now().UTC()
		w.Now = func() time.Time { return now }
		w.SendDue(ctx)
		m, _ := st.OutboxMessages(ctx)
		if m[0].Status != models.OutboxPending || m[0].Attempts != 1 || m[0].LastError != "connection refused" ||
			!m[0].NextAttemptAt.After(now) {
			t.Fatalf("after one failure: %+v", m[0])
		}
		if n, _ := w.SendDue(ctx); n != 0 {
			t.Fatal("retried before the backoff ended")
		}
		first := m[0].NextAttemptAt.Sub(now)
		now = m[0].NextAttemptAt
		w.SendDue(ctx)
		m, _ = st.OutboxMessages(ctx)
		if second := m[0].NextAttemptAt.Sub(now); second <= first {
			t.Errorf("backoff did not grow: %v then %v", first, second)
		}
		now = m[0].NextAttemptAt
		w.SendDue(ctx)
		m, _ = st.OutboxMessages(ctx)
		if m[0].Status != models.OutboxFailed || m[0].Payload != nil || m[0].Attempts != 3 {
			t.Errorf("after MaxAttempts failures: status=%s attempts=%d payload=%d bytes", m[0].Status, m[0].Attempts, len(m[0].Payload))
		}
	})
}

func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, ob, ring := setup(t, d)
		for range 40 {
			if err := ob.Enqueue(ctx, st, message(ob, keys.RandomToken(8))); err != nil {
				t.Fatal(err)
			}
		}
		rec := &recorder{}
		var wg sync.WaitGroup
		for range 4 {
			// Each worker has its own store, as separate instances would.
			w := mail.NewWorker(store.New(d), ring, rec, ob, apptest.Logger(t))
			w.Batch = 3
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.SendDue(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, m := range rec.sent {
			seen[m.Text]++
		}
		if len(rec.sent) != 40 || len(seen) != 40 {
			t.Errorf("4 workers sent %d messages, %d distinct; want 40 and 40", len(rec.sent), len(seen))
		}
	})
}
