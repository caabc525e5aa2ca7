package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

const orgName = "Спілка працівників освіти"

// TestSignModerateEmbedJourney is the whole journey in Chromium: a new
// organisation signs with the keyboard alone, confirms through the link in
// the email mailpit received, a moderator approves it in the queue, and the
// organisation then shows on the public list and on another site that
// embeds the list in a frame and with the script widget. axe-core checks
// each page on the way in the light and the dark colour scheme.
func TestSignModerateEmbedJourney(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := apptest.Browser(t)
		mp := apptest.StartMailpit(t)
		srv := startServer(t, d, mp)
		addUser(t, srv, "moderator@example.org", models.RoleModerator)

		do(t, ctx, "open the statement", chromedp.Navigate(srv.URL+"/s/"+slug),
			chromedp.WaitVisible(chromedp.CSS("article.statement h1")))
		apptest.Screenshot(t, ctx, "1-statement")
		checkA11y(t, ctx, "statement")
		if writeDocs(d) {
			docShot(t, ctx, "statement", 0)
		}

		signWithKeyboard(t, ctx, d)
		do(t, ctx, "reach the inbox page", chromedp.WaitVisible(chromedp.CSS("section.inbox")))
		apptest.Screenshot(t, ctx, "3-inbox")
		checkA11y(t, ctx, "inbox")

		msgs := mp.WaitForMessages(t, 1)
		if len(msgs) != 1 || msgs[0].To[0].Address != "olena@example.org" {
			t.Fatalf("%d emails; want one to olena@example.org", len(msgs))
		}
		link := regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/confirm/[A-Za-z0-9_-]{43}`).FindString(msgs[0].Text)
		if link == "" {
			t.Fatalf("no confirmation link in the email:\n%s", msgs[0].Text)
		}
		confirm := chromedp.CSS(`form[action^="/confirm/"] button[type=submit]`)
		do(t, ctx, "open the link from the email", chromedp.Navigate(link), chromedp.WaitVisible(confirm))
		apptest.Screenshot(t, ctx, "4-confirm")
		checkA11y(t, ctx, "confirm")
		do(t, ctx, "press Confirm", chromedp.Focus(confirm), chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("section.confirmed")))
		apptest.Screenshot(t, ctx, "5-confirmed")
		sig := onlySignature(t, d)
		if sig.Status != models.StatusPending || sig.Name != orgName || sig.Country != "UA" || sig.OrgType != "union" {
			t.Fatalf("after confirming: %s %q %s %s", sig.Status, sig.Name, sig.Country, sig.OrgType)
		}

		do(t, ctx, "open the login page", chromedp.Navigate(srv.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("email")))
		checkA11y(t, ctx, "login")
		login(t, ctx, srv, "moderator@example.org", "/admin/s/"+slug+"/signatures")
		row := fmt.Sprintf(`table.queue tr:has(input[name=sel][value^="%d:"])`, sig.ID)
		do(t, ctx, "approve in the queue", chromedp.WaitVisible(chromedp.CSS(row)),
			chromedp.Click(chromedp.CSS(row+" details.confirm summary")),
			chromedp.Click(chromedp.CSS(row+" details.confirm button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("p.flash")))
		apptest.Screenshot(t, ctx, "6-approved")
		if got := onlySignature(t, d); got.Status != models.StatusApproved {
			t.Fatalf("after approving: %s", got.Status)
		}

		do(t, ctx, "open the public list", chromedp.Navigate(srv.URL+"/s/"+slug+"/signatories"),
			chromedp.WaitVisible(chromedp.CSS("table.signatories")))
		if text := eval[string](t, ctx, `document.querySelector("table.signatories").innerText`); !strings.Contains(text, orgName) {
			t.Errorf("the public list does not show %q:\n%s", orgName, text)
		}
		apptest.Screenshot(t, ctx, "7-list")
		checkA11y(t, ctx, "public list")

		approveOthers(t, srv) // fill the embeds a little
		do(t, ctx, "open the embed page", chromedp.Navigate(srv.URL+"/embed/"+slug), chromedp.WaitVisible(chromedp.CSS(".us-list")))
		checkA11y(t, ctx, "embed")

		embedOnAnotherSite(t, ctx, srv, d)
	})
}

// signWithKeyboard fills the form under the statement with the keyboard
// alone: Tab from the top of the page to each field in turn, type, Space
// for the checkbox, Enter on the Sign button. Each focused element must
// show a focus outline.
func signWithKeyboard(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	tabTo(t, ctx, `form.sign-form input[name=name]`, 80)
	unionLabel, ukraineLabel := optionLabel(t, ctx, "sign-org-type", "union"), optionLabel(t, ctx, "sign-country", "UA")
	do(t, ctx, "type the name", chromedp.KeyEvent(orgName))
	steps := []struct {
		sel  string
		keys string // typed once focused; "captcha" types the answer
	}{
		{`select[name=org_type]`, unionLabel},
		{`input[name=website]`, "www.example.org/about"},
		{`select[name=country]`, ukraineLabel},
		{`input[name=city]`, "Kyiv"},
		{`input[name=contact_name]`, "Olena Petrenko"},
		{`input[name=contact_role]`, "Secretary"},
		{`input[name=email]`, "olena@example.org"},
		{`textarea[name=comment]`, "Solidarity."},
		{`a.captcha-audio[href$=".wav"]`, ""},
		{`input[name=captcha_answer]`, "captcha"},
		{`button[name=action][value=reload]`, ""},
		{`input[name=consent]`, " "},
		{`a[href="/privacy"]`, ""},
		{signButton, ""},
	}
	for _, s := range steps {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		assertFocused(t, ctx, s.sel)
		keys := s.keys
		if keys == "captcha" {
			_, keys = solveCaptcha(t, ctx, d)
		}
		if keys != "" {
			do(t, ctx, "type into "+s.sel, chromedp.KeyEvent(keys))
		}
	}
	apptest.Screenshot(t, ctx, "2-form-filled")
	audio, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("form.sign-form a.captcha-audio").href)
		.then(function (r) { return r.blob().then(function (b) { return r.status + " " + b.type + " " + (b.size > 1000); }); })`,
		chromedp.EvalAwaitPromise))
	if err != nil || audio != "200 audio/wav true" {
		t.Errorf("the audio CAPTCHA: %q %v", audio, err)
	}
	got := eval[map[string]string](t, ctx, `(function () {
		var f = document.querySelector("form.sign-form"), out = {};
		new FormData(f).forEach(function (v, k) { out[k] = String(v); });
		return out;
	})()`)
	want := map[string]string{"kind": "organisation", "name": orgName, "org_type": "union", "country": "UA",
		"city": "Kyiv", "email": "olena@example.org", "consent": "yes", "website": "www.example.org/about"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("after typing, field %s is %q, want %q", k, got[k], v)
		}
	}
	do(t, ctx, "press Enter on Sign", chromedp.KeyEvent(kb.Enter))
}

