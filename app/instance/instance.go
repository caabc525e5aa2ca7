// Package instance assembles one undersign instance from its configuration
// and database: keys, store, domain services, the web server and the
// background workers. The serve command and the tests build it the same way.
package instance

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/app/web"
	shipped "github.com/undersign/undersign/statements"
)

// Options are what an instance is built from.
type Options struct {
	Config  *config.Config
	DB      *db.DB
	Logger  *slog.Logger
	Metrics *web.Metrics // optional
	// Seed imports the shipped statements into an empty database.
	Seed bool
}

// Instance is one running undersign.
type Instance struct {
	Config *config.Config
	DB     *db.DB
	Store  *store.Store
	Keys   *keys.Ring
	Web    *web.Server
	Log    *slog.Logger
	// Events tells the public list when moderation or signing changed a
	// statement's signatures.
	Events *events.Bus

	workers  []Worker
	wg       sync.WaitGroup
	replicas []*db.DB
}

// Worker is a background loop that runs until its context ends.
type Worker struct {
	Name string
	Run  func(ctx context.Context)
}

// New assembles an instance. The database must be migrated.
func New(ctx context.Context, o Options) (*Instance, error) {
	in := &Instance{Config: o.Config, DB: o.DB, Store: store.New(o.DB), Log: o.Logger, Events: events.New()}
	if err := in.openReplicas(ctx); err != nil {
		return nil, err
	}
	var err error
	if in.Keys, err = in.keyRing(ctx); err != nil {
		return nil, err
	}
	if o.Seed {
		if err := in.seed(ctx); err != nil {
			return nil, err
		}
	}
	migr, err := db.NewMigrator(o.DB)
	if err != nil {
		return nil, err
	}
	deps := web.Deps{
		Config: o.Config, Store: in.Store, Keys: in.Keys, Logger: o.Logger,
		Migrations: migr, Metrics: o.Metrics, Events: in.Events,
	}
	if deps.Sign, err = in.buildSign(ctx); err != nil {
		return nil, err
	}
	if deps.Admin, err = in.buildAdmin(ctx); err != nil {
		return nil, err
	}
	if deps.List, err = in.buildList(ctx); err != nil {
		return nil, err
	}
	in.workers = append(in.workers, Worker{Name: "counts", Run: in.foldCounts})
	if o.DB.Dialect == db.Postgres {
		// Other instances on the same database hear of this one's
		// changes at once instead of after their caches' TTL.
		relay := events.NewRelay(in.Events, o.DB.SQL, o.DB.DSN, o.Logger)
		in.workers = append(in.workers, Worker{Name: "notices", Run: relay.Run})
	}
	in.Web, err = web.New(deps)
	if err != nil {
		return nil, err
	}
	return in, nil
}

func (in *Instance) keyRing(ctx context.Context) (*keys.Ring, error) {
	secret := in.Config.SecretKey
	if secret == "" {
		var err error
		if secret, err = keys.DevSecret(ctx, in.Store); err != nil {
			return nil, fmt.Errorf("development secret key: %w", err)
		}
		in.Log.Warn("UNDERSIGN_SECRET_KEY is not set: using a generated key kept in the database; set one in production")
	}
	return keys.New(secret)
}

func (in *Instance) seed(ctx context.Context) error {
	imported, err := statements.SeedIfEmpty(ctx, in.Store, shipped.FS)
	if err != nil {
		return fmt.Errorf("import shipped statements: %w", err)
	}
	for _, imp := range imported {
		in.Log.Info("imported shipped statement", "slug", imp.Slug, "version", imp.Hash[:12])
	}
	return nil
}

// StartWorkers starts the background workers; they stop when ctx ends and
// StopWorkers waits for them.
func (in *Instance) StartWorkers(ctx context.Context) {
	for _, w := range in.workers {
		in.wg.Add(1)
		go func() {
			defer in.wg.Done()
			in.Log.Debug("worker started", "worker", w.Name)
			w.Run(ctx)
		}()
	}
}

// StopWorkers waits up to timeout for the workers to return after their
// context ended.
func (in *Instance) StopWorkers(timeout time.Duration) {
	done := make(chan struct{})
	go func() { in.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		in.Log.Warn("workers did not stop in time")
	}
}

// foldBatch is how many count changes one fold transaction moves.
const foldBatch = 20000

// foldCounts moves the recorded count changes into the public counters
// every second (see store.FoldCountDeltas), so that readers add few.
func (in *Instance) foldCounts(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := in.Store.FoldCountDeltas(ctx, foldBatch)
			if err != nil {
				if ctx.Err() == nil {
					in.Log.Error("fold counts", "err", err)
				}
				break
			}
			if n < foldBatch {
				break
			}
		}
	}
}

// openReplicas connects to the configured read replicas; the public list
// reads from them.
func (in *Instance) openReplicas(ctx context.Context) error {
	var replicas []*db.DB
	for _, url := range in.Config.ReplicaURLs {
		r, err := db.Open(ctx, url)
		if err != nil {
			for _, o := range replicas {
				_ = o.Close()
			}
			return fmt.Errorf("read replica: %w", err)
		}
		replicas = append(replicas, r)
	}
	if len(replicas) > 0 {
		in.replicas = replicas
		s, err := in.Store.WithReplicas(replicas...)
		if err != nil {
			in.Close()
			return err
		}
		in.Store = s
		in.Log.Info("public list reads from read replicas", "replicas", len(replicas))
	}
	return nil
}

// Close closes the read replicas' connections (the primary belongs to the
// caller).
func (in *Instance) Close() {
	for _, r := range in.replicas {
		_ = r.Close()
	}
}
