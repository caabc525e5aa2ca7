// Package apptest gives tests real databases and real instances: a fresh,
// migrated database per test on SQLite and on PostgreSQL, and an instance
// with its router built over it.
package apptest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for the admin connection

	"github.com/undersign/undersign/app/db"
)

// Dialects are the databases every database test runs on.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// ForEachDB runs fn as a subtest on a fresh migrated database of each
// dialect.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, NewDB(t, dialect))
		})
	}
}

// NewDB returns a fresh, migrated database of the dialect, removed when the
// test ends.
func NewDB(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	d := OpenDB(t, NewDSN(t, dialect, true))
	return d
}

// NewDSN returns the address of a fresh database, migrated when migrated is
// true, dropped when the test ends.
func NewDSN(t testing.TB, dialect db.Dialect, migrated bool) string {
	t.Helper()
	if dialect == db.SQLite {
		path := filepath.Join(t.TempDir(), "undersign.db")
		if migrated {
			migrate(t, path)
		}
		return path
	}
	return pg.newDatabase(t, migrated)
}

// OpenDB opens dsn and closes it when the test ends.
func OpenDB(t testing.TB, dsn string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func migrate(t testing.TB, dsn string) {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer d.Close()
	m, err := db.NewMigrator(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

// postgres hands out throwaway databases cloned from a migrated template.
type postgres struct {
	once     sync.Once
	adminURL string // a database of the server to run CREATE DATABASE on
	template string
	server   *localServer
	err      error
	skip     string
}

var pg postgres

func (p *postgres) setup(t testing.TB) {
	p.once.Do(func() {
		p.adminURL = os.Getenv("TEST_DATABASE_URL")
		if p.adminURL == "" {
			p.server, p.err = startLocalServer()
			if p.err != nil {
				p.skip = "PostgreSQL: TEST_DATABASE_URL is unset and no local server could be started: " + p.err.Error()
				p.err = nil
				return
			}
			p.adminURL = p.server.url
		}
		p.template = fmt.Sprintf("undersign_tmpl_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
		if p.err = p.exec("CREATE DATABASE " + p.template); p.err != nil {
			return
		}
		migrate(t, withDatabase(p.adminURL, p.template))
	})
	if p.skip != "" {
		if os.Getenv("UNDERSIGN_REQUIRE_POSTGRES") == "1" {
			t.Fatal(p.skip + " (UNDERSIGN_REQUIRE_POSTGRES=1)")
		}
		t.Skip(p.skip)
	}
	if p.err != nil {
		t.Fatalf("PostgreSQL test setup: %v", p.err)
	}
}

var dbSeq struct {
	sync.Mutex
	n int
}

func (p *postgres) newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	p.setup(t)
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("undersign_t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, dbSeq.n)
	dbSeq.Unlock()
	stmt := "CREATE DATABASE " + name
	if migrated {
		stmt += " TEMPLATE " + p.template
	}
	if err := p.exec(stmt); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { _ = p.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return withDatabase(p.adminURL, name)
}

// exec runs one statement on the admin database. Names are generated
// above, never taken from input.
func (p *postgres) exec(stmt string) error {
	conn, err := sql.Open("pgx", p.adminURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Cloning the template fails while another session is connected to it;
	// retry briefly when tests create databases at the same time.
	for i := 0; ; i++ {
		_, err = conn.ExecContext(ctx, stmt)
		if err == nil || i == 20 || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

// Main runs the tests of a package and then drops what the PostgreSQL
// half created: use it as the package's TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if pg.template != "" {
		_ = pg.exec("DROP DATABASE IF EXISTS " + pg.template + " WITH (FORCE)")
	}
	if pg.server != nil {
		pg.server.stop()
	}
	os.Exit(code)
}
