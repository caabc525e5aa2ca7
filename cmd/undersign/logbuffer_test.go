package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Log lines reach the output within the interval without a Close, and
// every line is out after Close.
func TestLogBufferFlushesOnTimeAndOnClose(t *testing.T) {
	var out lockedBuffer
	b := newLogBuffer(&out, 20*time.Millisecond)
	_, _ = b.Write([]byte("first\n"))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "first") {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line never reached the output")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, _ = b.Write([]byte("last\n"))
	_ = b.Close()
	if got := out.String(); got != "first\nlast\n" {
		t.Errorf("output %q", got)
	}
}
