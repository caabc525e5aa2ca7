package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is an `undersign serve` process under test.
type server struct {
	cmd  *exec.Cmd
	addr string
	base string
	log  *os.File
}

// startServer starts bin serve against dsn with env added, and waits until
// /readyz answers 200; it returns the time that took.
func startServer(bin, dsn, logPath string, env ...string) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	logf, err := os.Create(logPath) // #nosec G304 -- a path the bench chose
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(bin, "serve") // #nosec G204 -- the binary the bench built
	cmd.Env = append(os.Environ(),
		"UNDERSIGN_DATABASE_URL="+dsn,
		"UNDERSIGN_ADDR="+addr,
		"UNDERSIGN_BASE_URL=http://"+addr,
		"UNDERSIGN_LOG_LEVEL=warn",
		"UNDERSIGN_DRAIN_DELAY=10ms",
	)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &server{cmd: cmd, addr: addr, base: "http://" + addr, log: logf}
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 60*time.Second {
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(start), nil
			}
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, 0, fmt.Errorf("server did not become ready; see %s", logPath)
}

// stop sends SIGTERM and waits for the process to exit.
func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
	}
	_ = s.log.Close()
}

// rssMB reads the process's resident set size from /proc.
func (s *server) rssMB() (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024, err
		}
	}
	return 0, errors.New("no VmRSS line")
}

// sampleRSS records the peak RSS until ctx ends.
func (s *server) sampleRSS(ctx context.Context) <-chan float64 {
	out := make(chan float64, 1)
	go func() {
		var peak float64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if mb, err := s.rssMB(); err == nil && mb > peak {
				peak = mb
			}
			select {
			case <-ctx.Done():
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
