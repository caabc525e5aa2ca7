package store_test

import (
	"context"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// The name search follows approvals, corrections and withdrawals (on
// SQLite through its trigram index, kept by triggers), and matches only
// what the name contains.
func TestNameSearchFollowsChanges(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		sig := newSignature(st, "search@example.org")
		sig.Name, sig.NameNorm = "Workers' Solidarity Network", "workers' solidarity network"
		if _, err := s.InsertSignature(ctx, sig); err != nil {
			t.Fatal(err)
		}
		find := func(q string) int {
			t.Helper()
			rows, err := s.PublicSignatories(ctx, store.PublicFilter{StatementID: st.ID, NameContains: q, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(rows)
		}
		if find("solidarity") != 0 {
			t.Fatal("a pending signature was found")
		}
		if err := s.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"solidarity": 1, "ers' sol": 1, "ne": 1, "network x": 0, "%": 0, "solidarity_": 0} {
			if got := find(q); got != want {
				t.Errorf("search %q: %d results, want %d", q, got, want)
			}
		}
		if err := s.EditSignature(ctx, sig, map[string]any{"name": "Green Peace", "name_norm": "green peace"}); err != nil {
			t.Fatal(err)
		}
		if find("solidarity") != 0 || find("green peace") != 1 {
			t.Error("the search did not follow a corrected name")
		}
		if err := s.Transition(ctx, sig, models.StatusWithdrawn, nil); err != nil {
			t.Fatal(err)
		}
		if find("green peace") != 0 {
			t.Error("a withdrawn signature was found")
		}
	})
}
