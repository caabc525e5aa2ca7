package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/config"
)

func TestDefaults(t *testing.T) {
	cfg, err := config.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "./data/undersign.db" || cfg.Addr != "127.0.0.1:8080" || cfg.BaseURL != "http://localhost:8080" {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
	if cfg.IsPostgres() {
		t.Error("default database must be SQLite")
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := []struct {
		env  string
		want string
	}{
		{"UNDERSIGN_ADDR=localhost", "UNDERSIGN_ADDR"},
		{"UNDERSIGN_BASE_URL=ftp://x", "UNDERSIGN_BASE_URL"},
		{"UNDERSIGN_BASE_URL=https://example.org", "UNDERSIGN_SECRET_KEY: required when BASE_URL is https"},
		{"UNDERSIGN_SECRET_KEY=short", "UNDERSIGN_SECRET_KEY"},
		{"UNDERSIGN_LOG_FORMAT=xml", "UNDERSIGN_LOG_FORMAT"},
		{"UNDERSIGN_SMTP_URL=http://mail", "UNDERSIGN_SMTP_URL"},
		{"UNDERSIGN_TRUSTED_PROXIES=10.0.0.0/8,nonsense", "UNDERSIGN_TRUSTED_PROXIES"},
		{"UNDERSIGN_SIGN_RATE_IP=5", "UNDERSIGN_SIGN_RATE_IP"},
		{"UNDERSIGN_READ_TIMEOUT=soon", "UNDERSIGN_READ_TIMEOUT"},
		{"UNDERSIGN_BODY_LIMIT=-1", "UNDERSIGN_BODY_LIMIT"},
	}
	for _, tc := range cases {
		t.Run(tc.env, func(t *testing.T) {
			_, err := config.Load([]string{tc.env})
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("want a *config.Error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error must be one line: %q", err)
			}
		})
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	secret := strings.Repeat("s", 40)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load([]string{"UNDERSIGN_SECRET_KEY_FILE=" + path, "UNDERSIGN_BASE_URL=https://sign.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SecretKey != secret {
		t.Errorf("secret from file: got %q", cfg.SecretKey)
	}
	if cfg.BaseURL != "https://sign.example.org" {
		t.Errorf("base URL keeps no trailing slash: %q", cfg.BaseURL)
	}
	_, err = config.Load([]string{"UNDERSIGN_SECRET_KEY_FILE=/does/not/exist"})
	if err == nil || !strings.Contains(err.Error(), "UNDERSIGN_SECRET_KEY_FILE") {
		t.Errorf("unreadable secret file: %v", err)
	}
}

func TestEveryFieldHasAFlag(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range config.Fields() {
		if f.Var == "" || f.Flag == "" || f.Usage == "" {
			t.Errorf("field %s lacks env, flag or usage", f.Field)
		}
		if seen[f.Flag] {
			t.Errorf("flag %s used twice", f.Flag)
		}
		seen[f.Flag] = true
	}
}

func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range config.Fields() {
		if !strings.Contains(string(readme), "`"+config.Prefix+f.Var+"`") {
			t.Errorf("README.md does not document %s%s", config.Prefix, f.Var)
		}
	}
}
