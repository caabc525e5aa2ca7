package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

func TestStatementPageCarriesTheSignForm(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		resp := c.Get("/s/" + signSlug)
		f := parseSignForm(t, c, d, resp.Body)
		for _, want := range []string{`action="/s/` + signSlug + `/sign#sign"`, `name="fax"`,
			`/captcha/` + f.CaptchaID + `.png`, `/captcha/` + f.CaptchaID + `.wav`, `value="reload"`,
			`<option value="UA">Ukraine</option>`, `href="/privacy"`, `src="/static/sign.js"`} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("statement page lacks %s", want)
			}
		}
		if len(c.Cookies()) == 0 {
			t.Error("no form cookie set")
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q: a page with a per-visitor form must not be cached", cc)
		}
		img := c.Get("/captcha/" + f.CaptchaID + ".png")
		wav := c.Get("/captcha/" + f.CaptchaID + ".wav")
		if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.Body, "\x89PNG") {
			t.Errorf("image: %d %s", img.StatusCode, img.Header.Get("Content-Type"))
		}
		if wav.StatusCode != 200 || wav.Header.Get("Content-Type") != "audio/wav" || !strings.HasPrefix(wav.Body, "RIFF") {
			t.Errorf("audio: %d %s", wav.StatusCode, wav.Header.Get("Content-Type"))
		}
		if r := c.Get("/captcha/not-an-id.png"); r.StatusCode != 404 {
			t.Errorf("malformed challenge id: %d", r.StatusCode)
		}
		if r := c.Get("/privacy"); r.StatusCode != 200 || !strings.Contains(r.Body, "How to withdraw") {
			t.Errorf("privacy page: %d", r.StatusCode)
		}
	})
}

func TestValidSubmissionStoresOneUnconfirmedSignatureAndOneEmail(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		c.Header.Set("User-Agent", "test-browser/1.0")
		f := openSignForm(t, c, d, signPath)
		resp := c.PostForm(signPath, orgValues(f, "  Olena@Example.ORG "))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/s/"+signSlug+"/inbox" {
			t.Fatalf("POST: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
		}
		if inbox := c.Get("/s/" + signSlug + "/inbox"); inbox.StatusCode != 200 || !strings.Contains(inbox.Body, "Check your inbox") {
			t.Fatalf("inbox page: %d", inbox.StatusCode)
		}
		sigs := signatures(t, d)
		if len(sigs) != 1 {
			t.Fatalf("%d signatures stored, want 1", len(sigs))
		}
		s := sigs[0]
		st, _ := in.Store.StatementBySlug(context.Background(), signSlug)
		switch {
		case s.Status != models.StatusUnconfirmed, *s.Email != "olena@example.org", s.EmailDomain != "example.org",
			s.Website != "https://www.example.org/about", s.WebsiteDomain != "www.example.org", !s.DomainVerified,
			s.Name != "Спілка працівників освіти", s.NameNorm != "спілка працівників освіти",
			s.VersionHash != st.VersionHash, s.IPHMAC == nil || len(*s.IPHMAC) != 64, s.UserAgent != "test-browser/1.0",
			s.TokenHash == nil || len(*s.TokenHash) != 64, s.TokenExpiresAt == nil,
			s.TokenExpiresAt.Sub(s.CreatedAt) != 7*24*time.Hour, *s.ContactName != "Olena Petrenko":
			t.Errorf("stored signature: %+v", s)
		}
		if n := countRows(t, d, &models.OutboxMessage{}); n != 1 {
			t.Errorf("%d emails queued, want 1", n)
		}
	})
}

