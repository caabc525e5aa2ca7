package keys_test

import (
	"context"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func TestMACAndSeal(t *testing.T) {
	r, err := keys.New(apptest.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := keys.New(apptest.SecretKey + "x")
	if first, again := r.MAC("ip", "192.0.2.1"), r.MAC("ip", "192.0.2.1"); first != again {
		t.Error("MAC is not deterministic")
	}
	if r.MAC("ip", "192.0.2.1") == r.MAC("email", "192.0.2.1") || r.MAC("ip", "192.0.2.1") == other.MAC("ip", "192.0.2.1") {
		t.Error("MAC must depend on purpose and key")
	}
	sealed, err := r.Seal([]byte("confirm link with token"))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := r.Open(sealed); err != nil || string(plain) != "confirm link with token" {
		t.Fatalf("open: %q %v", plain, err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := r.Open(sealed); err == nil {
		t.Error("tampered data opened")
	}
	if _, err := keys.New("short"); err == nil {
		t.Error("short secret accepted")
	}
	if a, b := keys.RandomToken(32), keys.RandomToken(32); a == b || len(a) != 43 {
		t.Errorf("tokens: %q %q", a, b)
	}
}

func TestDevSecretIsGeneratedOnceAndShared(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		first, err := keys.DevSecret(ctx, store.New(d))
		if err != nil || len(first) < 32 {
			t.Fatalf("dev secret: %q %v", first, err)
		}
		second, err := keys.DevSecret(ctx, store.New(d)) // another instance on the same database
		if err != nil || second != first {
			t.Errorf("second instance got another key")
		}
	})
}
