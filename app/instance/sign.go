package instance

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/app/web"
)

// buildSign builds the services of the sign handlers and registers
// their background workers: the mail worker that delivers the outbox and
// the cleanup of expired rows.
func (in *Instance) buildSign(_ context.Context) (web.SignServices, error) {
	if err := mail.CheckTemplates("confirm"); err != nil {
		return web.SignServices{}, err
	}
	outbox := mail.NewOutbox(in.Config, in.Keys)
	sender, err := mail.NewSender(in.Config, in.Log)
	if err != nil {
		return web.SignServices{}, err
	}
	mailer := mail.NewWorker(in.Store, in.Keys, sender, outbox, in.Log)
	limiter := ratelimit.New(in.Store)
	in.workers = append(in.workers,
		Worker{Name: "mail", Run: mailer.Run},
		Worker{Name: "sign-cleanup", Run: func(ctx context.Context) {
			signEvery(ctx, 10*time.Minute, func(ctx context.Context) { in.cleanUp(ctx, mailer, limiter) })
		}},
	)
	return web.SignServices{}, nil
}

// cleanUp deletes what has outlived its use: counters of ended rate
// windows and delivered mail.
func (in *Instance) cleanUp(ctx context.Context, mailer *mail.Worker, limiter *ratelimit.Limiter) {
	if n, err := limiter.Cleanup(ctx); err != nil {
		in.Log.Error("clean rate counters", "err", err)
	} else if n > 0 {
		in.Log.Debug("cleaned rate counters", "deleted", n)
	}
	if n, err := mailer.Cleanup(ctx, 7*24*time.Hour); err != nil {
		in.Log.Error("clean outbox", "err", err)
	} else if n > 0 {
		in.Log.Debug("cleaned outbox", "deleted", n)
	}
}

// signEvery runs fn at once and then at each interval until ctx ends.
func signEvery(ctx context.Context, interval time.Duration, fn func(ctx context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
