package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
)

// runIn executes the CLI with stdin.
func runIn(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd := rootCmd()
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		return out.String() + err.Error(), report(err)
	}
	return out.String(), 0
}

func TestUserAddAndDisable(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) { testUserAddAndDisable(t, dialect) })
	}
}

func testUserAddAndDisable(t *testing.T, dialect db.Dialect) {
	ctx := context.Background()
	dsn := apptest.NewDSN(t, dialect, true)
	t.Setenv("UNDERSIGN_DATABASE_URL", dsn)
	s := store.New(apptest.OpenDB(t, dsn))

	if out, code := runIn(t, "a long enough password\n", "user", "add", "--email", "Admin@Example.org", "--role", "admin"); code != 0 || strings.Contains(out, "password:") {
		t.Fatalf("add with a password on stdin: exit %d, %q", code, out)
	}
	u, err := s.UserByEmail(ctx, "admin@example.org")
	if err != nil || !u.IsAdmin() {
		t.Fatalf("stored admin: %+v %v", u, err)
	}
	if ok, _ := auth.VerifyPassword(u.PasswordHash, "a long enough password"); !ok {
		t.Error("the password read from stdin does not verify")
	}
	out, code := runIn(t, "", "user", "add", "--email", "mod@example.org")
	pw := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if code != 0 || pw == nil {
		t.Fatalf("add with a generated password: exit %d, %q", code, out)
	}
	m, _ := s.UserByEmail(ctx, "mod@example.org")
	if ok, _ := auth.VerifyPassword(m.PasswordHash, pw[1]); !ok || m.IsAdmin() {
		t.Error("the printed password does not verify, or the default role is not moderator")
	}
	if out, code := runIn(t, "short\n", "user", "add", "--email", "x@example.org"); code == 0 {
		t.Errorf("a short password was accepted: %q", out)
	}
	if out, code := runIn(t, "", "user", "add", "--email", "mod@example.org"); code == 0 {
		t.Errorf("a second user with one email: %q", out)
	}
	if out, code := runIn(t, "", "user", "add", "--email", "y@example.org", "--role", "root"); code != exitConfig {
		t.Errorf("unknown role: exit %d, %q", code, out)
	}
	if out, code := runIn(t, "", "user", "disable", "--email", "mod@example.org"); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("disable: exit %d, %q", code, out)
	}
	if m, _ := s.UserByEmail(ctx, "mod@example.org"); m.Active() {
		t.Error("the user is still active")
	}
}