func TestBadInputIsRefusedWithAMessageAndNothingStored(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		cases := []struct {
			name   string
			edit   func(v url.Values, f signForm)
			status int
			field  string // the field whose message must show, marked invalid
			msg    string
		}{
			{"empty name", func(v url.Values, _ signForm) { v.Set("name", "  ") }, 422, "name", "The name is required."},
			{"empty email", func(v url.Values, _ signForm) { v.Del("email") }, 422, "email", "The email address is required."},
			{"empty country", func(v url.Values, _ signForm) { v.Set("country", "") }, 422, "country", "Please choose the country."},
			{"empty contact", func(v url.Values, _ signForm) { v.Set("contact_name", "") }, 422, "contact_name", "The contact person is required."},
			{"no consent", func(v url.Values, _ signForm) { v.Del("consent") }, 422, "consent", "Please agree to the privacy notice"},
			{"201-character name", func(v url.Values, _ signForm) { v.Set("name", strings.Repeat("名", 201)) }, 422, "name", "at most 200 characters"},
			{"bad email", func(v url.Values, _ signForm) { v.Set("email", "olena@@example") }, 422, "email", "valid email address"},
			{"unknown country", func(v url.Values, _ signForm) { v.Set("country", "XX") }, 422, "country", "choose a country from the list"},
			{"unknown org type", func(v url.Values, _ signForm) { v.Set("org_type", "cult") }, 422, "org_type", "type of organisation from the list"},
			{"javascript: website", func(v url.Values, _ signForm) { v.Set("website", "javascript:alert(1)") }, 422, "website", "http or https only"},
			{"NUL byte", func(v url.Values, _ signForm) { v.Set("name", "Union\x00Name") }, 422, "name", "not allowed"},
			{"invalid UTF-8", func(v url.Values, _ signForm) { v.Set("city", "Ky\xffiv") }, 422, "city", "not allowed"},
			{"URL in name", func(v url.Values, _ signForm) { v.Set("name", "Buy cheap at http://spam.example") }, 422, "name", "must not contain a web address"},
			{"CSV formula", func(v url.Values, _ signForm) { v.Set("city", "=HYPERLINK(\"x\")") }, 422, "city", "must not start with =, +, - or @"},
			{"long comment", func(v url.Values, _ signForm) { v.Set("comment", strings.Repeat("é", 501)) }, 422, "comment", "at most 500 characters"},
			{"individual on an organisations-only statement", func(v url.Values, _ signForm) { v.Set("kind", "individual") }, 422, "kind", "signed by organisations only"},
			{"wrong CAPTCHA", func(v url.Values, f signForm) { v.Set("captcha_answer", wrongAnswer(f.Answer)) }, 422, "captcha_answer", "did not match"},
			{"no CAPTCHA answer", func(v url.Values, _ signForm) { v.Set("captcha_answer", "") }, 422, "captcha_answer", "type the digits"},
			{"expired CAPTCHA", func(_ url.Values, f signForm) {
				d.Model(&models.CaptchaChallenge{}).Where("id = ?", f.CaptchaID).Update("expires_at", time.Now().UTC().Add(-time.Second))
			}, 422, "captcha_answer", "did not match or has expired"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f := openSignForm(t, c, d, signPath)
				v := orgValues(f, "kept@example.org")
				tc.edit(v, f)
				resp := c.PostForm(signPath, v)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if !strings.Contains(resp.Body, `id="`+tc.field+`-error">`) || !strings.Contains(resp.Body, htmlEscape(tc.msg)) {
					t.Errorf("no message %q next to %s:\n%s", tc.msg, tc.field, errorLines(resp.Body))
				}
				if tc.field != "email" && !strings.Contains(resp.Body, `value="kept@example.org"`) {
					t.Error("the email typed was not kept")
				}
				if next := parseSignForm(t, c, d, resp.Body); next.CaptchaID == f.CaptchaID {
					t.Error("the form came back with the used CAPTCHA")
				}
				if n := countRows(t, d, &models.Signature{}); n != 0 {
					t.Errorf("%d signatures stored", n)
				}
			})
		}
		if n := countRows(t, d, &models.OutboxMessage{}); n != 0 {
			t.Errorf("%d emails queued", n)
		}
	})
}

func wrongAnswer(a string) string {
	if a[0] == '9' {
		return "0" + a[1:]
	}
	return string(a[0]+1) + a[1:]
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

func errorLines(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, `class="error"`) {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}

func TestCAPTCHAIsSingleUseAndTheHoneypotStoresNothing(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		f := openSignForm(t, c, d, signPath)
		trap := orgValues(f, "bot@example.org")
		trap.Set("fax", "+1 555 0100")
		if r := c.PostForm(signPath, trap); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("honeypot: %d, want the success redirect", r.StatusCode)
		}
		if n := countRows(t, d, &models.Signature{}); n != 0 {
			t.Fatalf("honeypot stored %d signatures", n)
		}
		f = openSignForm(t, c, d, signPath)
		if r := c.PostForm(signPath, orgValues(f, "first@example.org")); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use: %d", r.StatusCode)
		}
		v := orgValues(f, "second@example.org")
		v.Set("name", "Another organisation")
		if r := c.PostForm(signPath, v); r.StatusCode != 422 || !strings.Contains(r.Body, "did not match") {
			t.Fatalf("reused CAPTCHA: %d", r.StatusCode)
		}
		if n := countRows(t, d, &models.Signature{}); n != 1 {
			t.Errorf("%d signatures, want 1", n)
		}
	})
}

