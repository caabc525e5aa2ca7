package apptest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
)

// SecretKey is the secret of test instances.
const SecretKey = "test-secret-key-0123456789-abcdefghijklmnop"

// Config returns a valid test configuration over dsn; edit it before
// passing it to NewInstance.
func Config(t testing.TB, dsn string) *config.Config {
	t.Helper()
	cfg, err := config.Load([]string{
		"UNDERSIGN_DATABASE_URL=" + dsn,
		"UNDERSIGN_SECRET_KEY=" + SecretKey,
		"UNDERSIGN_BASE_URL=http://undersign.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Logger logs to the test output when UNDERSIGN_TEST_LOG=1, else nowhere.
func Logger(t testing.TB) *slog.Logger {
	var w io.Writer = io.Discard
	if os.Getenv("UNDERSIGN_TEST_LOG") == "1" {
		w = testWriter{t}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// NewInstance builds an instance over d with the shipped statements
// imported. edit, when given, changes the configuration first.
func NewInstance(t testing.TB, d *db.DB, edit ...func(*config.Config)) *instance.Instance {
	t.Helper()
	cfg := Config(t, "unused")
	for _, e := range edit {
		e(cfg)
	}
	in, err := instance.New(context.Background(), instance.Options{Config: cfg, DB: d, Logger: Logger(t), Seed: true})
	if err != nil {
		t.Fatalf("build instance: %v", err)
	}
	t.Cleanup(in.Close)
	return in
}
