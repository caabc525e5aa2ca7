package store

import (
	"context"
	"strings"
	"time"

	"github.com/undersign/undersign/app/db"
)

// RateHit is one event counted against a fixed-window counter.
type RateHit struct {
	Key         string
	WindowStart time.Time
	ExpiresAt   time.Time
}

// HitRates counts one event on each counter, creating the counters that do
// not exist yet, and returns every counter's new value by key. It is one
// statement, so concurrent hits from several instances all count. Keys
// must be distinct.
func (s *Store) HitRates(ctx context.Context, hits []RateHit) (map[string]int, error) {
	if len(hits) == 0 {
		return map[string]int{}, nil
	}
	var sql strings.Builder
	sql.WriteString(`INSERT INTO rate_counters ("key", window_start, n, expires_at) VALUES `)
	args := make([]any, 0, 3*len(hits))
	for i, h := range hits {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, 1, ?)")
		args = append(args, h.Key, h.WindowStart.UTC(), h.ExpiresAt.UTC())
	}
	sql.WriteString(` ON CONFLICT ("key", window_start) DO UPDATE SET n = rate_counters.n + 1 RETURNING "key", n`)
	var rows []struct {
		Key string
		N   int
	}
	if err := s.conn(ctx).Raw(sql.String(), args...).Scan(&rows).Error; err != nil {
		return nil, db.Normalize(err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Key] = r.N
	}
	return out, nil
}

// DeleteExpiredRates removes the counters whose window ended before now.
func (s *Store) DeleteExpiredRates(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Exec("DELETE FROM rate_counters WHERE expires_at < ?", now.UTC())
	return res.RowsAffected, db.Normalize(res.Error)
}
