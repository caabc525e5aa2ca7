package moderation

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"time"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
)

// digestSetting keeps when the last digest covered signatures up to, in
// RFC 3339; instances race for it with a compare-and-swap, so one digest
// goes out per interval however many instances run.
const digestSetting = "moderation_digest_at"

// DigestMail is the data of the moderators' digest.
type DigestMail struct {
	Since      time.Time
	Statements []DigestLine
	Total      int64
	QueueURL   string
}

// DigestLine is one statement's new pending signatures.
type DigestLine struct {
	Title string
	N     int64
	URL   string
}

// SendDigest emails every active moderator and admin how many signatures
// arrived for moderation since the last digest, if at least interval has
// passed and any arrived. It reports whether it sent one.
func (m *Service) SendDigest(ctx context.Context, interval time.Duration) (bool, error) {
	now := m.now()
	last, err := m.store.Setting(ctx, digestSetting)
	if errors.Is(err, db.ErrNotFound) {
		// First run: start counting from now rather than mailing the
		// whole history.
		_, err = m.store.SwapSetting(ctx, digestSetting, "", now.Format(time.RFC3339Nano))
		return false, err
	}
	if err != nil {
		return false, err
	}
	since, err := time.Parse(time.RFC3339Nano, last)
	if err != nil {
		since = now.Add(-interval)
	}
	if now.Sub(since) < interval {
		return false, nil
	}
	counts, err := m.store.CountPendingSince(ctx, since)
	if err != nil || len(counts) == 0 {
		return false, err
	}
	data, err := m.digestData(ctx, since, counts)
	if err != nil {
		return false, err
	}
	users, err := m.store.ActiveUsers(ctx)
	if err != nil {
		return false, err
	}
	sent := false
	err = m.store.Tx(ctx, func(tx *store.Store) error {
		won, err := tx.SwapSetting(ctx, digestSetting, last, now.Format(time.RFC3339Nano))
		if err != nil || !won {
			return err
		}
		for _, u := range users {
			if err := m.mail.Enqueue(ctx, tx, mail.Message{To: u.Email, Template: MailDigest, Data: data}); err != nil {
				return err
			}
		}
		sent = true
		return nil
	})
	return sent, err
}

func (m *Service) digestData(ctx context.Context, since time.Time, counts map[int64]int64) (DigestMail, error) {
	d := DigestMail{Since: since, QueueURL: m.baseURL + "/admin"}
	for id, n := range counts {
		st, err := m.store.StatementByID(ctx, id)
		if err != nil {
			return d, err
		}
		d.Statements = append(d.Statements, DigestLine{Title: st.Title, N: n,
			URL: m.baseURL + "/admin/s/" + st.Slug + "/signatures"})
		d.Total += n
	}
	sort.Slice(d.Statements, func(i, j int) bool { return d.Statements[i].Title < d.Statements[j].Title })
	return d, nil
}

// RunDigest sends digests until ctx ends, checking every minute or every
// interval when that is shorter.
func (m *Service) RunDigest(ctx context.Context, interval time.Duration, log *slog.Logger) {
	tick := min(time.Minute, interval)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if sent, err := m.SendDigest(ctx, interval); err != nil && ctx.Err() == nil {
			log.Error("moderation digest", "err", err)
		} else if sent {
			log.Info("moderation digest queued")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
