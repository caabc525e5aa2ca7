package apptest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
)

// Server is an instance serving HTTP on a loopback port, with its
// background workers running, as `undersign serve` runs it.
type Server struct {
	*instance.Instance
	URL string // http://127.0.0.1:port, also the instance's base URL
}

// StartServer serves a new instance over d on a free loopback port until
// the test ends. edit changes the configuration first.
func StartServer(t testing.TB, d *db.DB, edit ...func(*config.Config)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	in := NewInstance(t, d, append([]func(*config.Config){func(c *config.Config) {
		c.BaseURL = url
		c.Addr = ln.Addr().String()
	}}, edit...)...)
	ctx, cancel := context.WithCancel(context.Background())
	in.StartWorkers(ctx)
	go func() { _ = in.Web.Serve(ln) }()
	t.Cleanup(func() {
		_ = in.Web.Shutdown(5 * time.Second)
		cancel()
		in.StopWorkers(5 * time.Second)
	})
	return &Server{Instance: in, URL: url}
}
