package e2e

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// pendingOrgs are the signatures waiting in the queue of the dashboard test.
var pendingOrgs = []struct{ name, website, city, country, orgType, comment string }{
	{"Union of Education Workers", "https://edu-union.example.org", "Kyiv", "UA", "union", "Solidarity from the teachers of Kyiv."},
	{"Dockworkers' Committee of the Port", "https://dockers.example.net", "Hamburg", "DE", "union", ""},
	{"Student Collective Against War", "", "Mexico City", "MX", "collective", "We stand with the working people of Ukraine."},
	{"Socialist Review", "https://review.example.com", "London", "GB", "media", ""},
	{"Nurses' Association", "https://nurses.example.org", "Lyon", "FR", "ngo", ""},
}

// TestBulkApproveInTheBrowser selects two rows of the queue, reviews the
// selection and confirms it; the two are approved and the others wait.
// axe-core checks the queue, the confirmation and the audit trail.
// (Approving one row through its own confirmation is
// app/web/admin_browser_test.go's TestDashboardInABrowser, and the journey's.)
func TestBulkApproveInTheBrowser(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := apptest.Browser(t)
		srv := startServer(t, d, nil)
		addUser(t, srv, "admin@example.org", models.RoleAdmin)
		sigs := insertPending(t, srv)

		login(t, ctx, srv, "admin@example.org", "/admin/s/"+slug+"/signatures")
		do(t, ctx, "open the queue", chromedp.WaitVisible(chromedp.CSS("table.queue")))
		apptest.Screenshot(t, ctx, "queue")
		checkA11y(t, ctx, "queue")
		if writeDocs(d) {
			docShot(t, ctx, "dashboard", 0)
		}

		pick := sigs[:2]
		for _, s := range pick {
			do(t, ctx, "select a row", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=sel][value^="%d:"]`, s.ID))))
		}
		if v := eval[string](t, ctx, `document.getElementById("bulk-action").value`); v != "approve" {
			t.Fatalf("the bulk decision defaults to %q", v)
		}
		do(t, ctx, "review the selection", chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form:has(input[name=confirm]) button[type=submit]`)))
		if n := eval[int](t, ctx, `document.querySelectorAll("form input[name=sel]").length`); n != len(pick) {
			t.Errorf("the confirmation lists %d rows, want %d", n, len(pick))
		}
		apptest.Screenshot(t, ctx, "bulk-confirm")
		checkA11y(t, ctx, "bulk confirmation")
		do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`form:has(input[name=confirm]) button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")))
		apptest.Screenshot(t, ctx, "bulk-done")
		for i, s := range sigs {
			got, err := srv.Store.SignatureByID(context.Background(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := models.StatusPending
			if i < len(pick) {
				want = models.StatusApproved
			}
			if got.Status != want {
				t.Errorf("%s: %s after the bulk approval, want %s", got.Name, got.Status, want)
			}
		}

		do(t, ctx, "open the audit trail", chromedp.Navigate(srv.URL+"/admin/audit"),
			chromedp.WaitVisible(chromedp.CSS("table.audit")))
		if n := eval[int](t, ctx, `document.querySelectorAll("table.audit tbody tr").length`); n < len(pick) {
			t.Errorf("the audit trail shows %d events, want at least %d", n, len(pick))
		}
		apptest.Screenshot(t, ctx, "audit")
		checkA11y(t, ctx, "audit")
	})
}

func insertPending(t *testing.T, srv *apptest.Server) []*models.Signature {
	t.Helper()
	ctx := context.Background()
	st, err := srv.Store.StatementBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	var out []*models.Signature
	for i, o := range pendingOrgs {
		domain := "mail.example.org"
		if u, err := url.Parse(o.website); err == nil && u.Host != "" {
			domain = u.Host
		}
		email := "secretary@" + domain
		ip := fmt.Sprintf("iphmac-e2e-%d", i)
		at := time.Now().UTC().Add(time.Duration(i-len(pendingOrgs)) * time.Hour)
		sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
			Version: 1, Name: o.name, NameNorm: signing.NormaliseName(o.name), Website: o.website, OrgType: o.orgType,
			Country: o.country, City: o.city, Comment: o.comment, Email: &email, EmailDomain: domain, DomainVerified: domain != "mail.example.org",
			VersionHash: st.VersionHash, Sends: 1, IPHMAC: &ip, CreatedAt: at, UpdatedAt: at}
		if ok, err := srv.Store.InsertSignature(ctx, sig); err != nil || !ok {
			t.Fatalf("insert %s: %v %v", o.name, ok, err)
		}
		out = append(out, sig)
	}
	return out
}
