package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
)

// loadConfig reads the environment, with the flags of cmd that were set on
// the command line taking precedence over the variables they stand for.
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	environ := os.Environ()
	for _, f := range config.Fields() {
		fl := cmd.Flags().Lookup(f.Flag)
		if fl != nil && fl.Changed {
			environ = append(environ, config.Prefix+f.Var+"="+fl.Value.String())
		}
	}
	return config.Load(environ)
}

// addConfigFlags offers every configuration variable as a flag of cmd.
func addConfigFlags(cmd *cobra.Command) {
	for _, f := range config.Fields() {
		usage := fmt.Sprintf("%s (env %s%s)", f.Usage, config.Prefix, f.Var)
		cmd.Flags().String(f.Flag, f.Default, usage)
	}
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// env is what most commands work with: configuration, database and store.
type env struct {
	cfg   *config.Config
	log   *slog.Logger
	db    *db.DB
	store *store.Store
}

func openEnv(cmd *cobra.Command) (*env, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg, os.Stderr)
	d, err := db.Open(cmd.Context(), cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	return &env{cfg: cfg, log: log, db: d, store: store.New(d)}, nil
}

func (e *env) close() { _ = e.db.Close() }
