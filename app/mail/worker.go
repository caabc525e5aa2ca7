package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
)

// Worker delivers the outbox. Every instance runs one; the database lease
// makes sure each message is sent by one of them only.
type Worker struct {
	Store  *store.Store
	Keys   *keys.Ring
	Sender Sender
	Log    *slog.Logger
	// Outbox, when set, lets Enqueue's Wake start a round at once.
	Outbox *Outbox

	Batch       int           // messages claimed per round
	Lease       time.Duration // how long a claimed message is reserved
	Poll        time.Duration // pause between rounds when the outbox is empty
	MaxAttempts int           // after this many failures a message is given up
	BaseBackoff time.Duration // wait after the first failure; doubles each time
	MaxBackoff  time.Duration
	Now         func() time.Time
}

// NewWorker returns a worker with undersign's defaults.
func NewWorker(st *store.Store, ring *keys.Ring, sender Sender, ob *Outbox, log *slog.Logger) *Worker {
	return &Worker{Store: st, Keys: ring, Sender: sender, Log: log, Outbox: ob,
		Batch: 50, Lease: 5 * time.Minute, Poll: 2 * time.Second, MaxAttempts: 15,
		BaseBackoff: 30 * time.Second, MaxBackoff: time.Hour,
		Now: func() time.Time { return time.Now().UTC() }}
}

// Run sends due messages until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	var wake chan struct{}
	if w.Outbox != nil {
		wake = w.Outbox.wake
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-wake:
		}
		n, err := w.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("mail worker", "err", err)
		}
		next := w.Poll
		if n == w.Batch && err == nil {
			next = 0 // more may be waiting
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}

// SendDue claims one batch of due messages and tries to send them. It
// returns how many it claimed.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	now := w.Now()
	claimed, err := w.Store.ClaimOutbox(ctx, now, now.Add(w.Lease), w.Batch)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	var ready []*Rendered
	var rows []store.ClaimedMessage
	for _, c := range claimed {
		r, err := w.open(c)
		if err != nil {
			// A payload this key cannot open will never be sendable.
			w.Log.Error("mail payload unreadable", "outbox_id", c.ID, "err", err)
			if err := w.Store.MarkOutboxFailed(ctx, c.ID, "payload unreadable: "+err.Error()); err != nil {
				return len(claimed), err
			}
			continue
		}
		ready = append(ready, r)
		rows = append(rows, c)
	}
	sendCtx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	errs := w.Sender.Send(sendCtx, ready)
	var sent []int64
	for i, c := range rows {
		if errs[i] == nil {
			w.Log.Debug("mail sent", "outbox_id", c.ID, "kind", c.Kind)
			sent = append(sent, c.ID)
			continue
		}
		if err := w.recordFailure(ctx, c, errs[i]); err != nil {
			return len(claimed), err
		}
	}
	// One statement marks the whole batch sent.
	return len(claimed), w.Store.MarkOutboxSentMany(ctx, sent, w.Now())
}

func (w *Worker) open(c store.ClaimedMessage) (*Rendered, error) {
	plain, err := w.Keys.Open(c.Payload)
	if err != nil {
		return nil, err
	}
	var r Rendered
	if err := json.Unmarshal(plain, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (w *Worker) recordFailure(ctx context.Context, c store.ClaimedMessage, sendErr error) error {
	msg := truncate(sendErr.Error(), 500)
	if c.Attempts >= w.MaxAttempts {
		w.Log.Error("mail given up", "outbox_id", c.ID, "kind", c.Kind, "attempts", c.Attempts, "err", msg)
		return w.Store.MarkOutboxFailed(ctx, c.ID, msg)
	}
	next := w.Now().Add(w.backoff(c.Attempts))
	w.Log.Warn("mail not sent, will retry", "outbox_id", c.ID, "kind", c.Kind,
		"attempts", c.Attempts, "next_attempt", next, "err", msg)
	return w.Store.MarkOutboxRetry(ctx, c.ID, msg, next)
}

// backoff is the wait after the given number of failed attempts:
// BaseBackoff, doubling each time, at most MaxBackoff.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.BaseBackoff
	for i := 1; i < attempts && d < w.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.MaxBackoff)
}

// Cleanup deletes sent and given-up messages older than keep.
func (w *Worker) Cleanup(ctx context.Context, keep time.Duration) (int64, error) {
	n, err := w.Store.DeleteOldOutbox(ctx, w.Now().Add(-keep))
	if err != nil {
		return 0, fmt.Errorf("clean outbox: %w", err)
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
