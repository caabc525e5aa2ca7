package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
	shipped "github.com/undersign/undersign/statements"
)

const seedPath = "/s/no-to-imperialist-invasion"

// seedParagraphs returns the paragraphs of the shipped statement's body as
// a reader sees them.
func seedParagraphs(t *testing.T) []string {
	t.Helper()
	src, err := shipped.FS.ReadFile("no-to-imperialist-invasion.md")
	if err != nil {
		t.Fatal(err)
	}
	st, err := statements.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range strings.Split(st.Body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) < 10 {
		t.Fatalf("seed text has %d paragraphs; expected the full statement", len(out))
	}
	return out
}

var paragraphRe = regexp.MustCompile(`(?s)<p>(.*?)</p>`)

func TestStatementPageShowsTheSeedTextWordForWord(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, apptest.NewInstance(t, d).Web.App())
		resp := c.Get(seedPath)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", seedPath, resp.StatusCode)
		}
		body := resp.Body
		start := strings.Index(body, `<div class="statement-body">`)
		end := strings.Index(body, `<p class="version`)
		if start < 0 || end < start {
			t.Fatal("statement body not found on the page")
		}
		var shown []string
		for _, m := range paragraphRe.FindAllStringSubmatch(body[start:end], -1) {
			shown = append(shown, html.UnescapeString(m[1]))
		}
		want := seedParagraphs(t)
		if len(shown) != len(want) {
			t.Fatalf("page shows %d paragraphs, seed has %d", len(shown), len(want))
		}
		for i := range want {
			if strings.TrimSpace(shown[i]) != want[i] {
				t.Errorf("paragraph %d differs:\npage: %q\nseed: %q", i+1, shown[i], want[i])
			}
		}
		for _, must := range []string{
			`<html lang="en"`, `<meta name="description"`, `<link rel="canonical" href="http://undersign.test` + seedPath + `"`,
			`property="og:title"`, `name="twitter:card"`, `media="print"`, "Editor's note", "A group of Chinese International Communists",
		} {
			if !strings.Contains(html.UnescapeString(body), must) {
				t.Errorf("page lacks %s", must)
			}
		}
	})
}

func TestCanonicalLinkIgnoresTheHostHeader(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		req := apptest.NewRequest(http.MethodGet, seedPath, nil, "")
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		resp := apptest.NewClient(t, in.Web.App()).Do(req)
		if strings.Contains(resp.Body, "evil.example") {
			t.Error("a link was built from the Host header")
		}
	})
}

func TestNotFoundAndDrafts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		draft := &models.Statement{Slug: "secret-draft", Title: "Draft", Body: "not yet", Status: models.StatementDraft,
			Lang: "en", AcceptsOrganisations: true}
		if _, err := in.Store.SaveStatement(context.Background(), draft); err != nil {
			t.Fatal(err)
		}
		c := apptest.NewClient(t, in.Web.App())
		for _, path := range []string{"/s/unknown", "/s/secret-draft", "/no/such/page"} {
			resp := c.Get(path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "Page not found") || strings.Contains(resp.Body, "not yet") {
				t.Errorf("GET %s: not the 404 page", path)
			}
		}
	})
}

func TestIndexRedirectsToTheOnlyOpenStatementOrListsThem(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		resp := c.Get("/")
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != seedPath {
			t.Fatalf("GET /: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		second := &models.Statement{Slug: "second", Title: "A second statement", Body: "text", Status: models.StatementOpen,
			Lang: "en", AcceptsOrganisations: true}
		if _, err := in.Store.SaveStatement(context.Background(), second); err != nil {
			t.Fatal(err)
		}
		resp = c.Get("/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `href="/s/second"`) || !strings.Contains(resp.Body, `href="`+seedPath+`"`) {
			t.Errorf("GET / with two open statements: %d, lists both? %v", resp.StatusCode, resp.Body)
		}
	})
}

func TestHealthAndReadiness(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		if r := c.Get("/healthz"); r.StatusCode != 200 {
			t.Errorf("/healthz: %d", r.StatusCode)
		}
		if r := c.Get("/readyz"); r.StatusCode != 200 {
			t.Errorf("/readyz on a migrated database: %d %s", r.StatusCode, r.Body)
		}
		_ = d.Close() // the database becomes unreachable
		if r := c.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz with the database closed: %d, want 503", r.StatusCode)
		}
		if r := c.Get("/healthz"); r.StatusCode != 200 {
			t.Errorf("/healthz must not depend on the database: %d", r.StatusCode)
		}
	})
}

