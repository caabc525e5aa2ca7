package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// TestEmbedsOnAnotherSiteInABrowser puts the script widget and the framed
// list on a page of another origin, with hostile signatory names, and checks
// in Chromium that: the widget draws in a shadow root and only text; no
// script of the names runs; the widget leaves no global behind and its
// styles do not reach the host page; the frame sizes itself from the height
// it posts.
func TestEmbedsOnAnotherSiteInABrowser(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := apptest.Browser(t)
		srv := apptest.StartServer(t, d)
		st, err := srv.Store.StatementBySlug(context.Background(), listSlug)
		if err != nil {
			t.Fatal(err)
		}
		names := append([]string{"Plain Union"}, hostileNames...)
		for i, n := range names {
			approveDirect(t, srv, st, n, []string{"javascript:alert(7)", "https://plain.example/"}[i%2], i)
		}

		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, hostPage, html.EscapeString(srv.URL), listSlug)
		}))
		t.Cleanup(host.Close)

		err = chromedp.Do(ctx,
			chromedp.Navigate(host.URL),
			chromedp.Poll[chromedp.Void](`(function(){ var w = document.getElementById("w");
				return w && w.shadowRoot && w.shadowRoot.querySelectorAll("li").length > 0; })()`,
				chromedp.WithPollingTimeout(20*time.Second)),
			chromedp.Poll[chromedp.Void](`document.getElementById("f").getBoundingClientRect().height > 60`,
				chromedp.WithPollingTimeout(20*time.Second)),
		)
		if err != nil {
			t.Fatalf("the widget or the frame did not render on the host page: %v", err)
		}
		apptest.Screenshot(t, ctx, "host-page")

		got, err := chromedp.Run(ctx, chromedp.Evaluate[hostResult](`(function(){
			var root = document.getElementById("w").shadowRoot;
			var lis = root.querySelectorAll("li");
			var texts = [];
			for (var i = 0; i < lis.length; i++) { texts.push(lis[i].firstChild.textContent); }
			var after = Object.getOwnPropertyNames(window);
			var added = after.filter(function (n) { return window.__before.indexOf(n) < 0 && n !== "__before" && !/^[0-9]+$/.test(n); });
			return {
				items: lis.length, texts: texts,
				markup: root.querySelectorAll("script, img, iframe, object").length + document.querySelectorAll("img").length,
				badLinks: root.querySelectorAll('a[href^="javascript"], a[href^="data"]').length,
				links: root.querySelectorAll('a[rel="nofollow ugc noopener"]').length,
				alerts: window.__alerts, newGlobals: added,
				hostFont: getComputedStyle(document.querySelector("h1.us-count")).fontSize,
				frameH: document.getElementById("f").getBoundingClientRect().height
			};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Items != len(names) || got.Markup != 0 || got.BadLinks != 0 || got.Alerts != 0 {
			t.Errorf("widget: %d items (want %d), %d markup elements, %d unsafe links, %d alerts", got.Items, len(names), got.Markup, got.BadLinks, got.Alerts)
		}
		if got.Links == 0 {
			t.Error("widget links no website")
		}
		shown := strings.Join(got.Texts, "\n")
		for _, n := range hostileNames {
			if !strings.Contains(shown, strings.ReplaceAll(n, "\u202E", "")) {
				t.Errorf("widget does not show %q as text", n)
			}
		}
		if len(got.NewGlobals) > 0 {
			t.Errorf("the widget left globals behind: %v", got.NewGlobals)
		}
		if got.HostFont != "32px" {
			t.Errorf("the widget's styles reached the host page: h1 font-size %s", got.HostFont)
		}
		if got.FrameH <= 60 {
			t.Errorf("the frame did not size itself: %.0fpx", got.FrameH)
		}
	})
}

// hostResult is what the host page sees of the embeds.
type hostResult struct {
	Items      int      `json:"items"`
	Texts      []string `json:"texts"`
	Markup     int      `json:"markup"`
	BadLinks   int      `json:"badLinks"`
	Links      int      `json:"links"`
	Alerts     int      `json:"alerts"`
	NewGlobals []string `json:"newGlobals"`
	HostFont   string   `json:"hostFont"`
	FrameH     float64  `json:"frameH"`
}

// hostPage is another site's page with both embeds; %[1]s is undersign's
// base URL, %[2]s the statement's slug. It records alert() calls and the
// window's properties before the widget loads.
const hostPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Another site</title>
<script>window.__alerts = 0; window.alert = function () { window.__alerts++; }; window.__before = Object.getOwnPropertyNames(window);</script>
</head><body>
<h1 class="us-count">A heading of the host site</h1>
<div id="w" data-undersign="%[2]s" data-limit="50"></div>
<iframe id="f" src="%[1]s/embed/%[2]s?limit=50" style="height:50px;width:100%%;border:0" title="signatories"></iframe>
<script src="%[1]s/embed/%[2]s/widget.js"></script>
<script src="%[1]s/static/embed-resize.js"></script>
</body></html>`

func approveDirect(t *testing.T, srv *apptest.Server, st *models.Statement, name, website string, i int) {
	t.Helper()
	ctx := context.Background()
	email := fmt.Sprintf("browser%d@example.org", i)
	now := time.Now().UTC()
	sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending, Version: 1,
		Name: name, NameNorm: signing.NormaliseName(name), Website: website, OrgType: "union", Country: "UA",
		Email: &email, VersionHash: st.VersionHash, Sends: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := srv.Store.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	srv.Events.SignaturesChanged(st.ID)
}
