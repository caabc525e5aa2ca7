package web

import (
	"bytes"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/models"
)

// The statement page is the most read page, and rendering it (the text,
// the sign form with its country list, the short list) costs about a
// millisecond of CPU. Each instance keeps the rendered page per statement,
// locale and query for a few seconds. The only per-visitor parts are the
// form's CAPTCHA id and CSRF token: the cached copy carries markers in
// their place, and every answer gets a fresh reserved id and the visitor's
// own token spliced in, so no two visitors share either.
const (
	statementCacheTTL  = 5 * time.Second
	statementCacheSize = 512
	captchaIDMarker    = "us-captcha-id-marker" // 20 characters, like an id
	csrfMarker         = "us-csrf-token-marker"
)

// statementEntry is a rendered page cut at its markers: chunks[0], the
// CAPTCHA id or token named by slots[0], chunks[1], and so on.
type statementEntry struct {
	chunks  [][]byte
	slots   []string // captchaIDMarker or csrfMarker, between chunks
	size    int
	expires time.Time
}

// statementCache keeps pages by slug, so that a hit reads no database.
type statementCache struct {
	mu      sync.Mutex
	entries map[string]map[string]*statementEntry // slug -> key -> page
	slugs   map[int64]string                      // statement id -> slug, for drop
	n       int
}

func newStatementCache() *statementCache {
	return &statementCache{entries: map[string]map[string]*statementEntry{}, slugs: map[int64]string{}}
}

func (sc *statementCache) get(slug, key string, now time.Time) *statementEntry {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e := sc.entries[slug][key]
	if e == nil || now.After(e.expires) {
		return nil
	}
	return e
}

func (sc *statementCache) put(id int64, slug, key string, e *statementEntry) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.n >= statementCacheSize {
		sc.entries, sc.n = map[string]map[string]*statementEntry{}, 0 // crude, and rare: start over
	}
	if sc.entries[slug] == nil {
		sc.entries[slug] = map[string]*statementEntry{}
	}
	if _, ok := sc.entries[slug][key]; !ok {
		sc.n++
	}
	sc.entries[slug][key] = e
	sc.slugs[id] = slug
}

// drop forgets a statement's pages, as when its signatures changed, or
// every page for events.AllStatements.
func (sc *statementCache) drop(id int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if id == events.AllStatements {
		sc.entries, sc.n = map[string]map[string]*statementEntry{}, 0
		return
	}
	slug := sc.slugs[id]
	sc.n -= len(sc.entries[slug])
	delete(sc.entries, slug)
}

// statementCacheKey names a statement page: the locale and the query
// (?text= picks a translation).
func statementCacheKey(c *fiber.Ctx, locale string) string {
	return locale + "?" + string(c.Request().URI().QueryString())
}

// storeStatementPage keeps a rendered page, cut where the form's
// per-visitor values stand.
func (s *Server) storeStatementPage(st *models.Statement, key string, page []byte, sign any) {
	e := &statementEntry{chunks: [][]byte{page}, size: len(page), expires: time.Now().Add(statementCacheTTL)}
	if v, ok := sign.(*signView); ok && v.Captcha.ID != "" && v.CSRF != "" {
		e.chunks, e.slots = cutAt(page, map[string]string{v.Captcha.ID: captchaIDMarker, v.CSRF: csrfMarker})
	}
	s.stmtCache.put(st.ID, st.Slug, key, e)
}

// cutAt splits page at every occurrence of the values, and names the
// marker each cut stands for.
func cutAt(page []byte, values map[string]string) (chunks [][]byte, slots []string) {
	for len(page) > 0 {
		at, val := -1, ""
		for v := range values {
			if i := bytes.Index(page, []byte(v)); i >= 0 && (at < 0 || i < at) {
				at, val = i, v
			}
		}
		if at < 0 {
			break
		}
		chunks = append(chunks, page[:at])
		slots = append(slots, values[val])
		page = page[at+len(val):]
	}
	return append(chunks, page), slots
}

// sendStatementPage answers from a cached page, with this visitor's own
// CAPTCHA id and form token.
func (s *Server) sendStatementPage(c *fiber.Ctx, e *statementEntry) error {
	c.Type("html", "utf-8")
	if len(e.slots) == 0 {
		return c.Send(e.chunks[0])
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	fill := map[string]string{captchaIDMarker: s.sign.Captcha.Reserve().ID, csrfMarker: s.formToken(c)}
	out := make([]byte, 0, e.size+64)
	for i, chunk := range e.chunks {
		out = append(out, chunk...)
		if i < len(e.slots) {
			out = append(out, fill[e.slots[i]]...)
		}
	}
	return c.Send(out)
}
