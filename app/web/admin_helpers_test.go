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
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/models"
)

const adminTestPassword = "correct horse battery staple"

// adminEnv is an instance with an admin, a moderator and a signature
// waiting on the shipped statement.
type adminEnv struct {
	t     *testing.T
	in    *instance.Instance
	st    *models.Statement
	admin *models.User
	mod   *models.User
}

func newAdminEnv(t *testing.T, d *db.DB, edit ...func(*config.Config)) *adminEnv {
	t.Helper()
	in := apptest.NewInstance(t, d, edit...)
	e := &adminEnv{t: t, in: in}
	sts, err := in.Store.Statements(context.Background())
	if err != nil || len(sts) == 0 {
		t.Fatalf("seeded statement: %v", err)
	}
	e.st = &sts[0]
	e.admin = e.user("admin@example.org", models.RoleAdmin)
	e.mod = e.user("mod@example.org", models.RoleModerator)
	return e
}

func (e *adminEnv) user(email string, role models.Role) *models.User {
	e.t.Helper()
	u := &models.User{Email: email, Role: role, PasswordHash: auth.HashPassword(adminTestPassword)}
	if err := e.in.Store.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// signature inserts a pending signature of st.
func (e *adminEnv) signature(st *models.Statement, name, email string) *models.Signature {
	e.t.Helper()
	now := time.Now().UTC()
	ip := "iphmac-test"
	domain := email[strings.IndexByte(email, '@')+1:]
	sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
		Version: 1, Name: name, NameNorm: strings.ToLower(name), Country: "DE", Email: &email, EmailDomain: domain,
		VersionHash: st.VersionHash, Sends: 1, IPHMAC: &ip, CreatedAt: now, UpdatedAt: now}
	ok, err := e.in.Store.InsertSignature(context.Background(), sig)
	if err != nil || !ok {
		e.t.Fatalf("insert signature: %v %v", ok, err)
	}
	return sig
}

func (e *adminEnv) reload(sig *models.Signature) *models.Signature {
	e.t.Helper()
	got, err := e.in.Store.SignatureByID(context.Background(), sig.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *adminEnv) client() *apptest.Client { return apptest.NewClient(e.t, e.in.Web.App()) }

// loggedIn returns a client logged in as email.
func (e *adminEnv) loggedIn(email string) *apptest.Client {
	e.t.Helper()
	c := e.client()
	resp := adminLogin(e.t, c, email, adminTestPassword, "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		e.t.Fatalf("login %s: %d %s", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

var adminCSRFRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the page at path.
func adminCSRF(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	resp := c.Get(path)
	m := adminCSRFRe.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("GET %s (%d): no CSRF token in the page", path, resp.StatusCode)
	}
	return m[1]
}

// login submits the login form.
func adminLogin(t *testing.T, c *apptest.Client, email, password, next string) *apptest.Response {
	t.Helper()
	tok := adminCSRF(t, c, "/admin/login")
	return c.PostForm("/admin/login", url.Values{"_csrf": {tok}, "email": {email}, "password": {password}, "next": {next}})
}

// post submits a form with a fresh CSRF token of the client's session.
func adminPost(t *testing.T, c *apptest.Client, path string, form url.Values) *apptest.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", adminAnyCSRF(t, c))
	return c.PostForm(path, form)
}

// anyCSRF returns a valid token of the client's session, logged in or not.
func adminAnyCSRF(t *testing.T, c *apptest.Client) string {
	t.Helper()
	for _, path := range []string{"/admin/account", "/admin/login"} {
		if m := adminCSRFRe.FindStringSubmatch(c.Get(path).Body); m != nil {
			return m[1]
		}
	}
	t.Fatal("no page with a CSRF token")
	return ""
}

func adminCookie(c *apptest.Client, name string) string {
	for _, ck := range c.Cookies() {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// mainOf is the page's main element, without its CSRF tokens, for
// comparing two answers.
func adminMain(body string) string {
	start, end := strings.Index(body, "<main"), strings.Index(body, "</main>")
	if start < 0 || end < start {
		return body
	}
	return adminCSRFRe.ReplaceAllString(body[start:end], "")
}

func (e *adminEnv) auditCount(action string) int64 {
	e.t.Helper()
	var n int64
	if err := e.in.Store.DB().Model(&models.AuditEvent{}).Where("action = ?", action).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}
