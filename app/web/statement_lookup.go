package web

import (
	"context"
	"sync"
	"time"

	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Every public page, form and API call starts by finding its statement by
// slug: one query per request, a third of an uncached list page's. Each
// instance keeps the statements it found for a few seconds. A change saved
// through any instance drops the entry at once (moderation announces it,
// the relay carries it to the others); the TTL bounds a change written
// outside a running instance, such as `undersign statement import`.
const (
	statementLookupTTL  = 5 * time.Second
	statementLookupSize = 256
)

type statementLookup struct {
	store *store.Store
	now   func() time.Time

	mu sync.Mutex
	m  map[string]statementFound
}

type statementFound struct {
	st      *models.Statement
	expires time.Time
}

func newStatementLookup(s *store.Store) *statementLookup {
	return &statementLookup{store: s, now: time.Now, m: map[string]statementFound{}}
}

// bySlug returns the statement, a copy of its own for the caller.
func (l *statementLookup) bySlug(ctx context.Context, slug string) (*models.Statement, error) {
	now := l.now()
	l.mu.Lock()
	f, ok := l.m[slug]
	l.mu.Unlock()
	if !ok || now.After(f.expires) {
		st, err := l.store.StatementBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		f = statementFound{st: st, expires: now.Add(statementLookupTTL)}
		l.mu.Lock()
		if len(l.m) >= statementLookupSize {
			clear(l.m)
		}
		l.m[slug] = f
		l.mu.Unlock()
	}
	st := *f.st
	return &st, nil
}

// drop forgets a statement, or every statement for events.AllStatements.
func (l *statementLookup) drop(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for slug, f := range l.m {
		if id == events.AllStatements || f.st.ID == id {
			delete(l.m, slug)
		}
	}
}
