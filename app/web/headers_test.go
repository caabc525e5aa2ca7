package web_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for the outage test

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
)

// foundationPaths are the routes every instance has, whatever features are
// mounted: pages, health, static files and a 404.
var foundationPaths = []string{
	"/", "/s/no-to-imperialist-invasion", "/healthz", "/readyz", "/static/app.css", "/no/such/page",
}

// cspDirectives splits a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// checkSecurityHeaders fails unless resp carries the headers every
// non-embed response must have.
func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := cspDirectives(h.Get("Content-Security-Policy"))
	scripts, ok := csp["script-src"]
	if !ok {
		scripts, ok = csp["default-src"]
	}
	if !ok {
		t.Errorf("%s: CSP %q restricts no script source", what, h.Get("Content-Security-Policy"))
	}
	for _, src := range scripts {
		switch strings.ToLower(src) {
		case "'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:":
			t.Errorf("%s: CSP allows scripts from %s: %q", what, src, h.Get("Content-Security-Policy"))
		}
	}
	if fa := strings.Join(csp["frame-ancestors"], " "); fa != "'none'" {
		t.Errorf("%s: CSP frame-ancestors %q, want 'none'", what, fa)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	switch rp := h.Get("Referrer-Policy"); rp {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s: Referrer-Policy %q leaks paths to other sites", what, rp)
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options %q, want DENY", what, got)
	}
}

func TestSecurityHeadersOnEveryFoundationRoute(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, apptest.NewInstance(t, d).Web.App())
		for _, path := range foundationPaths {
			resp := c.Get(path)
			if resp.StatusCode >= 500 {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			checkSecurityHeaders(t, "GET "+path, resp.Header)
			if hsts := resp.Header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("GET %s over an http BASE_URL sends HSTS %q", path, hsts)
			}
		}
	})
}

func TestHSTSWhenBaseURLIsHTTPS(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d, func(c *config.Config) { c.BaseURL = "https://undersign.test" })
		c := apptest.NewClient(t, in.Web.App())
		for _, path := range foundationPaths {
			resp := c.Get(path)
			hsts := resp.Header.Get("Strict-Transport-Security")
			var maxAge int
			if _, err := fmt.Sscanf(hsts, "max-age=%d", &maxAge); err != nil || maxAge < 180*24*3600 {
				t.Errorf("GET %s: Strict-Transport-Security %q, want a max-age of at least six months", path, hsts)
			}
			checkSecurityHeaders(t, "GET "+path, resp.Header)
		}
	})
}

// internalTexts are fragments of driver errors, Go errors and stack traces
// that must never reach a client.
var internalTexts = []string{
	"sql:", "database is closed", "sqlstate", "pgx", "pgconn", "sqlite", "gorm", "dial tcp",
	"not currently accepting", "failed to connect", "goroutine ", ".go:", "runtime.", "panic",
}

func checkNoInternals(t *testing.T, what, body string) {
	t.Helper()
	lower := strings.ToLower(body)
	for _, s := range internalTexts {
		if strings.Contains(lower, s) {
			t.Errorf("%s shows internal text %q:\n%s", what, s, body)
		}
	}
}

// TestDatabaseErrorsDoNotLeak closes the database under a running
// instance: pages and JSON answer with a plain message and no driver text,
// and readiness turns 503 so that a load balancer stops sending traffic.
func TestDatabaseErrorsDoNotLeak(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		if resp := c.Get("/readyz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("/readyz before: %d", resp.StatusCode)
		}
		if err := in.DB.Close(); err != nil {
			t.Fatal(err)
		}
		checkServerErrorAnswers(t, c)
	})
}

// TestDatabaseOutageDoesNotLeakOnPostgreSQL makes PostgreSQL refuse
// connections to the instance's database and drops the ones it holds, as a
// restart does. pgx's errors name the user, the database and the server:
// none of it may reach a client.
func TestDatabaseOutageDoesNotLeakOnPostgreSQL(t *testing.T) {
	dsn := apptest.NewDSN(t, db.Postgres, true)
	d := apptest.OpenDB(t, dsn)
	in := apptest.NewInstance(t, d)
	c := apptest.NewClient(t, in.Web.App())
	if resp := c.Get("/s/no-to-imperialist-invasion"); resp.StatusCode != http.StatusOK {
		t.Fatalf("statement page before the outage: %d", resp.StatusCode)
	}
	refuseConnections(t, dsn)
	for range 3 { // dropped connections first, then refused new ones
		checkServerErrorAnswers(t, c)
	}
}

