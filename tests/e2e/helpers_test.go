package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// slug is the statement shipped with the binary that the tests sign.
const slug = "no-to-imperialist-invasion"

const modPassword = "a long moderator passphrase 42"

// startServer serves an instance whose rate limits stay out of the way,
// sending its email to mp when mp is not nil.
func startServer(t *testing.T, d *db.DB, mp *apptest.Mailpit) *apptest.Server {
	t.Helper()
	return apptest.StartServer(t, d, func(c *config.Config) {
		c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "1000/10m", "1000/1h", "1000/10m"
		if mp != nil {
			c.SMTPURL = mp.SMTPURL
			c.MailFrom = "Statement <noreply@undersign.test>"
		}
	})
}

// addUser creates a dashboard account the way `undersign user add` does.
func addUser(t *testing.T, srv *apptest.Server, email string, role models.Role) {
	t.Helper()
	svc := auth.New(srv.Store, srv.Keys, nil, srv.URL)
	if _, err := svc.CreateUser(context.Background(), email, role, modPassword); err != nil {
		t.Fatalf("add %s: %v", role, err)
	}
}

// stepTimeout bounds each group of steps, so that a wait for an element
// that never comes fails quickly, with a screenshot.
const stepTimeout = 30 * time.Second

// do runs steps and fails the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		apptest.Screenshot(t, ctx, "failed")
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// poll waits until the expression is true in the page.
func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	do(t, ctx, what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second)))
}

// login logs in through the form.
func login(t *testing.T, ctx context.Context, srv *apptest.Server, email, next string) {
	t.Helper()
	do(t, ctx, "log in",
		chromedp.Navigate(srv.URL+"/admin/login?next="+next),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), modPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitNotPresent(chromedp.ID("password")),
	)
}

// solveCaptcha waits until the form's CAPTCHA image has loaded (which
// stores the challenge) and reads its answer from the database, as only a
// test may.
func solveCaptcha(t *testing.T, ctx context.Context, d *db.DB) (id, answer string) {
	t.Helper()
	do(t, ctx, "show the CAPTCHA", chromedp.ScrollIntoView(chromedp.CSS("form.sign-form img.captcha-image")))
	poll(t, ctx, "load the CAPTCHA image", `(function () {
		var img = document.querySelector("form.sign-form img.captcha-image");
		var id = document.querySelector("form.sign-form input[name=captcha_id]");
		return !!img && !!id && img.complete && img.naturalWidth > 0 && img.currentSrc.indexOf(id.value) >= 0;
	})()`)
	id = eval[string](t, ctx, `document.querySelector("form.sign-form input[name=captcha_id]").value`)
	var ch models.CaptchaChallenge
	if err := d.Where("id = ?", id).Take(&ch).Error; err != nil {
		t.Fatalf("CAPTCHA %s is not stored after its image loaded: %v", id, err)
	}
	return id, captcha.Answer(ch.Digits)
}

// optionLabel is the label of a select's option, whatever the language.
func optionLabel(t *testing.T, ctx context.Context, selectID, value string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#%s option[value='%s']").textContent.trim()`, selectID, value))
}

// setColorScheme makes the page match prefers-color-scheme: scheme
// ("light" or "dark").
func setColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	if err != nil {
		t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
	}
}

// thirdPartyPage serves, on another origin (localhost instead of
// 127.0.0.1, on its own port), a page of someone else's site that embeds
// both the framed list and the script widget of srv. It returns its URL.
func thirdPartyPage(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	body := strings.NewReplacer("{base}", srv.URL, "{slug}", slug).Replace(hostPage)
	hs := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(body))
	})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
}

const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Teachers of the world: news</title>
<style>body { font: 16px/1.5 Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.8rem; } iframe { display: block; width: 100%; height: 50px; border: 1px solid #ccc; }</style>
</head><body>
<h1>We signed the statement</h1>
<p>Our union co-signed the statement. The list below comes from the statement's site.</p>
<h2>Framed list</h2>
<iframe id="frame" src="{base}/embed/{slug}" title="Signatories of the statement"></iframe>
<h2>Script widget</h2>
<div id="widget" data-undersign="{slug}"></div>
<script src="{base}/embed/{slug}/widget.js" async></script>
<script src="{base}/static/embed-resize.js"></script>
</body></html>`

// frameTarget returns a context in the out-of-process frame whose URL
// starts with prefix.
func frameTarget(t *testing.T, ctx context.Context, prefix string) context.Context {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
				fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				// The first run attaches to the frame for as long as the
				// context it is given lives: give it no step timeout.
				if err := chromedp.Do(fctx); err != nil {
					t.Fatalf("attach to the frame: %v", err)
				}
				return fctx
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frame of %s on the page", prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// docShot saves a PNG for the README under docs/ when UNDERSIGN_WRITE_DOCS=1:
// the page 1280 px wide from top (CSS px), at most maxHeight tall.
func docShot(t *testing.T, ctx context.Context, name string, top float64) {
	t.Helper()
	if os.Getenv("UNDERSIGN_WRITE_DOCS") != "1" {
		return
	}
	const width, maxHeight = 1280, 1600
	height := eval[float64](t, ctx, `document.documentElement.scrollHeight`) - top
	height = min(max(height, 200), maxHeight)
	shot := func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true),
			Clip: &page.Viewport{X: 0, Y: top, Width: width, Height: height, Scale: 1}})
		return res.Data, err
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("docs screenshot %s: %v", name, err)
	}
	path := filepath.Join("..", "..", "docs", name+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil { // #nosec G306 -- a picture for the README
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d KB)", path, len(png)/1024)
}

// writeDocs is true in one subtest only, so the README's pictures come from
// one database.
func writeDocs(d *db.DB) bool { return d.Dialect == db.SQLite }
