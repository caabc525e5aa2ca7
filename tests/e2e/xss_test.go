package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// hostileNames would run script wherever a page put them into markup
// unescaped; each calls alert.
var hostileNames = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	`'><svg onload=alert(3)>`,
	"\u202Egnp.exe<b onmouseover=alert(4)>x</b>",
	`</textarea><script>alert(5)</script>`,
}

// TestStoredXSSIsInertOnEveryPage signs hostile names (approved ones for
// the public pages, pending ones for the queue), then opens every page that
// shows them in a real browser, with alert, confirm and prompt counting
// calls, and checks none was made and no injected element exists.
func TestStoredXSSIsInertOnEveryPage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := startServer(t, d, nil)
		ctx := apptest.Browser(t)
		st, err := srv.Store.StatementBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		var firstID int64
		for i, name := range hostileNames {
			for j, status := range []models.SignatureStatus{models.StatusApproved, models.StatusPending} {
				id := hostileSignature(t, srv, st, name, fmt.Sprintf("xss%d-%d@example.org", i, j), status)
				if firstID == 0 {
					firstID = id
				}
			}
		}
		addUser(t, srv, "xss-admin@example.org", models.RoleAdmin)
		_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__dialogs = 0;
				window.alert = window.confirm = window.prompt = function () { window.__dialogs++; return true; };`})
		if err != nil {
			t.Fatal(err)
		}
		pages := []string{
			"/s/" + slug, "/s/" + slug + "/signatories", "/s/" + slug + "/signatories?q=script",
			"/embed/" + slug + "?show=both", "/s/" + slug + "/embed",
		}
		for _, p := range pages {
			checkInert(t, ctx, srv.URL+p)
		}
		login(t, ctx, srv, "xss-admin@example.org", "/admin")
		for _, p := range []string{
			"/admin", "/admin/s/" + slug + "/signatures", "/admin/s/" + slug + "/signatures?status=approved",
			fmt.Sprintf("/admin/s/%s/signatures/%d", slug, firstID), "/admin/audit",
		} {
			checkInert(t, ctx, srv.URL+p)
		}
	})
}

// checkInert opens url, hovers and waits a moment so that event handlers
// would fire, and fails on any dialog or injected element.
func checkInert(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, "open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	time.Sleep(300 * time.Millisecond)
	got := eval[map[string]int](t, ctx, `(function () {
		var doc = document, n = 0;
		var frames = Array.prototype.slice.call(document.querySelectorAll("iframe"));
		var injected = doc.querySelectorAll("img[onerror], svg[onload], b[onmouseover], script:not([src])").length;
		document.querySelectorAll("*").forEach(function (el) {
			if (el.shadowRoot) { injected += el.shadowRoot.querySelectorAll("img, svg, script, b").length; }
			n++;
		});
		return {dialogs: window.__dialogs || 0, injected: injected, elements: n};
	})()`)
	if got["dialogs"] != 0 || got["injected"] != 0 {
		apptest.Screenshot(t, ctx, "xss")
		t.Errorf("%s: %d dialogs, %d injected elements", url, got["dialogs"], got["injected"])
	}
}

// hostileSignature stores a confirmed signature with a hostile name and
// website, moved to status the way moderation does.
func hostileSignature(t *testing.T, srv *apptest.Server, st *models.Statement, name, email string, status models.SignatureStatus) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending, Version: 1,
		Name: name, NameNorm: name + email, Website: "javascript:alert(9)", Country: "DE", OrgType: "union",
		Email: &email, EmailDomain: "example.org", Comment: `<img src=x onerror=alert(6)>`, VersionHash: st.VersionHash,
		Sends: 1, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
	if _, err := srv.Store.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	if status != models.StatusPending {
		if err := srv.Store.Transition(ctx, sig, status, nil); err != nil {
			t.Fatal(err)
		}
	}
	return sig.ID
}
