// Package faults runs the real undersign binary on loopback and breaks
// what it depends on while people sign: the database connection, the SMTP
// server, the process itself. Each test checks what a signer would notice
// (every acknowledged signature kept, a clear 503 with Retry-After
// otherwise, no internal text) and what an operator would (readiness,
// exit, no half-written rows).
//
// The binary is built once per run with `go build`; loads are bounded by a
// number of submissions and by deadlines.
package faults

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
)

// binary is the undersign binary under test.
var binary string

func TestMain(m *testing.M) {
	// The test binary lives in go test's work directory, which go test
	// removes afterwards: the server binary goes beside it.
	binary = filepath.Join(filepath.Dir(os.Args[0]), "undersign-under-test")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", binary, "github.com/undersign/undersign/cmd/undersign")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: go build: %v\n%s", err, out)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "faults: built %s in %s\n", binary, time.Since(start).Round(time.Millisecond))
	apptest.Main(m)
}

// server is one `undersign serve` process on a loopback port.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	Addr string
	log  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// serverEnv is the configuration every test server gets: rate limits out
// of the way (a load comes from one address), a fixed secret and JSON logs.
func serverEnv(dsn, addr string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"UNDERSIGN_DATABASE_URL=" + dsn,
		"UNDERSIGN_ADDR=" + addr,
		"UNDERSIGN_BASE_URL=http://" + addr,
		"UNDERSIGN_SECRET_KEY=" + apptest.SecretKey,
		"UNDERSIGN_LOG_FORMAT=json",
		"UNDERSIGN_SIGN_RATE_IP=1000000/1m",
		"UNDERSIGN_SIGN_RATE_DOMAIN=1000000/1m",
		"UNDERSIGN_CAPTCHA_RATE=1000000/1m",
		"UNDERSIGN_DRAIN_DELAY=0s",
	}
}

// startServer starts `undersign serve` over dsn and waits until /readyz
// answers 200. env overrides serverEnv. The process is killed when the
// test ends, if it still runs.
func startServer(t *testing.T, dsn string, env ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, URL: "http://" + addr, Addr: addr, log: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(binary, "serve") // #nosec G204 -- the binary this package built
	s.cmd.Env = append(serverEnv(dsn, addr), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start undersign serve: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("log of the server on %s:\n%s", addr, s.log.tail(60))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := get(s.URL + "/readyz"); code == http.StatusOK {
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("undersign serve exited before it was ready: %v\n%s", s.err, s.log.tail(40))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("undersign serve not ready after 30s:\n%s", s.log.tail(40))
		}
	}
}

// signal sends sig to the process.
func (s *server) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal %v: %v", sig, err)
	}
}

// kill ends the process at once, as kill -9 does, and waits for it.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// waitExit waits up to d for the process to exit and tells whether it did.
func (s *server) waitExit(d time.Duration) bool {
	select {
	case <-s.done:
		return true
	case <-time.After(d):
		return false
	}
}

// readyz returns the status of /readyz, or 0 when the server does not
// answer.
func (s *server) readyz() int {
	code, _ := get(s.URL + "/readyz")
	return code
}

var plainClient = &http.Client{Timeout: 5 * time.Second}

func get(url string) (int, string) {
	resp, err := plainClient.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
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

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail is the last n lines.
func (b *lockedBuffer) tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
