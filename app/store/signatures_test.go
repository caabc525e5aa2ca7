package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func newStatement(t *testing.T, s *store.Store) *models.Statement {
	t.Helper()
	st := &models.Statement{Slug: "s", Title: "S", Body: "text", Status: models.StatementOpen, Lang: "en", AcceptsOrganisations: true}
	if _, err := s.SaveStatement(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func newSignature(st *models.Statement, email string) *models.Signature {
	now := time.Now().UTC()
	return &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
		Version: 1, Name: "Org " + email, NameNorm: "org " + email, Country: "DE", Email: &email,
		VersionHash: st.VersionHash, Sends: 1, CreatedAt: now, UpdatedAt: now}
}

func TestInsertSignatureIsIdempotentByEmail(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := store.New(d)
		st := newStatement(t, s)
		var wg sync.WaitGroup
		var inserted atomic.Int32
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.InsertSignature(context.Background(), newSignature(st, "a@example.org"))
				if err != nil {
					t.Error(err)
				}
				if ok {
					inserted.Add(1)
				}
			}()
		}
		wg.Wait()
		var n int64
		d.Model(&models.Signature{}).Count(&n)
		if inserted.Load() != 1 || n != 1 {
			t.Errorf("20 concurrent inserts: %d reported inserted, %d rows; want 1 and 1", inserted.Load(), n)
		}
	})
}

func TestTransitionIsConditionalAndCounts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		st := newStatement(t, s)
		sig := newSignature(st, "b@example.org")
		if _, err := s.InsertSignature(ctx, sig); err != nil {
			t.Fatal(err)
		}
		stale := *sig
		if err := s.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Transition(ctx, &stale, models.StatusRejected, nil); !errors.Is(err, db.ErrConflict) {
			t.Fatalf("second moderator on a stale row: want ErrConflict, got %v", err)
		}
		byCountry, total, err := s.ApprovedCounts(ctx, st.ID)
		if err != nil || total != 1 || byCountry["DE"] != 1 {
			t.Fatalf("after approve: %v total=%d err=%v", byCountry, total, err)
		}
		if err := s.Transition(ctx, sig, models.StatusWithdrawn, map[string]any{"email": nil}); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := s.ApprovedCounts(ctx, st.ID); total != 0 {
			t.Errorf("after withdrawal: total=%d, want 0", total)
		}
		got, _ := s.SignatureByID(ctx, sig.ID)
		if got.Status != models.StatusWithdrawn || got.Email != nil || got.Version != 3 {
			t.Errorf("stored row: status=%s email=%v version=%d", got.Status, got.Email, got.Version)
		}
	})
}
