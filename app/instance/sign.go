package instance

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/app/signing"
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
	challenges := captcha.New(in.Store, limiter, config.MustRate(in.Config.CaptchaRate))
	svc := signing.New(signing.Deps{Store: in.Store, Outbox: outbox, Captcha: challenges, Limiter: limiter,
		Events: in.Events, Log: in.Log,
		RateIP: config.MustRate(in.Config.SignRateIP), RateDomain: config.MustRate(in.Config.SignRateDomain)})
	cleanup := &signCleanup{log: in.Log.With("worker", "sign-cleanup"), mailer: mailer, limiter: limiter,
		captcha: challenges, signing: svc}
	in.workers = append(in.workers,
		Worker{Name: "mail", Run: mailer.Run},
		Worker{Name: "sign-cleanup", Run: cleanup.run},
	)
	return web.SignServices{Signing: svc, Captcha: challenges}, nil
}

// signCleanup deletes what has outlived its use: unconfirmed signatures,
// expired CAPTCHA challenges, counters of ended rate windows and
// delivered mail.
type signCleanup struct {
	log     interface{ Error(string, ...any) }
	mailer  *mail.Worker
	limiter *ratelimit.Limiter
	captcha *captcha.Challenges
	signing *signing.Service
}

// outboxKeep is how long the record of a delivered email stays.
const outboxKeep = 7 * 24 * time.Hour

func (w *signCleanup) run(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		w.once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *signCleanup) once(ctx context.Context) {
	for name, fn := range map[string]func(context.Context) (int64, error){
		"unconfirmed signatures": w.signing.Cleanup,
		"captcha challenges":     w.captcha.Cleanup,
		"rate counters":          w.limiter.Cleanup,
		"outbox":                 func(ctx context.Context) (int64, error) { return w.mailer.Cleanup(ctx, outboxKeep) },
	} {
		if _, err := fn(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("cleanup failed", "what", name, "err", err)
		}
	}
}
