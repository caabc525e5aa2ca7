package faults

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

const (
	drainDelay      = 1500 * time.Millisecond
	shutdownTimeout = 5 * time.Second
)

// TestSIGTERMDuringLoad stops an instance while people sign, as an
// orchestrator does: /readyz turns 503 first while submissions are still
// taken, a request that is half sent when the listener closes is still
// answered, the process exits within the shutdown timeout, and every
// stored signature has its confirmation email.
func TestSIGTERMDuringLoad(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) { testSIGTERM(t, dialect) })
	}
}

func testSIGTERM(t *testing.T, dialect db.Dialect) {
	dsn := apptest.NewDSN(t, dialect, true)
	d := apptest.OpenDB(t, dsn)
	srv := startServer(t, dsn, "UNDERSIGN_DRAIN_DELAY="+drainDelay.String(),
		"UNDERSIGN_SHUTDOWN_TIMEOUT="+shutdownTimeout.String())
	pool := challenges(t, d, 1200)
	slow := newSigner(t, srv.URL, false)
	halfSent := startHalfSent(t, srv, slow, <-pool, "inflight-"+string(dialect)+"@load.example.org")

	signers := make([]*signer, 4)
	for i := range signers {
		signers[i] = newSigner(t, srv.URL, false)
	}
	l := startLoad(signers, pool, "term"+string(dialect), 20*time.Millisecond)
	l.waitAcked(t, 20, 20*time.Second)

	srv.signal(syscall.SIGTERM)
	sent := time.Now()
	// Readiness turns 503 while the listener is still open.
	var drainingAt time.Time
	for drainingAt.IsZero() && time.Since(sent) < drainDelay {
		switch code := srv.readyz(); code {
		case http.StatusServiceUnavailable:
			drainingAt = time.Now()
		case http.StatusOK:
			time.Sleep(10 * time.Millisecond)
		default:
			t.Fatalf("/readyz right after SIGTERM: %d, want 200 then 503 while draining", code)
		}
	}
	if drainingAt.IsZero() {
		t.Fatal("/readyz never answered 503 during the drain delay")
	}
	// Submissions are still taken while load balancers move away.
	ackedAtDrain := l.acked.Load()
	waitFor(t, drainDelay, "a submission acknowledged while draining", func() bool { return l.acked.Load() > ackedAtDrain })

	// Once the listener closed, the half-sent request gets the rest of its
	// body: it is in flight, and must be answered.
	waitFor(t, drainDelay+2*time.Second, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", srv.Addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if status := halfSent.finish(); status != http.StatusSeeOther {
		t.Errorf("the request in flight when the listener closed: %d, want 303", status)
	}

	if !srv.waitExit(drainDelay + shutdownTimeout + 3*time.Second) {
		t.Fatalf("the process still runs %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
	}
	if srv.err != nil {
		t.Errorf("exit after SIGTERM: %v", srv.err)
	}
	outcomes := l.finish()
	for _, o := range outcomes {
		switch {
		case o.Err != nil && !isDialError(o.Err):
			// A connection the kernel queued but the server never
			// accepted is reset when the listener closes: nothing was
			// taken, the client retries. Anything else was dropped.
			if !strings.Contains(o.Err.Error(), "connection reset") {
				t.Errorf("%s: %v", o.Email, o.Err)
			}
		case o.Err == nil && o.Status != http.StatusSeeOther:
			t.Errorf("%s: %d during shutdown, want 303:\n%s", o.Email, o.Status, excerpt(o.Body))
		}
	}
	checkAcknowledgedKept(t, d, append(outcomes, outcome{Email: halfSent.email, Status: http.StatusSeeOther}))
	t.Logf("%d submissions (%v); draining after %s, exited after %s", len(outcomes), tally(outcomes),
		drainingAt.Sub(sent).Round(time.Millisecond), time.Since(sent).Round(time.Millisecond))
}

// halfSent is a sign POST whose body is only half written.
type halfSent struct {
	t     *testing.T
	conn  net.Conn
	rest  string
	email string
}

// startHalfSent opens a connection, sends the headers and half the body
// of a submission, and leaves the rest for finish.
func startHalfSent(t *testing.T, srv *server, s *signer, ch challenge, email string) *halfSent {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	var cookies []string
	for _, c := range s.client.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	body := s.values(ch, email).Encode()
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Cookie: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", signPath, srv.Addr, strings.Join(cookies, "; "), len(body))
	if _, err := conn.Write([]byte(head + body[:len(body)/2])); err != nil {
		t.Fatal(err)
	}
	return &halfSent{t: t, conn: conn, rest: body[len(body)/2:], email: email}
}

// finish sends the rest of the body and returns the answer's status, 0
// when there is none.
func (h *halfSent) finish() int {
	_ = h.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := h.conn.Write([]byte(h.rest)); err != nil {
		h.t.Logf("finish the half-sent request: %v", err)
		return 0
	}
	resp, err := http.ReadResponse(bufio.NewReader(h.conn), nil)
	if err != nil {
		h.t.Logf("read the answer to the half-sent request: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestKillDuringLoadLosesNothingAcknowledged kills an instance with
// SIGKILL while people sign: every acknowledged signature is stored with
// its confirmation email, and a new process on the same database serves
// again.
func TestKillDuringLoadLosesNothingAcknowledged(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			dsn := apptest.NewDSN(t, dialect, true)
			d := apptest.OpenDB(t, dsn)
			srv := startServer(t, dsn)
			pool := challenges(t, d, 1200)
			signers := make([]*signer, 8)
			for i := range signers {
				signers[i] = newSigner(t, srv.URL, true)
			}
			l := startLoad(signers, pool, "kill"+string(dialect), 0)
			l.waitAcked(t, 60, 20*time.Second)
			srv.kill()
			outcomes := l.finish()
			acked := checkAcknowledgedKept(t, d, outcomes)

			again := startServer(t, dsn)
			s := newSigner(t, again.URL, true)
			if o := s.sign(<-pool, "after-kill-"+string(dialect)+"@load.example.org"); o.Status != http.StatusSeeOther {
				t.Errorf("signing on a new process after the kill: %d %v", o.Status, o.Err)
			}
			t.Logf("%d submissions (%v), %d acknowledged before the kill, all stored", len(outcomes), tally(outcomes), acked)
		})
	}
}
