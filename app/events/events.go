// Package events carries notices between domains that must not import each
// other: moderation and signing announce that a statement's signatures
// changed, the public list drops its cache. A Relay carries the same
// notices between instances that share a PostgreSQL database.
package events

import "sync"

// AllStatements stands for every statement in a notice: a subscriber
// forgets everything it keeps, as when notices may have been missed.
const AllStatements int64 = -1

// Bus delivers notices to subscribers, synchronously and in order.
type Bus struct {
	mu    sync.RWMutex
	subs  []func(statementID int64)
	relay func(statementID int64)
}

// New returns an empty bus.
func New() *Bus { return &Bus{} }

// OnSignaturesChanged registers fn to run whenever a statement's public
// signatures may have changed, here or on another instance. statementID
// may be AllStatements.
func (b *Bus) OnSignaturesChanged(fn func(statementID int64)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, fn)
}

// SignaturesChanged tells every subscriber, and the other instances when a
// relay is set, that statementID's signatures changed. A nil bus ignores
// it.
func (b *Bus) SignaturesChanged(statementID int64) {
	if b == nil {
		return
	}
	b.Deliver(statementID)
	b.mu.RLock()
	relay := b.relay
	b.mu.RUnlock()
	if relay != nil {
		relay(statementID)
	}
}

// Deliver tells this instance's subscribers only: the notice came from
// another instance.
func (b *Bus) Deliver(statementID int64) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs {
		fn(statementID)
	}
}

func (b *Bus) setRelay(fn func(statementID int64)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.relay = fn
}
