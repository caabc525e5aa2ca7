// Package ratelimit owns undersign's fixed-window rate limits. Counters
// live in the database (table rate_counters), so every instance behind a
// load balancer shares them; one upsert per check counts and reads.
//
// Use it from any domain:
//
//	ok, retry, err := limiter.Allow(ctx, "login:ip:"+ipHMAC, config.Rate{Limit: 10, Window: 15 * time.Minute})
//
// Keys are namespaced by the caller ("sign:ip:", "captcha:ip:", "login:...")
// and must not contain raw personal data: pass HMACs (keys.Ring.MAC).
// A worker (Cleanup) removes counters of past windows.
package ratelimit

import (
	"context"
	"time"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/store"
)

// Store is what the limiter needs from the database.
type Store interface {
	HitRates(ctx context.Context, hits []store.RateHit) (map[string]int, error)
	DeleteExpiredRates(ctx context.Context, now time.Time) (int64, error)
}

// Limiter checks events against database-backed fixed windows.
type Limiter struct {
	store Store
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// New returns a limiter over st.
func New(st Store) *Limiter {
	return &Limiter{store: st, Now: func() time.Time { return time.Now().UTC() }}
}

// With returns a limiter that counts through st, such as a transaction's
// store, so that the counts commit with the caller's writes.
func (l *Limiter) With(st Store) *Limiter {
	return &Limiter{store: st, Now: l.Now}
}

// Check is one limit to count an event against.
type Check struct {
	Key  string
	Rate config.Rate
}

// Allow counts one event under key and tells whether it is within r. When
// it is not, retryAfter says when the current window ends. Events over the
// limit still count, so hammering does not shorten the wait.
func (l *Limiter) Allow(ctx context.Context, key string, r config.Rate) (allowed bool, retryAfter time.Duration, err error) {
	return l.AllowAll(ctx, Check{Key: key, Rate: r})
}

// AllowAll counts one event against every check in one database round trip
// and allows it only when every check does; retryAfter is the longest wait
// among the checks that refused. Checks with the same key count once.
func (l *Limiter) AllowAll(ctx context.Context, checks ...Check) (allowed bool, retryAfter time.Duration, err error) {
	now := l.Now()
	hits := make([]store.RateHit, 0, len(checks))
	ends := make(map[string]time.Time, len(checks))
	for _, c := range checks {
		if _, dup := ends[c.Key]; dup || c.Rate.Window <= 0 {
			continue
		}
		start := now.Truncate(c.Rate.Window)
		ends[c.Key] = start.Add(c.Rate.Window)
		hits = append(hits, store.RateHit{Key: c.Key, WindowStart: start, ExpiresAt: start.Add(c.Rate.Window)})
	}
	counts, err := l.store.HitRates(ctx, hits)
	if err != nil {
		return false, 0, err
	}
	allowed = true
	for _, c := range checks {
		if c.Rate.Window <= 0 || counts[c.Key] <= c.Rate.Limit {
			continue
		}
		allowed = false
		if wait := ends[c.Key].Sub(now); wait > retryAfter {
			retryAfter = wait
		}
	}
	return allowed, retryAfter, nil
}

// Cleanup deletes the counters of windows that have ended.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	return l.store.DeleteExpiredRates(ctx, l.Now())
}
