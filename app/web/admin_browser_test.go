package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// TestDashboardInABrowser logs a moderator in with a real browser, checks
// that the queue fits a phone's width without scrolling sideways, and
// approves a signature through the confirmation, without any script
// needed.
func TestDashboardInABrowser(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := apptest.Browser(t)
		srv := apptest.StartServer(t, d)
		st, err := srv.Store.StatementBySlug(context.Background(), "no-to-imperialist-invasion")
		if err != nil {
			t.Fatal(err)
		}
		mod := &models.User{Email: "mod@example.org", Role: models.RoleModerator, PasswordHash: auth.HashPassword(adminTestPassword)}
		if err := srv.Store.CreateUser(context.Background(), mod); err != nil {
			t.Fatal(err)
		}
		var sigs []*models.Signature
		for _, n := range []string{"Workers' Solidarity Association of a Very Long Name Indeed", "Green Peace", "Greenpeace"} {
			now := time.Now().UTC()
			email := "contact@" + idStr(int64(len(sigs))) + ".example.org"
			sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
				Version: 1, Name: n, NameNorm: n, Country: "UA", City: "Kyiv", Website: "https://a-rather-long-domain-name.example.org/about",
				Email: &email, EmailDomain: "example.org", VersionHash: st.VersionHash, CreatedAt: now, UpdatedAt: now}
			if _, err := srv.Store.InsertSignature(context.Background(), sig); err != nil {
				t.Fatal(err)
			}
			sigs = append(sigs, sig)
		}

		err = chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(srv.URL+"/admin/s/"+st.Slug+"/signatures"),
			chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), mod.Email),
			chromedp.SendKeys(chromedp.CSS("#password"), adminTestPassword),
			chromedp.Submit(chromedp.CSS("#password")),
			chromedp.WaitVisible(chromedp.CSS("table.queue")),
		)
		if err != nil {
			t.Fatalf("log in and open the queue: %v", err)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil {
			t.Fatal(err)
		}
		apptest.Screenshot(t, ctx, "queue-phone")
		if overflow {
			t.Error("the queue scrolls sideways on a 390px-wide phone")
		}
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("table.queue tbody tr:first-child details.confirm summary")),
			chromedp.Click(chromedp.CSS("table.queue tbody tr:first-child details.confirm button")),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if err != nil {
			t.Fatalf("approve through the confirmation: %v", err)
		}
		got, _ := srv.Store.SignatureByID(context.Background(), sigs[0].ID)
		if got.Status != models.StatusApproved {
			t.Errorf("after approving in the browser: %s", got.Status)
		}
		err = chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/admin"),
			chromedp.WaitVisible(chromedp.CSS("figure.arrivals svg")))
		if err != nil {
			t.Fatal(err)
		}
		apptest.Screenshot(t, ctx, "overview-laptop")
		err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/admin/s/"+st.Slug+"/signatures?status=all"),
			chromedp.WaitVisible(chromedp.CSS("table.queue")))
		if err != nil {
			t.Fatal(err)
		}
		apptest.Screenshot(t, ctx, "queue-laptop")
		err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/admin/s/"+st.Slug+"/signatures/"+idStr(sigs[1].ID)),
			chromedp.Click(chromedp.CSS("details.confirm:nth-of-type(2) summary")),
			chromedp.WaitVisible(chromedp.CSS("#reason")))
		if err != nil {
			t.Fatal(err)
		}
		apptest.Screenshot(t, ctx, "signature-laptop")
	})
}