func TestReloadGivesANewCAPTCHAAndKeepsTheValues(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		f := openSignForm(t, c, d, signPath)
		v := orgValues(f, "reload@example.org")
		v.Set("action", "reload")
		resp := c.PostForm(signPath, v)
		if resp.StatusCode != 200 || !strings.Contains(resp.Body, `value="reload@example.org"`) {
			t.Fatalf("reload: %d", resp.StatusCode)
		}
		next := parseSignForm(t, c, d, resp.Body)
		if next.CaptchaID == f.CaptchaID || countRows(t, d, &models.Signature{}) != 0 {
			t.Error("reload kept the old CAPTCHA or stored something")
		}
		var old int64
		d.Model(&models.CaptchaChallenge{}).Where("id = ?", f.CaptchaID).Count(&old)
		if old != 0 {
			t.Error("the replaced CAPTCHA is still usable")
		}
	})
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		// Over a real connection: the server refuses the body before any
		// handler runs.
		srv := apptest.StartServer(t, d)
		big := url.Values{"name": {"x"}, "comment": {strings.Repeat("x", 1<<20)}}.Encode()
		for _, tc := range []struct{ path, ctype, body string }{
			{signPath, "application/x-www-form-urlencoded", big},
			{signAPI, "application/json", `{"comment":"` + strings.Repeat("x", 1<<20) + `"}`},
		} {
			if status := postRaw(t, srv.URL, tc.path, tc.ctype, tc.body); status != http.StatusRequestEntityTooLarge {
				t.Errorf("1 MiB %s to %s: %d", tc.ctype, tc.path, status)
			}
		}
		if n := countRows(t, d, &models.Signature{}); n != 0 {
			t.Errorf("%d signatures stored", n)
		}
	})
}

// postRaw sends a POST over its own connection and reads the status even
// when the server answers and closes before the body is written, which
// net/http's client reports as a write error.
func postRaw(t *testing.T, base, path, ctype, body string) int {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
			path, u.Host, ctype, len(body), body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestPublicFormsNeedTheirToken(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		f := openSignForm(t, c, d, signPath)
		v := orgValues(f, "csrf@example.org")
		v.Del("csrf")
		if r := c.PostForm(signPath, v); r.StatusCode != http.StatusForbidden {
			t.Errorf("without token: %d", r.StatusCode)
		}
		v.Set("csrf", f.CSRF)
		other := apptest.NewClient(t, signInstance(t, d).Web.App()) // no cookie
		if r := other.PostForm(signPath, v); r.StatusCode != http.StatusForbidden {
			t.Errorf("token without its cookie: %d", r.StatusCode)
		}
		req := apptest.NewRequest("POST", signPath, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if r := c.Do(req); r.StatusCode != http.StatusForbidden {
			t.Errorf("foreign Origin: %d", r.StatusCode)
		}
		if r := c.PostForm(signAPI, v); r.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("form-encoded body to the JSON API: %d", r.StatusCode)
		}
		if n := countRows(t, d, &models.Signature{}); n != 0 {
			t.Errorf("%d signatures stored", n)
		}
		req = apptest.NewRequest("POST", signPath, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://undersign.test")
		if r := c.Do(req); r.StatusCode != http.StatusSeeOther {
			t.Errorf("same Origin with token: %d", r.StatusCode)
		}
	})
}

func TestRateLimitsPerIPAndPerDomain(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		for _, tc := range []struct {
			name string
			edit func(*config.Config)
		}{
			{"ip", func(c *config.Config) { c.SignRateIP = "2/10m" }},
			{"domain", func(c *config.Config) { c.SignRateDomain = "2/1h" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := apptest.NewDB(t, d.Dialect)
				c := apptest.NewClient(t, signInstance(t, d, tc.edit).Web.App())
				for i, email := range []string{"a@" + tc.name + ".example.org", "b@" + tc.name + ".example.org", "c@" + tc.name + ".example.org"} {
					f := openSignForm(t, c, d, signPath)
					v := orgValues(f, email)
					v.Set("name", "Organisation "+strconv.Itoa(i))
					r := c.PostForm(signPath, v)
					if i < 2 && r.StatusCode != http.StatusSeeOther {
						t.Fatalf("submission %d: %d", i+1, r.StatusCode)
					}
					if i == 2 {
						if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" ||
							!strings.Contains(r.Body, "Please try again in") {
							t.Fatalf("over the limit: %d Retry-After=%q", r.StatusCode, r.Header.Get("Retry-After"))
						}
					}
				}
				if n := countRows(t, d, &models.Signature{}); n != 2 {
					t.Errorf("%d signatures, want 2", n)
				}
			})
		}
	})
}