// checkServerErrorAnswers asks for a page, the same page as JSON and
// readiness from an instance whose database is gone, and checks that none
// of them shows internal text.
func checkServerErrorAnswers(t *testing.T, c *apptest.Client) {
	t.Helper()
	// The sign page: the statement page itself may be answered from the
	// instance's page cache while the database is away.
	page := c.Get("/s/no-to-imperialist-invasion/sign")
	if page.StatusCode != http.StatusServiceUnavailable || page.Header.Get("Retry-After") == "" {
		t.Fatalf("page without a database: %d (Retry-After %q), want 503 with Retry-After", page.StatusCode, page.Header.Get("Retry-After"))
	}
	if !strings.Contains(page.Body, "<html") {
		t.Errorf("page without a database is not an HTML error page:\n%s", page.Body)
	}
	checkNoInternals(t, "error page", page.Body)
	checkSecurityHeaders(t, "error page", page.Header)

	req := apptest.NewRequest(http.MethodGet, "/s/no-to-imperialist-invasion/sign", nil, "")
	req.Header.Set("Accept", "application/json")
	js := c.Do(req)
	if js.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(js.Header.Get("Content-Type"), "application/json") {
		t.Errorf("JSON without a database: %d %s", js.StatusCode, js.Header.Get("Content-Type"))
	}
	checkNoInternals(t, "JSON error", js.Body)

	if r := c.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz without a database: %d, want 503", r.StatusCode)
	} else {
		checkNoInternals(t, "/readyz", r.Body)
	}
}

// refuseConnections stops PostgreSQL from accepting connections to the
// database of dsn and ends the ones open to it.
func refuseConnections(t *testing.T, dsn string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The name is generated by apptest; quote it anyway.
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`" ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), `ALTER DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`" ALLOW_CONNECTIONS true`)
	})
	if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
}

// TestOversizedBodyIs413 sets the limit the way an operator does, with
// UNDERSIGN_BODY_LIMIT, and sends larger bodies to a public route over a
// real connection: fasthttp refuses them before any handler runs.
func TestOversizedBodyIs413(t *testing.T) {
	cfg, err := config.Load([]string{
		"UNDERSIGN_SECRET_KEY=" + apptest.SecretKey,
		"UNDERSIGN_BODY_LIMIT=4096",
	})
	if err != nil {
		t.Fatal(err)
	}
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := apptest.StartServer(t, d, func(c *config.Config) { c.BodyLimit = cfg.BodyLimit })
		for _, size := range []int{4096, 4097, 1 << 20} {
			body := "comment=" + strings.Repeat("x", size-len("comment="))
			status, answer, header := postOverTCP(t, srv.URL, "/s/no-to-imperialist-invasion", body)
			tooLarge := status == http.StatusRequestEntityTooLarge
			if size > 4096 && !tooLarge {
				t.Errorf("%d-byte body: %d, want 413", size, status)
			}
			if size <= 4096 && tooLarge {
				t.Errorf("%d-byte body, at the limit: 413", size)
			}
			checkNoInternals(t, fmt.Sprintf("answer to a %d-byte body", size), answer)
			if tooLarge {
				checkSecurityHeaders(t, "413 answer", header)
			}
		}
	})
}

// postOverTCP sends a form POST on its own connection and reads the answer
// even when the server answers and closes before the body is all written.
func postOverTCP(t *testing.T, base, path, body string) (int, string, http.Header) {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		_, _ = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\nConnection: close\r\n\r\n%s", path, host, len(body), body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestSlowHeadersAreCutByTheReadTimeout is a slowloris on loopback: a
// client that sends its request headers a byte at a time, too slowly to
// finish within the read timeout, loses its connection; a normal client of
// the same server is served.
func TestSlowHeadersAreCutByTheReadTimeout(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := apptest.StartServer(t, d, func(c *config.Config) { c.ReadTimeout = time.Second })
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("normal client: %d", resp.StatusCode)
		}

		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		closed := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, conn) // returns when the server closes
			close(closed)
		}()

		// Far more header bytes than the timeout allows: 60 bytes at one
		// per 200ms is 12s against a 1s read timeout.
		request := "GET /healthz HTTP/1.1\r\nHost: undersign.test\r\nX-Slow: " + strings.Repeat("a", 60) + "\r\n\r\n"
		sent := 0
	trickle:
		for ; sent < 60; sent++ {
			select {
			case <-closed:
				break trickle
			case <-time.After(200 * time.Millisecond):
			}
			if _, err := conn.Write([]byte{request[sent]}); err != nil {
				break // the server closed the connection
			}
		}
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("the server still holds a connection that sent %d header bytes at 5 per second, read timeout 1s", sent)
		}
		if sent >= 60 {
			t.Errorf("the server waited for all %d trickled bytes", sent)
		}
	})
}
