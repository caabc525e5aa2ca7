package faults

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

// proxy forwards TCP connections to PostgreSQL and can cut them, as a
// database restart or a network failure does, without touching the
// machine's shared PostgreSQL.
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.Cut()
	})
	return p
}

func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	p.mu.Lock()
	down := p.down
	p.mu.Unlock()
	if down {
		_ = c.Close()
		return
	}
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		_ = c.Close()
		return
	}
	if !p.track(c, up) {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	p.untrack(c, up)
}

// track records a forwarded pair, unless the proxy went down meanwhile.
func (p *proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// Cut drops every forwarded connection and refuses new ones.
func (p *proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// Restore forwards new connections again.
func (p *proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestPostgreSQLCutDuringSignLoad cuts the connection to PostgreSQL for a
// few seconds while people sign. Every submission that was acknowledged
// is stored; the others got a 503 that asks to try again, with
// Retry-After and nothing internal; /readyz says 503 meanwhile; and the
// same process takes signatures again within 5 seconds of the database
// coming back.
func TestPostgreSQLCutDuringSignLoad(t *testing.T) {
	dsn := apptest.NewDSN(t, db.Postgres, true)
	direct := apptest.OpenDB(t, dsn)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, u.Host)
	u.Host = px.Addr()
	srv := startServer(t, u.String())

	pool := challenges(t, direct, 1500)
	signers := make([]*signer, 6)
	for i := range signers {
		signers[i] = newSigner(t, srv.URL, true)
	}
	l := startLoad(signers, pool, "cut", 0)
	l.pause = 100 * time.Millisecond
	l.waitAcked(t, 30, 20*time.Second)

	px.Cut()
	cutAt := time.Now()
	for range 3 {
		time.Sleep(300 * time.Millisecond)
		if code := srv.readyz(); code != http.StatusServiceUnavailable {
			t.Errorf("/readyz while PostgreSQL is cut: %d, want 503", code)
		}
	}
	time.Sleep(2 * time.Second)
	px.Restore()
	back := time.Now()

	// The same process answers again, without a restart: a submission
	// started after the database came back is acknowledged within 5s.
	deadline := back.Add(5 * time.Second)
	var recovered bool
	for !recovered && time.Now().Before(deadline) {
		l.mu.Lock()
		for _, o := range l.outcomes {
			if o.Start.After(back) && o.Status == http.StatusSeeOther {
				recovered = true
			}
		}
		l.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	if !recovered {
		t.Errorf("no submission acknowledged within 5s of PostgreSQL coming back")
	}
	if code := srv.readyz(); code != http.StatusOK {
		t.Errorf("/readyz after PostgreSQL came back: %d", code)
	}
	after := l.acked.Load()
	l.waitAcked(t, after+20, 20*time.Second)
	outcomes := l.finish()

	var duringCut int
	for _, o := range outcomes {
		switch {
		case o.Err != nil:
			t.Errorf("%s: no answer: %v", o.Email, o.Err)
		case o.Status == http.StatusSeeOther:
		default:
			checkUnavailable(t, o)
			if o.Start.After(cutAt) && o.Start.Before(back) {
				duringCut++
			}
		}
	}
	if duringCut == 0 {
		t.Error("no submission was refused while PostgreSQL was cut: the cut did not happen")
	}
	acked := checkAcknowledgedKept(t, direct, outcomes)
	t.Logf("%d submissions: %v; %d acknowledged and stored, %d refused during the cut",
		len(outcomes), tally(outcomes), acked, duringCut)
}
