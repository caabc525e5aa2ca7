package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/models"
)

func TestLoginSessionIsRotatedAndLogoutCannotBeReplayed(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		c := e.client()
		c.Get("/admin/login")
		before := adminCookie(c, "undersign_session")
		if before == "" {
			t.Fatal("the login page set no session cookie")
		}
		if resp := adminLogin(t, c, e.mod.Email, adminTestPassword, ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		after := adminCookie(c, "undersign_session")
		if after == "" || after == before {
			t.Fatalf("session id not rotated at login: before %q after %q", before, after)
		}
		if resp := c.Get("/admin"); resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard after login: %d", resp.StatusCode)
		}
		var rows int64
		d.Model(&models.Session{}).Where("key_hash = ?", after).Count(&rows)
		if rows != 0 {
			t.Error("the sessions table holds the raw session id")
		}
		if resp := adminPost(t, c, "/admin/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		replay := e.client()
		replay.Header.Set("Cookie", "undersign_session="+after)
		resp := replay.Get("/admin")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("cookie replayed after logout: %d %s, want a redirect to the login", resp.StatusCode, resp.Header.Get("Location"))
		}
		if e.auditCount(audit.LoginSucceeded) != 1 || e.auditCount(audit.Logout) != 1 {
			t.Error("login and logout are not both in the audit trail")
		}
	})
}

func TestPublicPagesSetNoDashboardCookie(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		resp := e.client().Get("/s/" + e.st.Slug)
		for _, ck := range resp.Cookies() {
			if ck.Name == "undersign_session" || ck.Name == "undersign_csrf" {
				t.Errorf("public page set %s", ck.Name)
			}
		}
	})
}

func TestSessionCookiesAreHostPrefixedOverHTTPS(t *testing.T) {
	d := apptest.NewDB(t, db.SQLite)
	e := newAdminEnv(t, d, func(c *config.Config) { c.BaseURL = "https://undersign.test" })
	resp := e.client().Get("/admin/login")
	names := map[string]*http.Cookie{}
	for _, ck := range resp.Cookies() {
		names[ck.Name] = ck
	}
	for _, n := range []string{"__Host-undersign_session", "__Host-undersign_csrf"} {
		ck := names[n]
		if ck == nil || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: %+v", n, ck)
		}
	}
}

func TestCSRFIsRefused(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		sig := e.signature(e.st, "Acme", "a@acme.example")
		path := "/admin/s/" + e.st.Slug + "/signatures/" + idStr(sig.ID) + "/decide"
		form := func(tok string) url.Values {
			v := url.Values{"action": {"approve"}, "version": {"1"}}
			if tok != "" {
				v.Set("_csrf", tok)
			}
			return v
		}

		c := e.client()
		preLogin := adminCSRF(t, c, "/admin/login")
		if resp := c.PostForm("/admin/login", url.Values{"_csrf": {preLogin}, "email": {e.mod.Email}, "password": {adminTestPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		other := e.loggedIn(e.admin.Email)
		otherTok := adminCSRF(t, other, "/admin/account")

		for name, tok := range map[string]string{"no token": "", "another session's token": otherTok, "pre-login token": preLogin} {
			if resp := c.PostForm(path, form(tok)); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, resp.StatusCode)
			}
		}
		if got := e.reload(sig); got.Status != models.StatusPending {
			t.Fatalf("a refused POST changed the signature: %s", got.Status)
		}
		if resp := c.PostForm(path, form(adminCSRF(t, c, "/admin/account"))); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("with the session's own token: %d, want 303", resp.StatusCode)
		}
		if got := e.reload(sig); got.Status != models.StatusApproved {
			t.Errorf("after a valid POST: %s", got.Status)
		}
	})
}

