package instance

import (
	"context"

	"github.com/undersign/undersign/app/web"
)

// buildSign builds the services of the sign handlers and registers
// their background workers.
func (in *Instance) buildSign(_ context.Context) (web.SignServices, error) {
	return web.SignServices{}, nil
}