// tabTo presses Tab until the focused element matches sel.
func tabTo(t *testing.T, ctx context.Context, sel string, limit int) {
	t.Helper()
	match := fmt.Sprintf(`document.activeElement && document.activeElement.matches(%s)`, strconv.Quote(sel))
	for range limit {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		if eval[bool](t, ctx, match) {
			assertFocused(t, ctx, sel)
			return
		}
	}
	t.Fatalf("%d presses of Tab never reached %s", limit, sel)
}

// focusState is what the focused element shows.
type focusState struct {
	Match   bool    `json:"match"`
	Element string  `json:"element"`
	Style   string  `json:"style"`
	Width   float64 `json:"width"`
}

// assertFocused checks that the focused element matches sel and that its
// focus is visible: a solid outline of at least 2 px.
func assertFocused(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	f := eval[focusState](t, ctx, fmt.Sprintf(`(function () {
		var e = document.activeElement, s = getComputedStyle(e);
		return { match: e.matches(%s), element: e.outerHTML.slice(0, 120),
			style: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0 };
	})()`, strconv.Quote(sel)))
	if !f.Match {
		t.Fatalf("Tab focused %s, want %s", f.Element, sel)
	}
	if f.Style == "none" || f.Width < 2 {
		t.Errorf("focus is not visible on %s: outline %s %.1fpx", sel, f.Style, f.Width)
	}
}

func onlySignature(t *testing.T, d *db.DB) models.Signature {
	t.Helper()
	var sigs []models.Signature
	if err := d.Order("id").Find(&sigs).Error; err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 {
		t.Fatalf("%d signatures stored, want 1", len(sigs))
	}
	return sigs[0]
}

// embedOnAnotherSite opens a page of another origin that frames the list
// and loads the script widget, and checks that both show the organisation
// and that the frame took the height of its content.
func embedOnAnotherSite(t *testing.T, ctx context.Context, srv *apptest.Server, d *db.DB) {
	t.Helper()
	host := thirdPartyPage(t, srv)
	do(t, ctx, "open the third-party page", chromedp.Navigate(host), chromedp.WaitVisible(chromedp.ID("frame")))
	poll(t, ctx, "the widget lists the organisation", fmt.Sprintf(`(function () {
		var w = document.getElementById("widget");
		return !!w.shadowRoot && w.shadowRoot.textContent.indexOf(%s) >= 0;
	})()`, strconv.Quote(orgName)))

	frame := frameTarget(t, ctx, srv.URL+"/embed/"+slug)
	do(t, frame, "the frame lists the organisation", chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`document.body.innerText.indexOf(%s) >= 0`, strconv.Quote(orgName)),
		chromedp.WithPollingTimeout(20*time.Second)))
	content := eval[float64](t, frame, `Math.ceil(document.documentElement.getBoundingClientRect().height)`)
	poll(t, ctx, "the frame takes its content's height", fmt.Sprintf(
		`Math.abs(document.getElementById("frame").clientHeight - %v) <= 1`, content))
	if content <= 50 {
		t.Errorf("the frame's content is %.0fpx tall, no more than the frame's initial 50px: nothing grew", content)
	}
	// The ✓ of a verified domain must be read out as words.
	named := `(function (root) {
		var marks = root.querySelectorAll(".us-verified");
		return marks.length > 0 && Array.prototype.every.call(marks, function (m) {
			return m.getAttribute("role") === "img" && (m.getAttribute("aria-label") || "").trim() !== "";
		});
	})(%s)`
	if !eval[bool](t, frame, fmt.Sprintf(named, "document")) {
		t.Error("the frame's verified marks have no accessible name")
	}
	if !eval[bool](t, ctx, fmt.Sprintf(named, `document.getElementById("widget").shadowRoot`)) {
		t.Error("the widget's verified marks have no accessible name")
	}
	apptest.Screenshot(t, ctx, "8-third-party")
	checkA11yOf(t, ctx, "script widget", `{include: [["#widget"]]}`)
	if writeDocs(d) {
		docShot(t, ctx, "embed", 0)
	}
}

// approveOthers publishes the dashboard test's organisations too.
func approveOthers(t *testing.T, srv *apptest.Server) {
	t.Helper()
	for _, sig := range insertPending(t, srv) {
		if err := srv.Store.Transition(context.Background(), sig, models.StatusApproved, nil); err != nil {
			t.Fatal(err)
		}
		srv.Events.SignaturesChanged(sig.StatementID)
	}
}
