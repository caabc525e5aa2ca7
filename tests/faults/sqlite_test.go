package faults

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

// TestSQLiteUnderFiftyConcurrentSigners has 50 people submit at the same
// moment, three times each, to one instance on SQLite, while its mail
// worker writes to the same file: SQLite has one writer at a time, and
// none of them may see "database is locked" (SQLITE_BUSY) or any error.
func TestSQLiteUnderFiftyConcurrentSigners(t *testing.T) {
	const people, each = 50, 3
	dsn := apptest.NewDSN(t, db.SQLite, true)
	d := apptest.OpenDB(t, dsn)
	srv := startServer(t, dsn)
	pool := challenges(t, d, people*each)
	signers := make([]*signer, people)
	for i := range signers {
		signers[i] = newSigner(t, srv.URL, true)
	}

	start := make(chan struct{})
	var mu sync.Mutex
	var outcomes []outcome
	var wg sync.WaitGroup
	for i, s := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := range each {
				o := s.sign(<-pool, fmt.Sprintf("p%d-%d@busy.example.org", i, j))
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()

	for _, o := range outcomes {
		if o.Err != nil || o.Status != http.StatusSeeOther {
			t.Errorf("%s: %d %v, want 303:\n%s", o.Email, o.Status, o.Err, excerpt(o.Body))
		}
		if strings.Contains(strings.ToLower(o.Body), "locked") {
			t.Errorf("%s: the answer mentions a lock", o.Email)
		}
	}
	if acked := checkAcknowledgedKept(t, d, outcomes); acked != people*each {
		t.Errorf("%d of %d submissions acknowledged", acked, people*each)
	}
	if log := srv.log.String(); strings.Contains(log, "database is locked") || strings.Contains(log, "SQLITE_BUSY") {
		t.Errorf("the server met SQLITE_BUSY:\n%s", srv.log.tail(20))
	}
	t.Logf("%d submissions from %d concurrent signers: %v", len(outcomes), people, tally(outcomes))
}
