package listing

import (
	"strings"
	"sync"
	"time"

	"github.com/undersign/undersign/app/events"
)

// Entry is one cached answer: data for a page template (Value), or a ready
// response (Body, with its ETag and Content-Type).
type Entry struct {
	Value       any
	Body        []byte
	ETag        string
	ContentType string
}

// Cache keeps the public list's answers for a short time, per statement.
// It is per process: other instances learn of a moderation decision only
// when their own entries expire, so TTL bounds how stale a list may be.
// Concurrent requests for the same missing key wait for one build instead
// of all hitting the database.
type Cache struct {
	ttl       time.Duration
	maxPerKey int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket // by statement slug
}

type bucket struct {
	statementID int64 // 0 until a build has named it
	gen         uint64
	items       map[string]*item
}

type item struct {
	done    chan struct{}
	entry   *Entry
	err     error
	expires time.Time
}

// DefaultTTL is how long an answer is kept. Short, because other instances
// do not hear this one's invalidations.
const DefaultTTL = 15 * time.Second

// maxItems bounds the answers kept per statement, so that varied queries
// (searches, cursors) cannot grow memory without limit.
const maxItems = 500

// NewCache returns a cache keeping answers for ttl.
func NewCache(ttl time.Duration) *Cache {
	return &Cache{ttl: ttl, maxPerKey: maxItems, now: time.Now, buckets: map[string]*bucket{}}
}

// Builder makes a missing answer and names the statement it belongs to.
type Builder func() (statementID int64, e *Entry, err error)

// Fill returns the fresh answer for (slug, key), building it once when it
// is missing or expired. Errors are returned, never kept.
func (c *Cache) Fill(slug, key string, build Builder) (*Entry, error) {
	c.mu.Lock()
	b := c.buckets[slug]
	if b == nil {
		b = &bucket{items: map[string]*item{}}
		c.buckets[slug] = b
	}
	if it := b.items[key]; it != nil && (it.expires.IsZero() || c.now().Before(it.expires)) {
		c.mu.Unlock()
		<-it.done
		return it.entry, it.err
	}
	it := &item{done: make(chan struct{})}
	// The few per-statement aggregates every page needs are always kept:
	// varied queries filling the bucket must not make every page rebuild
	// its counts and charts.
	if !aggregate(key) {
		c.makeRoom(b)
	}
	b.items[key] = it
	gen := b.gen
	c.mu.Unlock()

	id, e, err := build()

	c.mu.Lock()
	it.entry, it.err = e, err
	if id != 0 {
		b.statementID = id
	}
	// An invalidation during the build means the answer may predate the
	// change: hand it to the requests that waited, keep it not.
	if err != nil || b.gen != gen {
		if b.items[key] == it {
			delete(b.items, key)
		}
	} else {
		it.expires = c.now().Add(c.ttl)
	}
	if len(b.items) == 0 && b.statementID == 0 && c.buckets[slug] == b {
		delete(c.buckets, slug) // an unknown slug leaves nothing behind
	}
	close(it.done)
	c.mu.Unlock()
	return e, err
}

// aggregate tells the keys of the few per-statement answers every page
// needs (counts, daily figures): they are always kept, so that varied
// queries filling the bucket never make every page rebuild them.
func aggregate(key string) bool {
	return key == "data:counts" || strings.HasPrefix(key, "data:daily:")
}

// makeRoom makes room for one more item in a full bucket by dropping one
// other item at random (map order), expired or not: an expired item is
// rebuilt when asked for anyway. A flood of distinct queries then only
// evicts at random, and a page asked for often is kept again at its next
// request; refusing to keep new answers instead let such a flood switch
// the cache off for every page. Sweeping the expired items on every
// insert cost a tenth of an uncached list page's CPU.
func (c *Cache) makeRoom(b *bucket) {
	for k := range b.items {
		if len(b.items) < c.maxPerKey {
			return
		}
		if !aggregate(k) {
			delete(b.items, k)
		}
	}
}

// Drop forgets every answer about the statement, and the answers that span
// statements (kept under the empty slug); events.AllStatements forgets
// every answer.
func (c *Cache) Drop(statementID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for slug, b := range c.buckets {
		if statementID == events.AllStatements || b.statementID == statementID || b.statementID == 0 || slug == "" {
			b.gen++
			b.items = map[string]*item{}
		}
	}
}