func TestLoginGivesNothingAway(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		gone := e.user("gone@example.org", models.RoleModerator)
		svc := auth.New(e.in.Store, e.in.Keys, nil, "")
		if err := svc.SetDisabled(context.Background(), audit.Actor{}, gone.ID, true); err != nil {
			t.Fatal(err)
		}
		var answers []*apptest.Response
		for _, email := range []string{"nobody@example.org", e.mod.Email, gone.Email} {
			pw := "wrong password here"
			if email == gone.Email {
				pw = adminTestPassword
			}
			answers = append(answers, adminLogin(t, e.client(), email, pw, ""))
		}
		for i, r := range answers {
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("answer %d: %d, want 422", i, r.StatusCode)
			}
			r.Body = strings.ReplaceAll(r.Body, []string{"nobody@example.org", e.mod.Email, gone.Email}[i], "EMAIL")
			if adminMain(r.Body) != adminMain(answers[0].Body) {
				t.Errorf("answer %d differs from the unknown account's:\n%s\n---\n%s", i, adminMain(r.Body), adminMain(answers[0].Body))
			}
		}
	})
}

// throttleEnv trusts X-Forwarded-For from the test client, so that tests
// can log in from several addresses.
func throttleEnv(t *testing.T, d *db.DB) *adminEnv {
	return newAdminEnv(t, d, func(c *config.Config) { c.TrustedProxies = []string{"0.0.0.0/0", "::/0"} })
}

func adminFromIP(e *adminEnv, ip string) *apptest.Client {
	c := e.client()
	c.Header.Set("X-Forwarded-For", ip)
	return c
}

func TestLoginIsThrottledPerAccountAndPerIP(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := throttleEnv(t, d)
		for i := range auth.MaxFailures {
			ip := "192.0.2." + idStr(int64(i+1))
			if r := adminLogin(t, adminFromIP(e, ip), e.mod.Email, "wrong password here", ""); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, r.StatusCode)
			}
		}
		r := adminLogin(t, adminFromIP(e, "192.0.2.99"), e.mod.Email, adminTestPassword, "")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("6th attempt on the account, right password, new IP: %d, want 429 with Retry-After", r.StatusCode)
		}

		for i := range auth.MaxFailures {
			adminLogin(t, adminFromIP(e, "198.51.100.7"), "guess"+idStr(int64(i))+"@example.org", "whatever it is", "")
		}
		if r := adminLogin(t, adminFromIP(e, "198.51.100.7"), e.admin.Email, adminTestPassword, ""); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("after 5 failures from one IP, another account from it: %d, want 429", r.StatusCode)
		}
		if r := adminLogin(t, adminFromIP(e, "198.51.100.8"), e.admin.Email, adminTestPassword, ""); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the same account from another IP: %d, want 303", r.StatusCode)
		}
		if n := e.auditCount(audit.LoginFailed); n != 2*auth.MaxFailures {
			t.Errorf("failed logins in the audit trail: %d", n)
		}
	})
}

func TestNextAcceptsOnlyLocalPaths(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		for next, want := range map[string]string{
			"//evil.example":         "/admin",
			"/\\evil.example":        "/admin",
			"https://evil.example/x": "/admin",
			"javascript:alert(1)":    "/admin",
			"/admin/users?x=1":       "/admin/users?x=1",
		} {
			r := adminLogin(t, e.client(), e.admin.Email, adminTestPassword, next)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("next=%q: %d Location %q, want %q", next, r.StatusCode, r.Header.Get("Location"), want)
			}
		}
		r := e.client().Get("/admin/login?next=//evil.example")
		if strings.Contains(r.Body, "evil.example") {
			t.Error("the login form carries a foreign next")
		}
	})
}

