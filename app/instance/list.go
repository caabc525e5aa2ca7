package instance

import (
	"context"

	"github.com/undersign/undersign/app/web"
)

// buildList builds the services of the list handlers and registers
// their background workers.
func (in *Instance) buildList(_ context.Context) (web.ListServices, error) {
	return web.ListServices{}, nil
}
