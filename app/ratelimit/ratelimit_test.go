package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func TestLimitIsSharedAndExact(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Two limiters stand for two instances on one database.
		a, b := ratelimit.New(store.New(d)), ratelimit.New(store.New(d))
		rate := config.Rate{Limit: 5, Window: time.Hour}
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := a
				if i%2 == 1 {
					l = b
				}
				ok, _, err := l.Allow(ctx, "test:ip:x", rate)
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if allowed.Load() != 5 {
			t.Errorf("20 concurrent hits on a limit of 5: %d allowed", allowed.Load())
		}
		ok, retry, err := a.Allow(ctx, "test:ip:x", rate)
		if err != nil || ok || retry <= 0 || retry > time.Hour {
			t.Errorf("over the limit: allowed=%v retryAfter=%v err=%v", ok, retry, err)
		}
		if ok, _, _ := a.Allow(ctx, "test:ip:other", rate); !ok {
			t.Error("another key shares the counter")
		}
	})
}

func TestAllowAllRefusesWhenAnyCheckDoes(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := ratelimit.New(store.New(d))
		strict := ratelimit.Check{Key: "strict", Rate: config.Rate{Limit: 1, Window: 10 * time.Minute}}
		loose := ratelimit.Check{Key: "loose", Rate: config.Rate{Limit: 100, Window: time.Hour}}
		if ok, _, err := l.AllowAll(ctx, strict, loose); !ok || err != nil {
			t.Fatalf("first event: allowed=%v err=%v", ok, err)
		}
		ok, retry, err := l.AllowAll(ctx, strict, loose)
		if ok || err != nil || retry > 10*time.Minute {
			t.Errorf("second event: allowed=%v retry=%v err=%v; want refused by the 10-minute check", ok, retry, err)
		}
	})
}

func TestWindowsEndAndAreCleanedUp(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := ratelimit.New(store.New(d))
		now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		l.Now = func() time.Time { return now }
		rate := config.Rate{Limit: 1, Window: time.Minute}
		l.Allow(ctx, "k", rate)
		if ok, _, _ := l.Allow(ctx, "k", rate); ok {
			t.Fatal("second event in the window allowed")
		}
		now = now.Add(time.Minute)
		if ok, _, _ := l.Allow(ctx, "k", rate); !ok {
			t.Fatal("first event of the next window refused")
		}
		now = now.Add(time.Hour)
		n, err := l.Cleanup(ctx)
		if err != nil || n != 2 {
			t.Fatalf("cleanup removed %d counters, err %v; want 2", n, err)
		}
		var left int64
		d.Model(&models.RateCounter{}).Count(&left)
		if left != 0 {
			t.Errorf("%d counters left", left)
		}
	})
}
