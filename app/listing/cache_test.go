package listing

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

func newTestCache() (*Cache, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := NewCache(10 * time.Second)
	c.now = clock.now
	return c, clock
}

func counter(id int64, n *atomic.Int32) Builder {
	return func() (int64, *Entry, error) {
		v := n.Add(1)
		return id, &Entry{Value: v}, nil
	}
}

func TestCacheKeepsAnswersForTheirTTL(t *testing.T) {
	c, clock := newTestCache()
	var builds atomic.Int32
	for range 3 {
		if _, err := c.Fill("s", "k", counter(1, &builds)); err != nil {
			t.Fatal(err)
		}
	}
	if builds.Load() != 1 {
		t.Fatalf("built %d times within the TTL, want 1", builds.Load())
	}
	clock.t = clock.t.Add(11 * time.Second)
	e, _ := c.Fill("s", "k", counter(1, &builds))
	if builds.Load() != 2 || e.Value.(int32) != 2 {
		t.Fatalf("after the TTL: %d builds, value %v", builds.Load(), e.Value)
	}
}

func TestCacheDropForgetsOneStatementAndTheSharedAnswers(t *testing.T) {
	c, _ := newTestCache()
	var a, b, all atomic.Int32
	c.Fill("a", "k", counter(1, &a))
	c.Fill("b", "k", counter(2, &b))
	c.Fill("", "statements", counter(0, &all))
	c.Drop(1)
	c.Fill("a", "k", counter(1, &a))
	c.Fill("b", "k", counter(2, &b))
	c.Fill("", "statements", counter(0, &all))
	if a.Load() != 2 || b.Load() != 1 || all.Load() != 2 {
		t.Errorf("builds after Drop(1): a=%d b=%d shared=%d; want 2 1 2", a.Load(), b.Load(), all.Load())
	}
}

// blockingBuild returns a builder whose first build waits for release.
func blockingBuild(builds *atomic.Int32, started, release chan struct{}) Builder {
	return func() (int64, *Entry, error) {
		if builds.Add(1) == 1 {
			close(started)
			<-release
		}
		return 1, &Entry{Value: "v"}, nil
	}
}

func TestCacheSharesOneBuild(t *testing.T) {
	c, _ := newTestCache()
	started, release := make(chan struct{}), make(chan struct{})
	var builds atomic.Int32
	build := blockingBuild(&builds, started, release)
	var wg sync.WaitGroup
	fill := func() {
		defer wg.Done()
		if e, err := c.Fill("s", "k", build); err != nil || e.Value != "v" {
			t.Error("a request did not get the shared answer")
		}
	}
	wg.Add(1)
	go fill()
	<-started
	for range 9 {
		wg.Add(1)
		go fill()
	}
	close(release)
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("10 concurrent requests built %d times, want 1", builds.Load())
	}
}

func TestCacheKeepsNoAnswerBuiltBeforeAChange(t *testing.T) {
	c, _ := newTestCache()
	started, release := make(chan struct{}), make(chan struct{})
	var builds atomic.Int32
	build := blockingBuild(&builds, started, release)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if e, err := c.Fill("s", "k", build); err != nil || e.Value != "v" {
			t.Error("the request that built the answer did not get it")
		}
	}()
	<-started
	c.Drop(1) // a moderator acts while the answer is being built
	close(release)
	<-done
	c.Fill("s", "k", build)
	if builds.Load() != 2 {
		t.Error("an answer built before the change was kept after it")
	}
}

func TestCacheKeepsNoErrorAndNoUnknownSlug(t *testing.T) {
	c, _ := newTestCache()
	boom := errors.New("boom")
	for range 2 {
		if _, err := c.Fill("nope", "k", func() (int64, *Entry, error) { return 0, nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("error not returned: %v", err)
		}
	}
	if len(c.buckets) != 0 {
		t.Errorf("an unknown slug left %d buckets", len(c.buckets))
	}
}

func TestCacheIsBounded(t *testing.T) {
	c, _ := newTestCache()
	c.maxPerKey = 3
	var n atomic.Int32
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		c.Fill("s", k, counter(1, &n))
	}
	if len(c.buckets["s"].items) != 3 {
		t.Errorf("%d items kept, want the bound 3", len(c.buckets["s"].items))
	}
}

// A bucket full of varied queries still keeps the statement's counts and
// daily figures, which every page reads.
func TestAggregatesStayWhenTheBucketIsFull(t *testing.T) {
	c := NewCache(time.Minute)
	c.maxPerKey = 3
	for i := range 5 {
		_, _ = c.Fill("s", "data:page:"+strconv.Itoa(i), func() (int64, *Entry, error) { return 1, &Entry{}, nil })
	}
	builds := 0
	for range 3 {
		for _, key := range []string{"data:counts", "data:daily:30"} {
			_, _ = c.Fill("s", key, func() (int64, *Entry, error) { builds++; return 1, &Entry{}, nil })
		}
	}
	if builds != 2 {
		t.Errorf("aggregates built %d times, want once each", builds)
	}
}

// A flood of distinct queries cannot switch the cache off: a page asked
// again after it is kept again.
func TestAHotPageIsKeptAfterAFloodOfQueries(t *testing.T) {
	c := NewCache(time.Minute)
	c.maxPerKey = 3
	for i := range 10 {
		_, _ = c.Fill("s", "flood:"+strconv.Itoa(i), func() (int64, *Entry, error) { return 1, &Entry{}, nil })
	}
	builds := 0
	for range 3 {
		_, _ = c.Fill("s", "embed", func() (int64, *Entry, error) { builds++; return 1, &Entry{}, nil })
	}
	if builds != 1 {
		t.Errorf("the page was built %d times, want once", builds)
	}
	if n := len(c.buckets["s"].items); n > 3 {
		t.Errorf("%d items kept, want at most 3", n)
	}
}