func TestCAPTCHAFromOneInstanceVerifiesOnAnotherAndOnlyOnce(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := apptest.NewClient(t, signInstance(t, d).Web.App())
		b := apptest.NewClient(t, signInstance(t, d).Web.App())
		resp := a.Get("/api/v1/captcha")
		var ch struct {
			ID       string `json:"id"`
			ImageURL string `json:"image_url"`
			AudioURL string `json:"audio_url"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &ch); err != nil || resp.StatusCode != http.StatusCreated ||
			ch.ImageURL != "http://undersign.test/captcha/"+ch.ID+".png" || !strings.HasSuffix(ch.AudioURL, ch.ID+".wav") {
			t.Fatalf("GET /api/v1/captcha: %d %s", resp.StatusCode, resp.Body)
		}
		answer := captchaAnswer(t, d, ch.ID)
		var wg sync.WaitGroup
		statuses := make(chan int, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body, _ := json.Marshal(map[string]any{
					"name": "Organisation " + string(rune('A'+i%26)) + strings.Repeat("x", i), "org_type": "ngo",
					"country": "FR", "contact_name": "Contact", "email": "c" + strings.Repeat("x", i) + "@example.fr",
					"consent": true, "captcha_id": ch.ID, "captcha_answer": answer,
				})
				statuses <- b.PostJSON(signAPI, string(body)).StatusCode
			}()
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[http.StatusAccepted] != 1 || count[http.StatusUnprocessableEntity] != 49 {
			t.Errorf("50 concurrent uses of one CAPTCHA: %v; want one 202 and 49 422", count)
		}
		if n := countRows(t, d, &models.Signature{}); n != 1 {
			t.Errorf("%d signatures, want 1", n)
		}
	})
}

func TestCAPTCHACreationIsRateLimited(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d, func(c *config.Config) { c.CaptchaRate = "2/10m" }).Web.App())
		for i := range 2 {
			if r := c.Get("/api/v1/captcha"); r.StatusCode != http.StatusCreated {
				t.Fatalf("challenge %d: %d", i+1, r.StatusCode)
			}
		}
		r := c.Get("/api/v1/captcha")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, `"retry_after"`) {
			t.Errorf("third challenge: %d Retry-After=%q %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
		}
		page := c.Get(signPath)
		if page.StatusCode != 200 || !strings.Contains(page.Body, "Too many codes") || strings.Contains(page.Body, `name="captcha_id"`) {
			t.Errorf("form over the CAPTCHA limit: %d", page.StatusCode)
		}
		if n := countRows(t, d, &models.CaptchaChallenge{}); n != 2 {
			t.Errorf("%d challenges stored, want 2", n)
		}
	})
}

func TestJSONAPIAnswersWithTheSameRules(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		resp := c.PostJSON(signAPI, `{"name":"x","email":"nope","country":"XX","consent":false}`)
		var out struct {
			Error  string            `json:"error"`
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil || resp.StatusCode != 422 {
			t.Fatalf("invalid JSON submission: %d %s", resp.StatusCode, resp.Body)
		}
		for _, f := range []string{"name", "email", "country", "consent", "org_type", "contact_name", "captcha_answer"} {
			if out.Fields[f] == "" {
				t.Errorf("no message for %s in %v", f, out.Fields)
			}
		}
		if r := c.PostJSON(signAPI, `{"name":`); r.StatusCode != 400 {
			t.Errorf("broken JSON: %d", r.StatusCode)
		}
		if r := c.PostJSON("/api/v1/statements/nope/signatures", `{}`); r.StatusCode != 404 || !strings.Contains(r.Body, `"error"`) {
			t.Errorf("unknown statement: %d %s", r.StatusCode, r.Body)
		}
		if n := countRows(t, d, &models.Signature{}); n != 0 {
			t.Errorf("%d signatures stored", n)
		}
	})
}

func TestConcurrentIdenticalSubmissionsLeaveOneRowAndOneEmail(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())
		bodies := make([]string, 20)
		for i := range bodies {
			var ch struct {
				ID string `json:"id"`
			}
			json.Unmarshal([]byte(c.Get("/api/v1/captcha").Body), &ch)
			b, _ := json.Marshal(map[string]any{"name": "Same Union", "org_type": "union", "country": "DE",
				"contact_name": "Anna", "email": "same@union.example", "consent": true,
				"captcha_id": ch.ID, "captcha_answer": captchaAnswer(t, d, ch.ID)})
			bodies[i] = string(b)
		}
		var wg sync.WaitGroup
		for _, b := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := c.PostJSON(signAPI, b); r.StatusCode != http.StatusAccepted {
					t.Errorf("submission: %d %s", r.StatusCode, r.Body)
				}
			}()
		}
		wg.Wait()
		if n, m := countRows(t, d, &models.Signature{}), countRows(t, d, &models.OutboxMessage{}); n != 1 || m != 1 {
			t.Errorf("20 identical submissions: %d rows and %d emails, want 1 and 1", n, m)
		}
	})
}

func TestDuplicatesCreateNoRowAndResendWithinLimits(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		submit := func(name, email string) {
			t.Helper()
			f := openSignForm(t, c, d, signPath)
			v := orgValues(f, email)
			v.Set("name", name)
			if r := c.PostForm(signPath, v); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/s/"+signSlug+"/inbox" {
				t.Fatalf("submission: %d", r.StatusCode)
			}
		}
		submit("ACME Workers' Union", "acme@example.org")
		tok := confirmToken(t, in)
		if r := c.PostForm("/confirm/"+tok, url.Values{"csrf": {pageCSRF(t, c, "/confirm/"+tok)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", r.StatusCode)
		}
		submit("acme  workers union", "other@example.net") // same organisation, other address
		if n, m := countRows(t, d, &models.Signature{}), countRows(t, d, &models.OutboxMessage{}); n != 1 || m != 1 {
			t.Errorf("duplicate by name: %d rows, %d emails; want 1 and 1", n, m)
		}
		submit("ACME Workers' Union", "acme@example.org") // same address, within 10 minutes
		if m := countRows(t, d, &models.OutboxMessage{}); m != 1 {
			t.Errorf("re-sent within 10 minutes: %d emails", m)
		}
		for range 6 {
			d.Model(&models.Signature{}).Where("1 = 1").Update("last_sent_at", time.Now().UTC().Add(-11*time.Minute))
			submit("ACME Workers' Union", "acme@example.org")
		}
		if n, m := countRows(t, d, &models.Signature{}), countRows(t, d, &models.OutboxMessage{}); n != 1 || m != 5 {
			t.Errorf("after 6 more submissions 10 minutes apart: %d rows, %d emails; want 1 and 5 in all", n, m)
		}
	})
}

// The statement page, seen by every visitor and crawler, stores nothing:
// its CAPTCHA is stored when the image is first loaded, under the same
// per-network limit as any challenge.
func TestStatementPageReservesTheCAPTCHALazily(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d, func(c *config.Config) { c.CaptchaRate = "2/10m" }).Web.App())
		var ids []string
		for range 3 {
			m := captchaIDRe.FindStringSubmatch(c.Get("/s/" + signSlug).Body)
			if m == nil {
				t.Fatal("no CAPTCHA id on the statement page")
			}
			ids = append(ids, m[1])
		}
		if n := countRows(t, d, &models.CaptchaChallenge{}); n != 0 {
			t.Fatalf("viewing the statement page stored %d challenges", n)
		}
		if ids[0] == ids[1] {
			t.Fatal("two views share a CAPTCHA id")
		}
		for _, id := range ids[:2] {
			if r := c.Get("/captcha/" + id + ".png"); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("image of a reserved challenge: %d", r.StatusCode)
			}
		}
		if r := c.Get("/captcha/" + ids[0] + ".wav"); r.StatusCode != 200 {
			t.Errorf("audio of the same challenge: %d", r.StatusCode)
		}
		if r := c.Get("/captcha/" + ids[2] + ".png"); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("third new challenge over a limit of 2: %d, want 429", r.StatusCode)
		}
		if n := countRows(t, d, &models.CaptchaChallenge{}); n != 2 {
			t.Errorf("%d challenges stored, want 2", n)
		}
		if r := c.Get("/captcha/short.png"); r.StatusCode != http.StatusNotFound {
			t.Errorf("malformed id: %d", r.StatusCode)
		}
	})
}
