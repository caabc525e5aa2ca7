package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

// adminRoute is one dashboard route, the form it is sent, the status an
// allowed user gets and whether only admins are allowed.
type adminRoute struct {
	method, path string
	form         url.Values
	ok           int
	adminOnly    bool
}

func adminRoutes(e *adminEnv, sig *models.Signature) []adminRoute {
	q := "/admin/s/" + e.st.Slug + "/signatures"
	one := q + "/" + idStr(sig.ID)
	stale := url.Values{"action": {"spam"}, "version": {"999"}}
	edit := url.Values{"version": {"999"}, "name": {"X"}, "country": {"DE"}}
	return []adminRoute{
		{"GET", "/admin", nil, 200, false},
		{"GET", "/admin/account", nil, 200, false},
		{"POST", "/admin/account/totp/setup", nil, 200, false},
		{"GET", q, nil, 200, false},
		{"GET", q + "?status=all&q=acme&country=DE&kind=organisation&verified=no&from=2020-01-01&to=2100-01-01", nil, 200, false},
		{"GET", one, nil, 200, false},
		{"POST", one + "/decide", stale, 409, false},
		{"POST", one + "/edit", edit, 409, false},
		{"POST", q + "/bulk", nil, 303, false},
		{"POST", "/admin/s/" + e.st.Slug + "/export", url.Values{"format": {"csv"}}, 200, true},
		{"GET", "/admin/statements/new", nil, 200, true},
		{"POST", "/admin/statements/new", url.Values{"slug": {"Bad Slug"}}, 422, true},
		{"GET", "/admin/statements/" + idStr(e.st.ID), nil, 200, true},
		{"POST", "/admin/statements/" + idStr(e.st.ID), url.Values{"preview": {"1"}, "body": {"*hi*"}}, 200, true},
		{"GET", "/admin/users", nil, 200, true},
		{"POST", "/admin/users/invite", url.Values{"email": {"nope"}}, 422, true},
		{"POST", "/admin/users/" + idStr(e.mod.ID) + "/enable", nil, 303, true},
		{"GET", "/admin/reasons", nil, 200, true},
		{"POST", "/admin/reasons", url.Values{"code": {"!"}}, 422, true},
		{"POST", "/admin/reasons/1/toggle", url.Values{"active": {"1"}}, 303, true},
		{"GET", "/admin/audit", nil, 200, true},
		{"GET", "/admin/audit?action=login.failed&actor=1&statement=1&target=user&target_id=1", nil, 200, true},
	}
}

func TestAdminAuthorisationMatrix(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		sig := e.signature(e.st, "Acme", "a@acme.example")
		gone := e.user("gone@example.org", models.RoleAdmin)
		goneClient := e.loggedIn(gone.Email)
		err := auth.New(e.in.Store, e.in.Keys, nil, "").SetDisabled(context.Background(), audit.Actor{}, gone.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		clients := map[string]*apptest.Client{
			"anonymous": e.client(), "moderator": e.loggedIn(e.mod.Email), "admin": e.loggedIn(e.admin.Email),
			"disabled": goneClient,
		}
		for role, c := range clients {
			for _, r := range adminRoutes(e, sig) {
				var resp *apptest.Response
				if r.method == "GET" {
					resp = c.Get(r.path)
				} else {
					resp = adminPost(t, c, r.path, r.form)
				}
				want := r.ok
				switch {
				case role == "anonymous" || role == "disabled":
					want = http.StatusFound
				case role == "moderator" && r.adminOnly:
					want = http.StatusForbidden
				}
				if resp.StatusCode != want {
					t.Errorf("%s %s %s: %d, want %d", role, r.method, r.path, resp.StatusCode, want)
				}
				if want == http.StatusFound && !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
					t.Errorf("%s %s %s: redirected to %q", role, r.method, r.path, resp.Header.Get("Location"))
				}
			}
		}
		if got := e.reload(sig); got.Status != models.StatusPending || got.Version != 1 {
			t.Errorf("the matrix changed the signature: %s v%d", got.Status, got.Version)
		}
	})
}

func TestIDsOfOtherStatementsAndUsersDoNotWork(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newAdminEnv(t, d)
		other := &models.Statement{Slug: "other", Title: "Other", Body: "text", Status: models.StatementOpen, Lang: "en",
			AcceptsOrganisations: true}
		if _, err := e.in.Store.SaveStatement(ctx, other); err != nil {
			t.Fatal(err)
		}
		theirs := e.signature(other, "Theirs", "t@theirs.example")
		c := e.loggedIn(e.admin.Email)
		base := "/admin/s/" + e.st.Slug + "/signatures/" + idStr(theirs.ID)
		if r := c.Get(base); r.StatusCode != http.StatusNotFound {
			t.Errorf("another statement's signature under this statement: %d, want 404", r.StatusCode)
		}
		for _, path := range []string{base + "/decide", base + "/edit"} {
			form := url.Values{"action": {"approve"}, "version": {"1"}, "name": {"Changed"}, "country": {"DE"}}
			if r := adminPost(t, c, path, form); r.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, r.StatusCode)
			}
		}
		bulk := url.Values{"action": {"approve"}, "confirm": {"1"}, "sel": {idStr(theirs.ID) + ":1"}}
		adminPost(t, c, "/admin/s/"+e.st.Slug+"/signatures/bulk", bulk)
		if got := e.reload(theirs); got.Status != models.StatusPending || got.Name != "Theirs" {
			t.Errorf("another statement's signature changed: %s %q", got.Status, got.Name)
		}

		mod := e.loggedIn(e.mod.Email)
		if r := adminPost(t, mod, "/admin/users/"+idStr(e.admin.ID)+"/disable", nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("moderator disabling an admin: %d, want 403", r.StatusCode)
		}
		if r := adminPost(t, c, "/admin/users/"+idStr(e.admin.ID)+"/disable", nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("admin disabling themself: %d, want 403", r.StatusCode)
		}
		if r := adminPost(t, c, "/admin/users/99999/disable", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown user: %d, want 404", r.StatusCode)
		}
		if u, _ := e.in.Store.UserByID(ctx, e.admin.ID); !u.Active() {
			t.Error("the admin was disabled")
		}
	})
}