func TestTOTPCodesWorkOnce(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newAdminEnv(t, d)
		svc := auth.New(e.in.Store, e.in.Keys, nil, "")
		setup, err := svc.NewTOTP(e.mod)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		first, _ := auth.TOTPCode(setup.Secret, now.Add(-30*time.Second))
		recovery, err := svc.EnableTOTP(ctx, e.mod, setup.Secret, first, "")
		if err != nil {
			t.Fatalf("enable: %v", err)
		}
		code, _ := auth.TOTPCode(setup.Secret, now)

		loginWithCode := func(code string) *apptest.Response {
			c := e.client()
			r := adminLogin(t, c, e.mod.Email, adminTestPassword, "")
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login/code" {
				t.Fatalf("password step: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			if r := c.Get("/admin"); r.StatusCode != http.StatusFound {
				t.Fatalf("dashboard between password and code: %d, want a redirect", r.StatusCode)
			}
			tok := adminCSRF(t, c, "/admin/login/code")
			return c.PostForm("/admin/login/code", url.Values{"_csrf": {tok}, "code": {code}})
		}
		if r := loginWithCode(code); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use of the code: %d", r.StatusCode)
		}
		if r := loginWithCode(code); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("replayed code: %d, want 422", r.StatusCode)
		}
		if r := loginWithCode(first); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("the code used to turn TOTP on: %d, want 422", r.StatusCode)
		}
		if r := loginWithCode(recovery[0]); r.StatusCode != http.StatusSeeOther {
			t.Errorf("recovery code: %d", r.StatusCode)
		}
		if r := loginWithCode(strings.ToUpper(recovery[0])); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("recovery code used twice: %d, want 422", r.StatusCode)
		}
	})
}

func TestIdleSessionsExpire(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		c := e.loggedIn(e.mod.Email)
		if r := c.Get("/admin"); r.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", r.StatusCode)
		}
		var s models.Session
		if err := d.Where("key_hash = ?", keys.HashToken(adminCookie(c, "undersign_session"))).Take(&s).Error; err != nil {
			t.Fatalf("the session is not stored under the hash of its id: %v", err)
		}
		if left := time.Until(s.ExpiresAt); left > 31*time.Minute || left < 29*time.Minute {
			t.Errorf("session expires in %s, want the 30-minute idle timeout", left)
		}
		d.Model(&models.Session{}).Where("key_hash = ?", s.KeyHash).Update("expires_at", time.Now().UTC().Add(-time.Second))
		if r := c.Get("/admin"); r.StatusCode != http.StatusFound {
			t.Errorf("idle session: %d, want a redirect to the login", r.StatusCode)
		}
	})
}

func TestTOTPSetupThroughTheAccountPage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		c := e.loggedIn(e.mod.Email)
		r := adminPost(t, c, "/admin/account/totp/setup", nil)
		m := regexp.MustCompile(`type the secret <code>([A-Z2-7]+)</code>`).FindStringSubmatch(r.Body)
		if r.StatusCode != http.StatusOK || m == nil || !strings.Contains(r.Body, `src="data:image/png;base64,`) {
			t.Fatalf("setup page: %d", r.StatusCode)
		}
		if r := adminPost(t, c, "/admin/account/totp/enable", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("wrong first code: %d, want 422", r.StatusCode)
		}
		code, _ := auth.TOTPCode(m[1], time.Now())
		r = adminPost(t, c, "/admin/account/totp/enable", url.Values{"code": {code}})
		if r.StatusCode != http.StatusOK || strings.Count(r.Body, "<li><code>") != 10 {
			t.Fatalf("enable: %d, want the 10 recovery codes", r.StatusCode)
		}
		u, _ := e.in.Store.UserByID(context.Background(), e.mod.ID)
		if !u.TOTPEnabled || strings.Contains(u.TOTPSecret, m[1]) {
			t.Errorf("stored: enabled=%v, secret in clear=%v", u.TOTPEnabled, strings.Contains(u.TOTPSecret, m[1]))
		}
		if r := adminLogin(t, e.client(), e.mod.Email, adminTestPassword, ""); r.Header.Get("Location") != "/admin/login/code" {
			t.Errorf("login after enabling: %s, want the code step", r.Header.Get("Location"))
		}
		if r := adminPost(t, c, "/admin/account/totp/disable", nil); r.StatusCode != http.StatusSeeOther {
			t.Errorf("disable: %d", r.StatusCode)
		}
		if e.auditCount(audit.TOTPEnabled) != 1 || e.auditCount(audit.TOTPDisabled) != 1 {
			t.Error("second-factor changes are not audited")
		}
	})
}
