package web

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
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

type statementEntry struct {
	page    []byte
	hasForm bool
	expires time.Time
}

type statementCache struct {
	mu      sync.Mutex
	entries map[int64]map[string]*statementEntry // statement id -> key -> page
	n       int
}

func newStatementCache() *statementCache {
	return &statementCache{entries: map[int64]map[string]*statementEntry{}}
}

func (sc *statementCache) get(id int64, key string, now time.Time) *statementEntry {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e := sc.entries[id][key]
	if e == nil || now.After(e.expires) {
		return nil
	}
	return e
}

func (sc *statementCache) put(id int64, key string, e *statementEntry) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.n >= statementCacheSize {
		sc.entries, sc.n = map[int64]map[string]*statementEntry{}, 0 // crude, and rare: start over
	}
	if sc.entries[id] == nil {
		sc.entries[id] = map[string]*statementEntry{}
	}
	if _, ok := sc.entries[id][key]; !ok {
		sc.n++
	}
	sc.entries[id][key] = e
}

// drop forgets a statement's pages, as when its signatures changed.
func (sc *statementCache) drop(id int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.n -= len(sc.entries[id])
	delete(sc.entries, id)
}

// statementCacheKey names a statement page: the locale and the query
// (?text= picks a translation).
func statementCacheKey(c *fiber.Ctx, locale string) string {
	return locale + "?" + string(c.Request().URI().QueryString())
}

// storeStatementPage keeps a rendered page with markers for the form's
// per-visitor values.
func (s *Server) storeStatementPage(id int64, key string, page []byte, sign any) {
	e := &statementEntry{page: page, expires: time.Now().Add(statementCacheTTL)}
	if v, ok := sign.(*signView); ok && v.Captcha.ID != "" && v.CSRF != "" {
		p := bytes.ReplaceAll(page, []byte(v.Captcha.ID), []byte(captchaIDMarker))
		e.page = bytes.ReplaceAll(p, []byte(v.CSRF), []byte(csrfMarker))
		e.hasForm = true
	}
	s.stmtCache.put(id, key, e)
}

// sendStatementPage answers from a cached page, with this visitor's own
// CAPTCHA id and form token.
func (s *Server) sendStatementPage(c *fiber.Ctx, e *statementEntry) error {
	c.Type("html", "utf-8")
	if !e.hasForm {
		return c.Send(e.page)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	id := s.sign.Captcha.Reserve().ID
	r := strings.NewReplacer(captchaIDMarker, id, csrfMarker, s.formToken(c))
	var b bytes.Buffer
	b.Grow(len(e.page))
	if _, err := r.WriteString(&b, string(e.page)); err != nil {
		return err
	}
	return c.Send(b.Bytes())
}