func TestReadinessWhileMigrationsArePendingOrDraining(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		m, err := db.NewMigrator(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Down(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r := c.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "migrations pending") {
			t.Errorf("/readyz with a pending migration: %d %q", r.StatusCode, r.Body)
		}
		if _, err := m.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		in.Web.Drain()
		if r := c.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz while draining: %d", r.StatusCode)
		}
		if r := c.Get(seedPath); r.StatusCode != http.StatusOK {
			t.Errorf("requests are still served while draining: %d", r.StatusCode)
		}
	})
}

func TestLocaleChoice(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, apptest.NewInstance(t, d).Web.App())
		resp := c.Get(seedPath + "?lang=uk")
		if !strings.Contains(resp.Body, `<html lang="uk" dir="ltr">`) || !strings.Contains(resp.Body, "Від редакції") {
			t.Fatalf("?lang=uk: page not in Ukrainian")
		}
		if !strings.Contains(resp.Body, `<article class="statement" lang="en">`) {
			t.Error("the statement text keeps its own language")
		}
		// The choice is remembered in a cookie.
		if resp = c.Get(seedPath); !strings.Contains(resp.Body, `<html lang="uk"`) {
			t.Error("the lang cookie was not honoured")
		}
		other := apptest.NewClient(t, apptest.NewInstance(t, d).Web.App())
		other.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
		if resp = other.Get("/s/nope"); resp.StatusCode != 404 || !strings.Contains(resp.Body, "Seite nicht gefunden") {
			t.Errorf("Accept-Language de: 404 page not in German: %d", resp.StatusCode)
		}
	})
}

// The statement page is served from a per-instance cache, yet every
// visitor gets their own CAPTCHA id and form token, and both work.
func TestCachedStatementPageGivesEachVisitorTheirOwnForm(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d, func(c *config.Config) { c.SignRateIP = "1000/10m" })
		app := in.Web.App()
		csrfRe := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
		idRe := regexp.MustCompile(`name="captcha_id" value="([^"]+)"`)
		type visitor struct {
			c        *apptest.Client
			csrf, id string
		}
		var vs []visitor
		for range 3 {
			c := apptest.NewClient(t, app)
			body := c.Get(seedPath).Body
			csrf, id := csrfRe.FindStringSubmatch(body), idRe.FindStringSubmatch(body)
			if csrf == nil || id == nil || strings.Contains(body, "marker") {
				t.Fatalf("statement page without a usable form")
			}
			vs = append(vs, visitor{c, csrf[1], id[1]})
		}
		if vs[0].id == vs[1].id || vs[1].id == vs[2].id || vs[0].csrf == vs[1].csrf {
			t.Fatal("two visitors got the same CAPTCHA id or form token from the cached page")
		}
		// Another visitor's token does not pass with this visitor's cookie.
		r := vs[1].c.PostForm(seedPath+"/sign", url.Values{"csrf": {vs[0].csrf}})
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("a token from another visitor's page: %d, want 403", r.StatusCode)
		}
		for i, v := range vs[1:] {
			if r := v.c.Get("/captcha/" + v.id + ".png"); r.StatusCode != 200 {
				t.Fatalf("image: %d", r.StatusCode)
			}
			var ch models.CaptchaChallenge
			if err := d.Where("id = ?", v.id).Take(&ch).Error; err != nil {
				t.Fatal(err)
			}
			form := url.Values{"csrf": {v.csrf}, "captcha_id": {v.id}, "captcha_answer": {captcha.Answer(ch.Digits)},
				"kind": {"organisation"}, "name": {fmt.Sprintf("Cached Form Union %d", i)}, "org_type": {"union"},
				"country": {"FR"}, "contact_name": {"Ada"}, "email": {fmt.Sprintf("cached%d@example.org", i)}, "consent": {"yes"}}
			if r := v.c.PostForm(seedPath+"/sign", form); r.StatusCode != http.StatusSeeOther {
				t.Errorf("visitor %d signing from the cached page: %d", i+2, r.StatusCode)
			}
		}
	})
}
