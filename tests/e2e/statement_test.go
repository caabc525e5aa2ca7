package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

func TestStatementPageInTheBrowser(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := apptest.StartServer(t, d)
		ctx := apptest.Browser(t)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("article.statement h1"))); err != nil {
			t.Fatal(err)
		}
		title, err := chromedp.Run(ctx, chromedp.Title())
		if err != nil || !strings.Contains(title, "No to imperialist invasion") {
			t.Errorf("title %q %v", title, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".statement-body")))
		if err != nil || !strings.Contains(text, "Long live the international communist revolution!") {
			t.Errorf("statement body: %v", err)
		}
		apptest.Screenshot(t, ctx, "statement")
	})
}
