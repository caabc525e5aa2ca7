package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/events"
	"github.com/undersign/undersign/app/listing"
)

// Two instances on one PostgreSQL database: a moderator's approval on A
// reaches B's cached public list through LISTEN/NOTIFY, long before B's
// cache would expire by itself.
func TestAnApprovalOnOneInstanceShowsOnAnotherBeforeItsCacheExpires(t *testing.T) {
	d := apptest.NewDB(t, db.Postgres)
	a := apptest.StartServer(t, d)
	b := apptest.StartServer(t, d)
	waitListening(t, d, 2)

	envA := &listEnv{t: t, in: a.Instance}
	st, err := a.Store.StatementBySlug(context.Background(), listSlug)
	if err != nil {
		t.Fatal(err)
	}
	if names := apiNames(t, b.URL); len(names) != 0 {
		t.Fatalf("B lists %v before any approval", names)
	}
	envA.approved(st, listSig{Name: "Heard Across Instances"})

	start := time.Now()
	limit := listing.DefaultTTL / 2
	for {
		names := apiNames(t, b.URL)
		if len(names) == 1 && names[0] == "Heard Across Instances" {
			t.Logf("B showed A's approval after %s", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > limit {
			t.Fatalf("B still lists %v %s after A's approval (its cache keeps answers %s): the notice did not arrive",
				names, limit, listing.DefaultTTL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitListening waits until n instances listen for notices on d.
func waitListening(t *testing.T, d *db.DB, n int) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var listening int
		err := d.Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE ?",
			"listen%"+events.Channel+"%").Scan(&listening).Error
		if err != nil {
			t.Fatal(err)
		}
		if listening >= n {
			return
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%d of %d instances listen for notices", listening, n)
		}
	}
}

// apiNames are the names B's JSON API lists.
func apiNames(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + listAPI)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct{ Name string } `json:"items"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", listAPI, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(list.Items))
	for i, it := range list.Items {
		names[i] = it.Name
	}
	return names
}
