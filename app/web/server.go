// Package web is undersign's HTTP face: the one route table, middleware,
// error handling, page data and one file per group of handlers. It holds no
// business rules: writes go through the domain services.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/views"
)

// Migrations is what readiness needs to know about the schema.
type Migrations interface {
	Pending(ctx context.Context) (bool, error)
}

// Deps are the parts a server is built from.
type Deps struct {
	Config     *config.Config
	Store      *store.Store
	Keys       *keys.Ring
	Logger     *slog.Logger
	Migrations Migrations
	Metrics    *Metrics // nil: no metrics are recorded
	// Events tells the server when a statement's signatures changed, so
	// that cached pages showing them are dropped (optional).
	Events *events.Bus

	Sign  SignServices
	Admin AdminServices
	List  ListServices
}

// Server serves undersign over HTTP.
type Server struct {
	app      *fiber.App
	cfg      *config.Config
	store    *store.Store
	keys     *keys.Ring
	log      *slog.Logger
	migr     Migrations
	metrics  *Metrics
	views    *html.Engine
	draining atomic.Bool
	proxies  trustedProxies
	// stmtCache keeps rendered statement pages (statement_cache.go).
	stmtCache *statementCache
	// statements finds public statements by slug (statement_lookup.go).
	statements *statementLookup
	// decors keeps the signatories page's localised counts and charts
	// (list_decor.go).
	decors decorCache
	i18n   *i18n.Catalog

	sign  SignServices
	admin AdminServices
	list  ListServices
}

// New builds the server and its routes. A missing template is an error
// here, not a 500 on the first request that needs it.
func New(d Deps) (*Server, error) {
	engine, err := loadViews()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: d.Config, store: d.Store, keys: d.Keys, log: d.Logger,
		migr: d.Migrations, metrics: d.Metrics, views: engine, i18n: i18n.MustLoad(), proxies: parseTrustedProxies(d.Config.TrustedProxies),
		sign: d.Sign, admin: d.Admin, list: d.List}
	s.stmtCache = newStatementCache()
	s.statements = newStatementLookup(d.Store)
	if d.Events != nil {
		d.Events.OnSignaturesChanged(s.stmtCache.drop)
		d.Events.OnSignaturesChanged(s.statements.drop)
	}
	s.app = fiber.New(s.fiberConfig())
	s.routes()
	return s, nil
}

func (s *Server) fiberConfig() fiber.Config {
	c := fiber.Config{
		AppName: "undersign",
		// Immutable: fasthttp reuses request buffers after the handler
		// returns; values that outlive it (logs, goroutines, caches) would
		// otherwise change under our feet.
		Immutable:             true,
		Views:                 pageViews{s.views},
		ErrorHandler:          s.handleError,
		ReadTimeout:           s.cfg.ReadTimeout,
		WriteTimeout:          s.cfg.WriteTimeout,
		IdleTimeout:           s.cfg.IdleTimeout,
		BodyLimit:             s.cfg.BodyLimit,
		DisableStartupMessage: true,
		ReadBufferSize:        16 << 10,
		EnableIPValidation:    true,
		// Always on: with no trusted proxy configured, X-Forwarded-* from
		// clients then changes nothing (host, scheme, IP).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          s.cfg.TrustedProxies,
	}
	if len(s.cfg.TrustedProxies) > 0 {
		c.ProxyHeader = fiber.HeaderXForwardedFor
	}
	return c
}

func loadViews() (*html.Engine, error) {
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(templateFuncs())
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load views: %w", err)
	}
	for _, name := range slices.Concat(requiredViews, signViews, adminViews, listViews) {
		if engine.Templates.Lookup(name) == nil {
			return nil, fmt.Errorf("load views: template %q is missing", name)
		}
	}
	return engine, nil
}

// App is the fiber application, for tests that call app.Test.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Drain turns readiness to 503 so that a load balancer stops sending
// traffic, while requests are still served.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown stops accepting connections and waits up to timeout for
// in-flight requests to finish.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.Drain()
	return s.app.ShutdownWithTimeout(timeout)
}
