package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// run executes the CLI in-process with args and returns its output and the
// exit code main would use.
func run(t *testing.T, ctx context.Context, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd := rootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := cmd.ExecuteContext(ctx); err != nil {
		return out.String() + err.Error(), report(err)
	}
	return out.String(), 0
}

func TestConfigErrorsExitWithCode2(t *testing.T) {
	t.Setenv("UNDERSIGN_DATABASE_URL", filepath.Join(t.TempDir(), "x.db"))
	t.Setenv("UNDERSIGN_LOG_FORMAT", "yaml")
	out, code := run(t, context.Background(), "serve")
	if code != exitConfig || !strings.Contains(out, "UNDERSIGN_LOG_FORMAT") {
		t.Errorf("bad env: exit %d, output %q", code, out)
	}
	t.Setenv("UNDERSIGN_LOG_FORMAT", "text")
	out, code = run(t, context.Background(), "serve", "--addr", "nonsense")
	if code != exitConfig || !strings.Contains(out, "UNDERSIGN_ADDR") {
		t.Errorf("bad flag value: exit %d, output %q", code, out)
	}
}

func TestMigrateStatementAndNoMigrate(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			t.Setenv("UNDERSIGN_DATABASE_URL", apptest.NewDSN(t, dialect, false))
			if out, code := run(t, ctx, "serve", "--no-migrate"); code != exitFailure || !strings.Contains(out, "migrations are pending") {
				t.Fatalf("serve --no-migrate on an empty database: exit %d, %q", code, out)
			}
			if out, code := run(t, ctx, "migrate", "status"); code != 0 || !strings.Contains(out, "pending") {
				t.Fatalf("migrate status: exit %d, %q", code, out)
			}
			if out, code := run(t, ctx, "migrate", "up"); code != 0 || !strings.Contains(out, "applied") {
				t.Fatalf("migrate up: exit %d, %q", code, out)
			}
			if out, _ := run(t, ctx, "migrate", "status"); strings.Contains(out, "pending") {
				t.Fatalf("after up, status still shows pending: %q", out)
			}
			file := filepath.Join(t.TempDir(), "s.md")
			src := "---\nslug: cli-test\ntitle: CLI test\nstatus: open\n---\nFirst text.\n"
			if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, code := run(t, ctx, "statement", "import", file); code != 0 || !strings.Contains(out, "cli-test (created)") {
				t.Fatalf("import: exit %d, %q", code, out)
			}
			if out, _ := run(t, ctx, "statement", "import", file); !strings.Contains(out, "(unchanged)") {
				t.Errorf("re-import: %q", out)
			}
			_ = os.WriteFile(file, []byte(strings.Replace(src, "First", "Second", 1)), 0o600)
			if out, _ := run(t, ctx, "statement", "import", file); !strings.Contains(out, "(new version)") {
				t.Errorf("changed import: %q", out)
			}
			if out, code := run(t, ctx, "statement", "list"); code != 0 || !strings.Contains(out, "cli-test") || !strings.Contains(out, "open") {
				t.Errorf("list: exit %d, %q", code, out)
			}
			if out, code := run(t, ctx, "statement", "import", "/does/not/exist.md"); code != exitFailure {
				t.Errorf("missing file: exit %d, %q", code, out)
			}
			if out, code := run(t, ctx, "migrate", "down"); code != 0 || !strings.Contains(out, "rolled back") {
				t.Errorf("migrate down: exit %d, %q", code, out)
			}
		})
	}
}

func TestServeAnswersAndShutsDownOnSignal(t *testing.T) {
	dsn := apptest.NewDSN(t, db.SQLite, false)
	addr := freeAddr(t)
	t.Setenv("UNDERSIGN_DATABASE_URL", dsn)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		_, code := run(t, ctx, "serve", "--addr", addr, "--log-level", "error", "--drain-delay", "300ms")
		done <- code
	}()
	var ready bool
	for i := 0; i < 100 && !ready; i++ {
		ready = checkReady(addr) == nil
		if !ready {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !ready {
		t.Fatal("server never became ready")
	}
	resp, err := http.Get("http://" + addr + "/s/no-to-imperialist-invasion")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("statement page: %d", resp.StatusCode)
	}
	if out, code := run(t, context.Background(), "healthcheck", "--addr", addr); code != 0 {
		t.Errorf("healthcheck of a ready server: exit %d %q", code, out)
	}
	cancel() // as SIGTERM does
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after the signal", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, code := run(t, context.Background(), "healthcheck", "--addr", addr); code == 0 {
		t.Error("healthcheck of a stopped server succeeded")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestVersion(t *testing.T) {
	if out, code := run(t, context.Background(), "version"); code != 0 || !strings.HasPrefix(out, "undersign ") {
		t.Errorf("version: %d %q", code, out)
	}
}
