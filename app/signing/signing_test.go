package signing_test

import (
	"context"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func TestNormaliseName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ACME, Inc.", "acme inc"},
		{"  acme   inc ", "acme inc"},
		{"Ａｃｍｅ　Ｉｎｃ", "acme inc"}, // full-width forms fold (NFKC)
		{"Союз «Освіта»", "союз освіта"},
		{"工人联合会", "工人联合会"},
		{"الاتحاد العام", "الاتحاد العام"},
		{"Café", "café"},
	} {
		if got := signing.NormaliseName(tc.in); got != tc.want {
			t.Errorf("NormaliseName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCountriesAndFreeMail(t *testing.T) {
	if n := len(signing.Countries()); n < 249 {
		t.Errorf("%d countries; ISO 3166-1 has 249", n)
	}
	if signing.CountryName("UA") != "Ukraine" || signing.CountryName("CN") != "China" {
		t.Error("country names")
	}
	for _, d := range []string{"gmail.com", "GMAIL.com", "mail.yahoo.co.uk", "proton.me"} {
		if !signing.IsFreeMail(d) {
			t.Errorf("%s is free mail", d)
		}
	}
	if signing.IsFreeMail("union.example.org") {
		t.Error("an organisation's domain counted as free mail")
	}
}

// TestCleanupDeletesOnlyStaleUnconfirmed: the background job removes what
// was never confirmed once its link expired, and nothing else.
func TestCleanupDeletesOnlyStaleUnconfirmed(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		stmt := &models.Statement{Slug: "s", Title: "S", Body: "b", Status: models.StatementOpen, Lang: "en", AcceptsOrganisations: true}
		if _, err := st.SaveStatement(ctx, stmt); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		add := func(email string, status models.SignatureStatus, created, expires time.Time) {
			e := email
			sig := &models.Signature{StatementID: stmt.ID, Kind: models.KindOrganisation, Status: status, Version: 1,
				Name: email, NameNorm: email, Country: "DE", Email: &e, VersionHash: stmt.VersionHash, Sends: 1,
				TokenExpiresAt: &expires, CreatedAt: created, UpdatedAt: created}
			if _, err := st.InsertSignature(ctx, sig); err != nil {
				t.Fatal(err)
			}
		}
		week := 7 * 24 * time.Hour
		add("stale@x", models.StatusUnconfirmed, now.Add(-week-48*time.Hour), now.Add(-48*time.Hour))
		add("fresh@x", models.StatusUnconfirmed, now.Add(-time.Hour), now.Add(week))
		add("just-expired@x", models.StatusUnconfirmed, now.Add(-week-time.Hour), now.Add(-time.Hour))
		add("renewed@x", models.StatusUnconfirmed, now.Add(-week-48*time.Hour), now.Add(week-time.Hour))
		add("confirmed@x", models.StatusPending, now.Add(-30*24*time.Hour), now.Add(-23*24*time.Hour))

		ring, _ := keys.New(apptest.SecretKey)
		cfg := apptest.Config(t, "unused")
		svc := signing.New(signing.Deps{Store: st, Outbox: mail.NewOutbox(cfg, ring), Log: apptest.Logger(t),
			RateIP: config.MustRate(cfg.SignRateIP), RateDomain: config.MustRate(cfg.SignRateDomain)})
		n, err := svc.Cleanup(ctx)
		if err != nil || n != 1 {
			t.Fatalf("cleanup deleted %d, err %v; want 1", n, err)
		}
		var left []string
		d.Model(&models.Signature{}).Order("name").Pluck("name", &left)
		want := []string{"confirmed@x", "fresh@x", "just-expired@x", "renewed@x"}
		if len(left) != len(want) {
			t.Fatalf("left %v, want %v", left, want)
		}
		for i := range want {
			if left[i] != want[i] {
				t.Errorf("left %v, want %v", left, want)
			}
		}
	})
}
