package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/app/web"
)

func serveCmd() *cobra.Command {
	var noMigrate bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Migrate the database and serve HTTP",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd, noMigrate)
		},
	}
	cmd.Flags().BoolVar(&noMigrate, "no-migrate", false, "do not migrate; refuse to serve while migrations are pending")
	addConfigFlags(cmd)
	return cmd
}

func serve(cmd *cobra.Command, noMigrate bool) error {
	started := time.Now()
	e, err := openEnv(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	logs := newLogBuffer(os.Stderr, 100*time.Millisecond)
	defer logs.Close()
	e.log = newLogger(e.cfg, logs)
	ctx := cmd.Context()
	if err := migrateOrCheck(ctx, e, noMigrate); err != nil {
		return err
	}
	var metrics *web.Metrics
	if e.cfg.MetricsAddr != "" {
		metrics = web.NewMetrics()
	}
	in, err := instance.New(ctx, instance.Options{Config: e.cfg, DB: e.db, Logger: e.log, Metrics: metrics, Seed: true})
	if err != nil {
		return err
	}
	defer in.Close()
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return err
	}
	if metrics != nil {
		go serveMetrics(e, metrics)
	}
	workCtx, stopWork := context.WithCancel(context.Background())
	in.StartWorkers(workCtx)
	served := make(chan error, 1)
	go func() { served <- in.Web.Serve(ln) }()
	e.log.Info("serving", "addr", ln.Addr().String(), "base_url", e.cfg.BaseURL,
		"database", string(e.db.Dialect), "startup", time.Since(started).Round(time.Millisecond))

	select {
	case err := <-served:
		stopWork()
		return err
	case <-ctx.Done():
	}
	e.log.Info("shutting down", "drain", e.cfg.DrainDelay, "timeout", e.cfg.ShutdownTimeout)
	in.Web.Drain()
	select {
	case <-time.After(e.cfg.DrainDelay):
	case err := <-served:
		stopWork()
		return err
	}
	err = in.Web.Shutdown(e.cfg.ShutdownTimeout)
	stopWork()
	in.StopWorkers(5 * time.Second)
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	e.log.Info("stopped")
	return nil
}

func migrateOrCheck(ctx context.Context, e *env, noMigrate bool) error {
	m, err := db.NewMigrator(e.db)
	if err != nil {
		return err
	}
	if noMigrate {
		pending, err := m.Pending(ctx)
		if err != nil {
			return err
		}
		if pending {
			return errors.New("migrations are pending and --no-migrate was given; run 'undersign migrate up' first")
		}
		return nil
	}
	n, err := m.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if n > 0 {
		e.log.Info("migrated database", "applied", n)
	}
	return nil
}

// serveMetrics serves Prometheus metrics, and Go's profiles under
// /debug/pprof/, on the private metrics address.
func serveMetrics(e *env, m *web.Metrics) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: e.cfg.MetricsAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	e.log.Info("serving metrics", "addr", e.cfg.MetricsAddr)
	if err := srv.ListenAndServe(); err != nil {
		e.log.Error("metrics server stopped", "err", err)
		os.Exit(exitFailure)
	}
}
