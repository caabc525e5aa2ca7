package instance

import (
	"context"

	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/app/web"
)

// buildList builds the services of the list handlers. The list's cache
// forgets a statement's answers as soon as signing or moderation announces
// a change, on this instance or (through the PostgreSQL relay) another;
// the cache's short TTL bounds a lost notice.
func (in *Instance) buildList(_ context.Context) (web.ListServices, error) {
	cache := listing.NewCache(listing.DefaultTTL)
	in.Events.OnSignaturesChanged(cache.Drop)
	return web.ListServices{Lister: listing.New(in.Store, cache)}, nil
}
