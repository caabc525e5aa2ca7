package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Approvals record count changes; folding moves them into the counters;
// the counts read the same before and after, and concurrent approvals of
// one country and day neither deadlock nor lose a count.
func TestCountsAreExactBeforeAndAfterFolding(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		var sigs []*models.Signature
		for i := range 40 {
			sig := newSignature(st, "c"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.org")
			if _, err := s.InsertSignature(ctx, sig); err != nil {
				t.Fatal(err)
			}
			sigs = append(sigs, sig)
		}
		var wg sync.WaitGroup
		for _, sig := range sigs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
					t.Errorf("approve: %v", err)
				}
			}()
		}
		wg.Wait()
		check := func(when string, want int64) {
			t.Helper()
			byCountry, total, err := s.ApprovedCounts(ctx, st.ID)
			if err != nil || total != want || byCountry["DE"] != want {
				t.Errorf("%s: total %d by country %v (%v), want %d", when, total, byCountry, err, want)
			}
			types, err := s.ApprovedTallies(ctx, st.ID, store.TallyCountryType, 10)
			if err != nil || want > 0 && (len(types) != 1 || types[0].N != want) {
				t.Errorf("%s: country/type tallies %v (%v)", when, types, err)
			}
		}
		check("before folding", 40)
		for {
			n, err := s.FoldCountDeltas(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		check("after folding", 40)
		if err := s.Transition(ctx, sigs[0], models.StatusWithdrawn, nil); err != nil {
			t.Fatal(err)
		}
		check("after a withdrawal, unfolded", 39)
		if _, err := s.FoldCountDeltas(ctx, 100); err != nil {
			t.Fatal(err)
		}
		check("after a withdrawal, folded", 39)
	})
}
