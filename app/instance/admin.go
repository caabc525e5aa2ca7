package instance

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/web"
)

// buildAdmin builds the services of the admin handlers and registers
// their background workers: the moderators' digest and the cleanup of
// expired sessions and account tokens.
func (in *Instance) buildAdmin(_ context.Context) (web.AdminServices, error) {
	err := mail.CheckTemplates(auth.MailInvite, auth.MailReset, moderation.MailApproved, moderation.MailRejected,
		moderation.MailDigest)
	if err != nil {
		return web.AdminServices{}, err
	}
	// The outbox only writes rows; the mail worker started by buildSign
	// delivers them.
	outbox := mail.NewOutbox(in.Config, in.Keys)
	accounts := auth.New(in.Store, in.Keys, outbox, in.Config.BaseURL)
	mod := moderation.New(in.Store, outbox, in.Events, in.Config.BaseURL)
	log := in.Log.With("worker", "admin")
	in.workers = append(in.workers,
		Worker{Name: "moderation-digest", Run: func(ctx context.Context) {
			mod.RunDigest(ctx, in.Config.DigestInterval, log)
		}},
		Worker{Name: "session-cleanup", Run: func(ctx context.Context) {
			every(ctx, 10*time.Minute, func() {
				if err := accounts.Cleanup(ctx); err != nil && ctx.Err() == nil {
					log.Error("session cleanup", "err", err)
				}
			})
		}},
	)
	return web.AdminServices{Auth: accounts, Moderation: mod, Sessions: auth.NewSessionStorage(in.Store)}, nil
}

// every runs fn now and then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
