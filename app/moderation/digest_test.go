package moderation_test

import (
	"context"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func TestDigestAtMostOncePerInterval(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		ring, err := keys.New(apptest.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		cfg := apptest.Config(t, "unused")
		svc := moderation.New(s, mail.NewOutbox(cfg, ring), nil, cfg.BaseURL)
		for _, email := range []string{"a@example.org", "b@example.org"} {
			if err := s.CreateUser(ctx, &models.User{Email: email, Role: models.RoleModerator, PasswordHash: auth.HashPassword("x long password")}); err != nil {
				t.Fatal(err)
			}
		}
		st := &models.Statement{Slug: "s", Title: "S", Body: "b", Status: models.StatementOpen, Lang: "en", AcceptsOrganisations: true}
		if _, err := s.SaveStatement(ctx, st); err != nil {
			t.Fatal(err)
		}
		if sent, err := svc.SendDigest(ctx, 0); sent || err != nil {
			t.Fatalf("first run: sent=%v err=%v; it only starts counting", sent, err)
		}
		now := time.Now().UTC()
		email := "x@org.example"
		sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending, Version: 1,
			Name: "X", NameNorm: "x", Country: "DE", Email: &email, VersionHash: st.VersionHash, CreatedAt: now, UpdatedAt: now}
		if _, err := s.InsertSignature(ctx, sig); err != nil {
			t.Fatal(err)
		}
		if sent, err := svc.SendDigest(ctx, time.Hour); sent || err != nil {
			t.Fatalf("within the interval: sent=%v err=%v", sent, err)
		}
		if sent, err := svc.SendDigest(ctx, time.Nanosecond); !sent || err != nil {
			t.Fatalf("after the interval: sent=%v err=%v", sent, err)
		}
		var n int64
		d.Model(&models.OutboxMessage{}).Where("kind = ?", moderation.MailDigest).Count(&n)
		if n != 2 {
			t.Errorf("%d digests queued, want one per moderator (2)", n)
		}
		if sent, _ := svc.SendDigest(ctx, time.Nanosecond); sent {
			t.Error("a second digest with nothing new")
		}
	})
}
