package store_test

import (
	"context"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func approvedSignature(t *testing.T, s *store.Store, st *models.Statement, email, norm, orgType string) *models.Signature {
	t.Helper()
	ctx := context.Background()
	sig := newSignature(st, email)
	sig.NameNorm, sig.OrgType = norm, orgType
	if _, err := s.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	if err := s.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	return sig
}

func tallies(t *testing.T, s *store.Store, st *models.Statement, dim string) map[string]int64 {
	t.Helper()
	rows, err := s.ApprovedTallies(context.Background(), st.ID, dim, 100)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, r := range rows {
		m[r.Key] = r.N
	}
	return m
}

func TestApprovedTalliesFollowEveryStatusChange(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		a := approvedSignature(t, s, st, "a@example.org", "a", "union")
		approvedSignature(t, s, st, "b@example.org", "b", "union")
		approvedSignature(t, s, st, "c@example.org", "c", "ngo")
		pending := newSignature(st, "d@example.org")
		if _, err := s.InsertSignature(ctx, pending); err != nil {
			t.Fatal(err)
		}
		today := a.ApprovedAt.UTC().Format("2006-01-02")
		if got := tallies(t, s, st, store.TallyType); got["union"] != 2 || got["ngo"] != 1 || len(got) != 2 {
			t.Errorf("types after three approvals: %v", got)
		}
		if got := tallies(t, s, st, store.TallyCountryType); got["DE:union"] != 2 || got["DE:ngo"] != 1 || len(got) != 2 {
			t.Errorf("country and type after three approvals: %v", got)
		}
		if got := tallies(t, s, st, store.TallyDay); got[today] != 3 || len(got) != 1 {
			t.Errorf("days after three approvals: %v (today %s)", got, today)
		}
		if err := s.Transition(ctx, a, models.StatusWithdrawn, map[string]any{"email": nil}); err != nil {
			t.Fatal(err)
		}
		if err := d.Model(&models.Signature{}).Where("name_norm = ?", "c").Updates(map[string]any{"org_type": "media", "country": "FR"}).Error; err != nil {
			t.Fatal(err)
		}
		if got := tallies(t, s, st, store.TallyCountryType); got["DE:union"] != 1 || got["FR:media"] != 1 || got["DE:ngo"] != 0 {
			t.Errorf("country and type after a withdrawal and an edit: %v", got)
		}
		if got := tallies(t, s, st, store.TallyType); got["union"] != 1 || got["media"] != 1 || got["ngo"] != 0 {
			t.Errorf("types after a withdrawal and an edit: %v", got)
		}
		if got := tallies(t, s, st, store.TallyDay); got[today] != 2 {
			t.Errorf("days after a withdrawal: %v", got)
		}
		if err := d.Where("name_norm = ?", "b").Delete(&models.Signature{}).Error; err != nil {
			t.Fatal(err)
		}
		if got := tallies(t, s, st, store.TallyDay); got[today] != 1 {
			t.Errorf("days after a deletion: %v", got)
		}
		// Bulk changes in one statement count every row.
		if err := d.Exec("UPDATE signatures SET status = ? WHERE statement_id = ?", models.StatusApproved, st.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got := tallies(t, s, st, store.TallyType); got["union"] != 1 || got["media"] != 1 || got[""] != 1 || len(got) != 3 {
			t.Errorf("types after a bulk update: %v", got)
		}
		// Deleting the statement takes its signatures and tallies along.
		if err := d.Where("id = ?", st.ID).Delete(&models.Statement{}).Error; err != nil {
			t.Fatalf("delete a statement with approved signatures: %v", err)
		}
		if got := tallies(t, s, st, store.TallyType); len(got) != 0 {
			t.Errorf("tallies outlived their statement: %v", got)
		}
	})
}

func TestPublicSignatoriesSearchMatchesWildcardsLiterally(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		approvedSignature(t, s, st, "a@example.org", "fifty% off", "")
		approvedSignature(t, s, st, "b@example.org", "fifty percent", "")
		approvedSignature(t, s, st, "c@example.org", "under_score", "")
		approvedSignature(t, s, st, "d@example.org", "underxscore", "")
		approvedSignature(t, s, st, "e@example.org", `back\slash`, "")
		for q, want := range map[string]int{"%": 1, "y% o": 1, "_": 1, "r_s": 1, `\`: 1, "fifty": 2, "": 5} {
			rows, err := s.PublicSignatories(ctx, store.PublicFilter{StatementID: st.ID, NameContains: q, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.CountPublicSignatories(ctx, store.PublicFilter{StatementID: st.ID, NameContains: q}, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != want || n != int64(want) {
				t.Errorf("search %q: %d rows, count %d; want %d", q, len(rows), n, want)
			}
		}
		if n, _ := s.CountPublicSignatories(ctx, store.PublicFilter{StatementID: st.ID}, 3); n != 3 {
			t.Errorf("bounded count: %d, want 3", n)
		}
	})
}

func TestPublicSignatoriesNeverCarryAHiddenContact(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		shown, hidden := "Shown Person", "Hidden Person"
		var shownID int64
		for i, name := range []string{shown, hidden} {
			sig := newSignature(st, name+"@example.org")
			sig.ContactName, sig.ContactRole, sig.ShowContact = &name, "Role", i == 0
			if _, err := s.InsertSignature(ctx, sig); err != nil {
				t.Fatal(err)
			}
			if err := s.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				shownID = sig.ID
			}
		}
		rows, err := s.PublicSignatories(ctx, store.PublicFilter{StatementID: st.ID, Limit: 10})
		if err != nil || len(rows) != 2 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		for _, r := range rows {
			if r.ID == shownID {
				if r.ContactName == nil || *r.ContactName != shown || r.ContactRole != "Role" {
					t.Errorf("the contact the signer chose to show is missing: %v %q", r.ContactName, r.ContactRole)
				}
			} else if r.ContactName != nil || r.ContactRole != "" {
				t.Errorf("a contact the signer did not choose to show left the database: %v %q", r.ContactName != nil, r.ContactRole)
			}
		}
	})
}
