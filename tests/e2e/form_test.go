package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// signButton is the visible Sign button (the form has a hidden one first,
// for Enter in a field).
const signButton = "form.sign-form button[name=action][value=sign]:not([aria-hidden])"

// fieldError is how the page presents one field and its message.
type fieldError struct {
	Invalid     string  `json:"invalid"`
	DescribedBy string  `json:"describedBy"`
	Message     string  `json:"message"`
	Visible     bool    `json:"visible"`
	SameField   bool    `json:"sameField"`
	Gap         float64 `json:"gap"`
}

// TestSignFormErrorsAndCaptchaReloadInTheBrowser submits a wrong form and
// checks that each message shows next to its field, is tied to it for
// screen readers, and that the typed values stay; then it asks for other
// CAPTCHA digits, which the page's script swaps in without a reload, and
// signs with them by pressing Enter in a text field.
func TestSignFormErrorsAndCaptchaReloadInTheBrowser(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := apptest.Browser(t)
		srv := startServer(t, d, nil)
		do(t, ctx, "open the statement", chromedp.Navigate(srv.URL+"/s/"+slug),
			chromedp.WaitVisible(chromedp.CSS("form.sign-form")))
		_, answer := solveCaptcha(t, ctx, d)
		wrong := "1" + answer[1:]
		if answer[0] == '1' {
			wrong = "2" + answer[1:]
		}
		do(t, ctx, "fill the form wrongly",
			chromedp.SendKeys(chromedp.CSS("form.sign-form input[name=name]"), "X"),
			chromedp.SendKeys(chromedp.CSS("form.sign-form input[name=website]"), "www.example.org"),
			chromedp.SendKeys(chromedp.CSS("form.sign-form input[name=city]"), "Lviv"),
			chromedp.SendKeys(chromedp.CSS("form.sign-form input[name=email]"), "not-an-email"),
			chromedp.SendKeys(chromedp.CSS("form.sign-form input[name=captcha_answer]"), wrong),
			chromedp.Click(chromedp.CSS(signButton)),
			chromedp.WaitVisible(chromedp.ID("sign-errors")))
		apptest.Screenshot(t, ctx, "errors")

		shown := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll("form.sign-form .error[id$='-error']"),
			function (e) { return e.id.replace(/-error$/, ""); })`)
		for _, name := range []string{"name", "country", "email", "captcha_answer", "consent"} {
			if !slices.Contains(shown, name) {
				t.Errorf("no message for %s; messages for %v", name, shown)
			}
		}
		for _, name := range shown {
			f := eval[fieldError](t, ctx, fmt.Sprintf(`(function () {
				var input = document.querySelector("form.sign-form [name=%[1]s]:not([type=hidden])");
				var msg = document.getElementById("%[1]s-error");
				if (!input) { return { invalid: "no field" }; }
				var box = input.closest(".field, fieldset");
				var a = input.getBoundingClientRect(), b = msg.getBoundingClientRect();
				return { invalid: input.getAttribute("aria-invalid") || "", describedBy: input.getAttribute("aria-describedby") || "",
					message: msg.textContent.trim(), visible: b.width > 0 && b.height > 0,
					sameField: !!box && box.contains(msg), gap: b.top - a.bottom };
			})()`, name))
			if f.Invalid != "true" || !slices.Contains(strings.Fields(f.DescribedBy), name+"-error") {
				t.Errorf("%s: aria-invalid=%q aria-describedby=%q; want true and %s-error", name, f.Invalid, f.DescribedBy, name)
			}
			if f.Message == "" || !f.Visible || !f.SameField || f.Gap < 0 || f.Gap > 80 {
				t.Errorf("%s: message %q is not shown right under its field (visible %v, same field %v, %.0fpx below)",
					name, f.Message, f.Visible, f.SameField, f.Gap)
			}
		}
		for name, want := range map[string]string{"name": "X", "website": "www.example.org", "city": "Lviv",
			"email": "not-an-email", "captcha_answer": ""} {
			got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("form.sign-form [name=%s]").value`, name))
			if got != want {
				t.Errorf("after the errors, %s is %q, want %q", name, got, want)
			}
		}
		checkA11y(t, ctx, "form with errors")
		if writeDocs(d) {
			docShot(t, ctx, "form", eval[float64](t, ctx,
				`Math.max(0, document.getElementById("sign-heading").getBoundingClientRect().top + window.scrollY - 24)`))
		}

		reloadCaptcha(t, ctx)
		_, answer = solveCaptcha(t, ctx, d)
		union, ukraine := optionLabel(t, ctx, "sign-org-type", "union"), optionLabel(t, ctx, "sign-country", "UA")
		field := func(name string) chromedp.CSS { return chromedp.CSS("form.sign-form [name=" + name + "]") }
		do(t, ctx, "correct the form and press Enter in the digits field",
			chromedp.Clear(field("name")), chromedp.SendKeys(field("name"), "Lviv Teachers"),
			chromedp.Focus(field("org_type")), chromedp.KeyEvent(union),
			chromedp.Focus(field("country")), chromedp.KeyEvent(ukraine),
			chromedp.Clear(field("contact_name")), chromedp.SendKeys(field("contact_name"), "Taras Shevchuk"),
			chromedp.Clear(field("email")), chromedp.SendKeys(field("email"), "teachers@example.org"),
			chromedp.Focus(field("consent")), chromedp.KeyEvent(" "),
			chromedp.Focus(field("captcha_answer")), chromedp.KeyEvent(answer+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("section.inbox")))
		var sigs []models.Signature
		d.Find(&sigs)
		if len(sigs) != 1 || sigs[0].Name != "Lviv Teachers" || sigs[0].City != "Lviv" || sigs[0].Country != "UA" {
			t.Errorf("stored after correcting: %+v", sigs)
		}
	})
}

// reloadCaptcha asks for other digits and checks that the script replaced
// the challenge in place: a new id and image, the page not reloaded, the
// digits field emptied and focused.
func reloadCaptcha(t *testing.T, ctx context.Context) {
	t.Helper()
	before := eval[string](t, ctx, `window.__samePage = true; document.querySelector("form.sign-form input[name=captcha_id]").value`)
	do(t, ctx, "ask for other digits", chromedp.Click(chromedp.CSS("form.sign-form button[name=action][value=reload]")))
	poll(t, ctx, "a new CAPTCHA in place", fmt.Sprintf(`(function () {
		var id = document.querySelector("form.sign-form input[name=captcha_id]").value;
		var img = document.querySelector("form.sign-form img.captcha-image");
		var audio = document.querySelector("form.sign-form a.captcha-audio");
		return id !== %s && img.src.indexOf(id) >= 0 && audio.href.indexOf(id) >= 0 && img.complete && img.naturalWidth > 0;
	})()`, strconv.Quote(before)))
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("the page reloaded to show other digits")
	}
	if !eval[bool](t, ctx, `document.activeElement === document.querySelector("form.sign-form input[name=captcha_answer]") && document.activeElement.value === ""`) {
		t.Error("after new digits, the digits field is not empty and focused")
	}
	apptest.Screenshot(t, ctx, "captcha-reloaded")
}
