// Package events carries in-process notices between domains that must not
// import each other: moderation and signing announce that a statement's
// signatures changed, the public list drops its cache.
package events

import "sync"

// Bus delivers notices to subscribers, synchronously and in order.
type Bus struct {
	mu   sync.RWMutex
	subs []func(statementID int64)
}

// New returns an empty bus.
func New() *Bus { return &Bus{} }

// OnSignaturesChanged registers fn to run whenever a statement's public
// signatures may have changed.
func (b *Bus) OnSignaturesChanged(fn func(statementID int64)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, fn)
}

// SignaturesChanged tells every subscriber that statementID's signatures
// changed. A nil bus ignores it.
func (b *Bus) SignaturesChanged(statementID int64) {
	if b == nil {
		return
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs {
		fn(statementID)
	}
}
