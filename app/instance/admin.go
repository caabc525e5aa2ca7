package instance

import (
	"context"

	"github.com/undersign/undersign/app/web"
)

// buildAdmin builds the services of the admin handlers and registers
// their background workers.
func (in *Instance) buildAdmin(_ context.Context) (web.AdminServices, error) {
	return web.AdminServices{}, nil
}
