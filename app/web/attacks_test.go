package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/backup"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Attacks on the public form and the dashboard, each through the router on
// both databases. What existing tests already prove is not repeated here:
// CAPTCHA reuse (TestCAPTCHAIsSingleUseAndTheHoneypotStoresNothing,
// TestCAPTCHAFromOneInstanceVerifiesOnAnotherAndOnlyOnce) and creation
// limits (TestCAPTCHACreationIsRateLimited), single-use invite and reset
// links (TestInviteAndPasswordResetLinksWorkOnce), expired confirmation
// links (TestExpiredAndUnknownConfirmationLinks), session expiry and
// logout replay (TestIdleSessionsExpire,
// TestLoginSessionIsRotatedAndLogoutCannotBeReplayed).

// wireClient talks to a server over a real connection from 127.0.0.1,
// keeping cookies and not following redirects.
type wireClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newWireClient(t *testing.T, base string) *wireClient {
	jar, _ := cookiejar.New(nil)
	return &wireClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (w *wireClient) do(method, path string, body url.Values, header http.Header) (int, string) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// signOverTheWire opens the sign form and submits it with header added to
// the submission; it returns the status.
func (w *wireClient) signOverTheWire(d *db.DB, email string, header http.Header) int {
	w.t.Helper()
	_, page := w.do(http.MethodGet, signPath, nil, header) // issues a stored challenge
	csrf, id := csrfRe.FindStringSubmatch(page), captchaIDRe.FindStringSubmatch(page)
	if csrf == nil || id == nil {
		w.t.Fatalf("no sign form:\n%s", page)
	}
	f := signForm{CSRF: csrf[1], CaptchaID: id[1], Answer: captchaAnswer(w.t, d, id[1])}
	v := orgValues(f, email)
	v.Set("name", "Organisation "+strings.SplitN(email, "@", 2)[0])
	status, body := w.do(http.MethodPost, signPath, v, header)
	if status != http.StatusSeeOther && status != http.StatusTooManyRequests {
		w.t.Fatalf("sign as %s: %d\n%s", email, status, errorLines(body))
	}
	return status
}

// ipHMACOf is the stored IP HMAC of the signature with email.
func ipHMACOf(t *testing.T, d *db.DB, email string) string {
	t.Helper()
	var sig models.Signature
	if err := d.Where("email = ?", email).Take(&sig).Error; err != nil {
		t.Fatalf("signature of %s: %v", email, err)
	}
	if sig.IPHMAC == nil {
		return ""
	}
	return *sig.IPHMAC
}

func TestForwardingHeadersFromUntrustedPeersAreIgnored(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := apptest.StartServer(t, d, func(c *config.Config) {
			c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "2/10m", "1000/1h", "1000/10m"
		})
		w := newWireClient(t, srv.URL)
		spoofs := []http.Header{
			{"X-Forwarded-For": {"203.0.113.1"}},
			{"X-Real-Ip": {"198.51.100.2"}, "X-Forwarded-For": {"198.51.100.2, 10.0.0.1"}},
			{"X-Forwarded-For": {"192.0.2.3"}, "Forwarded": {"for=192.0.2.3"}, "True-Client-Ip": {"192.0.2.3"}},
		}
		want := []int{http.StatusSeeOther, http.StatusSeeOther, http.StatusTooManyRequests}
		peer := srv.Keys.MAC("ip", "127.0.0.1")
		for i, h := range spoofs {
			email := fmt.Sprintf("spoof%d@example.org", i)
			if got := w.signOverTheWire(d, email, h); got != want[i] {
				t.Fatalf("submission %d with %v: %d, want %d: a forged header must not give a new rate-limit budget", i+1, h, got, want[i])
			}
			if i < 2 {
				if got := ipHMACOf(t, d, email); got != peer {
					t.Errorf("submission %d with %v stored the IP HMAC %s, want the peer's %s", i+1, h, got, peer)
				}
			}
		}
	})
}

func TestForwardedForIsBelievedFromTrustedProxies(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		srv := apptest.StartServer(t, d, func(c *config.Config) {
			c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "1/10m", "1000/1h", "1000/10m"
			c.TrustedProxies = []string{"127.0.0.1"}
		})
		w := newWireClient(t, srv.URL)
		for i, tc := range []struct {
			header http.Header
			ip     string
			want   int
		}{
			{http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "203.0.113.7", http.StatusSeeOther},
			{http.Header{"X-Forwarded-For": {"203.0.113.8"}}, "203.0.113.8", http.StatusSeeOther},
			{http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "", http.StatusTooManyRequests},
			// X-Real-IP is not the configured header, even from a proxy.
			{http.Header{"X-Real-Ip": {"203.0.113.9"}}, "127.0.0.1", http.StatusSeeOther},
			// The proxy appends the address it saw; what the client put on
			// the left is not believed: still the limited 203.0.113.7.
			{http.Header{"X-Forwarded-For": {"1.2.3.4, 203.0.113.7"}}, "", http.StatusTooManyRequests},
			// A trusted proxy in the chain is skipped.
			{http.Header{"X-Forwarded-For": {"203.0.113.10, 127.0.0.1"}}, "203.0.113.10", http.StatusSeeOther},
		} {
			email := fmt.Sprintf("proxied%d@example.org", i)
			if got := w.signOverTheWire(d, email, tc.header); got != tc.want {
				t.Fatalf("submission %d through the proxy with %v: %d, want %d", i+1, tc.header, got, tc.want)
			}
			if tc.ip != "" {
				if got := ipHMACOf(t, d, email); got != srv.Keys.MAC("ip", tc.ip) {
					t.Errorf("submission %d: stored IP HMAC is not that of %s", i+1, tc.ip)
				}
			}
		}
	})
}

// hostileHosts are the forwarding headers an attacker sends, with a
// Host header, so that a link in an email points to their site.
var hostileHosts = http.Header{
	"X-Forwarded-Host": {"evil.example"},
	"X-Forwarded-Port": {"8443"},
	"Forwarded":        {"host=evil.example"},
	"X-Host":           {"evil.example"},
	"X-Original-Url":   {"http://evil.example/"},
}

// withHostileHost adds the headers to every request of c; with proto,
// also claims https (the dashboard's CSRF check then wants a Referer, so
// only the public form gets it).
func withHostileHost(c *apptest.Client, proto bool) {
	for k, v := range hostileHosts {
		c.Header[k] = v
	}
	if proto {
		c.Header.Set("X-Forwarded-Proto", "https")
		c.Header.Set("Forwarded", "host=evil.example;proto=https")
	}
}

// hostileDo sends req with the attacker's Host header.
func hostileDo(c *apptest.Client, req *http.Request) *apptest.Response {
	req.Host = "evil.example"
	return c.Do(req)
}

var urlRe = regexp.MustCompile(`https?://[^\s"'<>]+`)

// checkMailLinks opens every queued email and fails for any absolute URL
// that does not start with the base URL; it returns how many links it saw.
func checkMailLinks(t *testing.T, s *store.Store, open func([]byte) ([]byte, error), base string) int {
	t.Helper()
	msgs, err := s.OutboxMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, m := range msgs {
		plain, err := open(m.Payload)
		if err != nil {
			t.Fatal(err)
		}
		var r mail.Rendered
		if err := json.Unmarshal(plain, &r); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{r.Text, r.HTML} {
			for _, u := range urlRe.FindAllString(part, -1) {
				links++
				if !strings.HasPrefix(u, base+"/") {
					t.Errorf("%s email to %s links to %s, not to %s", m.Kind, m.Recipient, u, base)
				}
			}
		}
		if strings.Contains(r.Text+r.HTML, "evil.example") {
			t.Errorf("%s email to %s names the attacker's host", m.Kind, m.Recipient)
		}
	}
	return links
}

func TestEmailLinksUseTheBaseURLWhateverTheHostHeader(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d, func(c *config.Config) {
			c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "1000/10m", "1000/1h", "1000/10m"
		})
		c := e.client()
		withHostileHost(c, true)
		// The sign form: confirmation and withdrawal links.
		page := hostileDo(c, apptest.NewRequest(http.MethodGet, signPath, nil, ""))
		f := parseSignForm(t, c, d, page.Body)
		req := apptest.NewRequest(http.MethodPost, signPath, strings.NewReader(orgValues(f, "host@example.org").Encode()),
			"application/x-www-form-urlencoded")
		if r := hostileDo(c, req); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign with a hostile Host: %d", r.StatusCode)
		}
		// The password reset, the classic target of Host header poisoning.
		c = e.client()
		withHostileHost(c, false)
		tok := adminCSRFRe.FindStringSubmatch(hostileDo(c, apptest.NewRequest(http.MethodGet, "/admin/reset", nil, "")).Body)
		if tok == nil {
			t.Fatal("no reset form")
		}
		form := url.Values{"_csrf": {tok[1]}, "email": {e.mod.Email}}
		req = apptest.NewRequest(http.MethodPost, "/admin/reset", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
		if r := hostileDo(c, req); r.StatusCode != http.StatusOK {
			t.Fatalf("reset with a hostile Host: %d", r.StatusCode)
		}
		// An invitation sent by an admin whose requests carry the headers.
		admin := e.loggedIn(e.admin.Email)
		withHostileHost(admin, false)
		if r := adminPost(t, admin, "/admin/users/invite", url.Values{"email": {"invited@example.org"}, "role": {"moderator"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite with hostile headers: %d", r.StatusCode)
		}
		if n := checkMailLinks(t, e.in.Store, e.in.Keys.Open, e.in.Config.BaseURL); n < 4 {
			t.Errorf("%d links in the queued emails; want the confirmation, withdrawal, reset and invite links", n)
		}
	})
}

// injections are strings an attacker tries in every parameter.
var injections = []string{
	`' OR 1=1 --`,
	`"; DROP TABLE signatures; --`,
	`%' UNION SELECT email, ip_hmac, token_hash FROM signatures --`,
	`') OR ('1'='1`,
	"\x00",
	"a\x00' OR 1=1 --",
	`1; SELECT pg_sleep(10) --`,
	`\'; DELETE FROM users; --`,
	`%_%`,
	strings.Repeat(`'`, 4000), // 12 kB encoded, under the 16 kB of request headers
}

// queryRoutes are the GET routes with query parameters, and those
// parameters; {slug} is the shipped statement.
var queryRoutes = []struct {
	path   string
	params []string
	admin  bool
}{
	{"/", []string{"lang"}, false},
	{"/s/{slug}", []string{"lang"}, false},
	{"/s/{slug}/sign", []string{"lang"}, false},
	{"/s/{slug}/inbox", []string{"lang"}, false},
	{"/s/{slug}/signatories", []string{"q", "country", "type", "limit", "cursor", "lang"}, false},
	{"/s/{slug}/signatories.csv", []string{"q", "country", "type"}, false},
	{"/s/{slug}/signatories.json", []string{"q", "country", "type"}, false},
	{"/s/{slug}/feed.atom", []string{"lang"}, false},
	{"/s/{slug}/embed", []string{"lang"}, false},
	{"/embed/{slug}", []string{"lang", "theme", "show", "limit"}, false},
	{"/embed/{slug}/widget.js", []string{"lang"}, false},
	{"/badge/{slug}.svg", []string{"lang"}, false},
	{"/api/v1/statements", []string{"lang"}, false},
	{"/api/v1/statements/{slug}", []string{"lang"}, false},
	{"/api/v1/statements/{slug}/signatories", []string{"q", "country", "type", "limit", "cursor"}, false},
	{"/privacy", []string{"lang"}, false},
	{"/admin/login", []string{"next"}, false},
	{"/admin/reset/confirm", []string{"token"}, false},
	{"/admin/invite", []string{"token"}, false},
	{"/admin", []string{"msg"}, true},
	{"/admin/s/{slug}/signatures", []string{"status", "country", "kind", "verified", "from", "to", "q", "after"}, true},
	{"/admin/audit", []string{"action", "target", "actor", "statement", "target_id", "before"}, true},
}

// fixtureNames are the names of the signatures TestInjection stores; the
// query-string oracle compares which of them an answer shows.
var fixtureNames = []string{"Alpha Approved Union", "Bravo Pending Union", "Charlie Rejected Union"}

func namesIn(body string) []string {
	var out []string
	for _, n := range fixtureNames {
		if strings.Contains(body, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestInjectionStringsInEveryQueryParameter sends SQL injection strings in
// every query parameter of every GET route with parameters, public and
// admin: no answer is a server error (a NUL byte, which PostgreSQL cannot
// store, is the client's error), each shows the same signatures as the
// parameter with a harmless value or with none, and the data is unchanged
// afterwards.
func TestInjectionStringsInEveryQueryParameter(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d, func(c *config.Config) { c.CaptchaRate = "100000/10m" })
		le := &listEnv{t: t, in: e.in, st: e.st, c: e.client()}
		le.approved(e.st, listSig{Name: fixtureNames[0]})
		le.pending(e.st, listSig{Name: fixtureNames[1]})
		rejected := le.pending(e.st, listSig{Name: fixtureNames[2]})
		le.move(rejected, models.StatusRejected)
		public, admin := e.client(), e.loggedIn(e.admin.Email)
		ctx := context.Background()
		before, err := backup.Checksums(ctx, e.in.Store)
		if err != nil {
			t.Fatal(err)
		}
		requests := 0
		for _, r := range queryRoutes {
			c := public
			if r.admin {
				c = admin
			}
			path := strings.ReplaceAll(r.path, "{slug}", e.st.Slug)
			for _, p := range r.params {
				// An injection must act as an inert value: like text that
				// matches nothing, or like no value when normalising
				// removes it all.
				inert := namesIn(c.Get(path + "?" + url.Values{p: {"zzqqzz"}}.Encode()).Body)
				empty := namesIn(c.Get(path + "?" + url.Values{p: {""}}.Encode()).Body)
				for _, inj := range injections {
					requests++
					resp := c.Get(path + "?" + url.Values{p: {inj}}.Encode())
					what := fmt.Sprintf("GET %s with %s=%.40q", r.path, p, inj)
					if resp.StatusCode >= 500 {
						t.Errorf("%s: %d\n%s", what, resp.StatusCode, errorLines(resp.Body))
						continue
					}
					if got := namesIn(resp.Body); !slices.Equal(got, inert) && !slices.Equal(got, empty) {
						t.Errorf("%s shows %v; with a harmless value it shows %v, without one %v", what, got, inert, empty)
					}
					if !r.admin && slices.ContainsFunc(namesIn(resp.Body), func(n string) bool { return n != fixtureNames[0] }) {
						t.Errorf("%s shows a signature that is not public", what)
					}
				}
			}
		}
		// Injection in the path parameters too.
		for _, inj := range injections[:4] {
			for _, p := range []string{"/s/", "/api/v1/statements/", "/embed/", "/confirm/", "/withdraw/", "/admin/s/"} {
				c := public
				if strings.HasPrefix(p, "/admin") {
					c = admin
				}
				requests++
				if resp := c.Get(p + url.PathEscape(inj)); resp.StatusCode >= 500 || len(namesIn(resp.Body)) > 0 {
					t.Errorf("GET %s%.40q: %d, shows %v", p, inj, resp.StatusCode, namesIn(resp.Body))
				}
			}
		}
		after, err := backup.Checksums(ctx, e.in.Store)
		if err != nil {
			t.Fatalf("reading the data back after the injections: %v", err)
		}
		// Viewing the dashboard writes nothing but sessions; any other
		// change came from an injection.
		if !slices.Equal(before, after) {
			t.Errorf("the data changed:\nbefore %v\nafter  %v", before, after)
		}
		t.Logf("%d requests", requests)
	})
}

// allStoredText returns every text and blob value of every table, by
// table.column.
func allStoredText(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	tables, err := d.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		if !regexp.MustCompile(`^[a-z_]+$`).MatchString(table) {
			continue
		}
		rows, err := d.Raw("SELECT * FROM " + table).Rows() // #nosec G202 -- a table name the database listed
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				switch x := v.(type) {
				case string:
					out[table+"."+cols[i]] = append(out[table+"."+cols[i]], x)
				case []byte:
					out[table+"."+cols[i]] = append(out[table+"."+cols[i]], string(x))
				}
			}
		}
		rows.Close()
	}
	return out
}

// TestNoRawTokenAtRest goes through every flow that hands out a token (a
// signature's confirmation and withdrawal link, an invitation, a password
// reset, a dashboard session) and then searches every text and blob
// column of every table for each raw token.
func TestNoRawTokenAtRest(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d, func(c *config.Config) {
			c.SignRateIP, c.SignRateDomain, c.CaptchaRate = "1000/10m", "1000/1h", "1000/10m"
		})
		tokens := map[string]string{}
		signer := e.client()
		f := openSignForm(t, signer, d, signPath)
		if r := signer.PostForm(signPath, orgValues(f, "tokens@example.org")); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d", r.StatusCode)
		}
		tokens["confirmation"] = confirmToken(t, e.in)
		signer.PostForm("/confirm/"+tokens["confirmation"], url.Values{"csrf": {pageCSRF(t, signer, "/confirm/"+tokens["confirmation"])}})

		admin := e.loggedIn(e.admin.Email)
		tokens["session"] = adminCookie(admin, "undersign_session")
		adminPost(t, admin, "/admin/users/invite", url.Values{"email": {"invitee@example.org"}, "role": {"moderator"}})
		tokens["invite"] = tokenOf(t, e.mailLink("invitee@example.org"))
		adminPost(t, e.client(), "/admin/reset", url.Values{"email": {e.mod.Email}})
		tokens["reset"] = tokenOf(t, e.mailLink(e.mod.Email))
		for kind, tok := range tokens {
			if len(tok) < 32 {
				t.Fatalf("%s token %q: not found", kind, tok)
			}
		}
		for col, vals := range allStoredText(t, d) {
			for _, v := range vals {
				for kind, tok := range tokens {
					if strings.Contains(v, tok) {
						t.Errorf("the raw %s token is stored in %s", kind, col)
					}
				}
			}
		}
	})
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	_, raw, ok := strings.Cut(link, "token=")
	tok, err := url.QueryUnescape(raw)
	if !ok || err != nil {
		t.Fatalf("no token in %s", link)
	}
	return tok
}

// TestExpiredInviteAndResetTokensAreRefused lets invitation and reset
// links expire while their rows are still there: the store refuses them
// by their expiry, not a cleanup pass.
func TestExpiredInviteAndResetTokensAreRefused(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		admin := e.loggedIn(e.admin.Email)
		adminPost(t, admin, "/admin/users/invite", url.Values{"email": {"late@example.org"}, "role": {"moderator"}})
		invite := e.mailLink("late@example.org")
		adminPost(t, e.client(), "/admin/reset", url.Values{"email": {e.mod.Email}})
		reset := e.mailLink(e.mod.Email)
		for _, link := range []string{invite, reset} {
			if r := e.client().Get(link); r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s before it expires: %d", link, r.StatusCode)
			}
		}
		if err := d.Model(&models.UserToken{}).Where("1 = 1").Update("expires_at", time.Now().UTC().Add(-time.Second)).Error; err != nil {
			t.Fatal(err)
		}
		pw := url.Values{"password": {"a long enough password"}, "password2": {"a long enough password"}}
		for path, link := range map[string]string{"/admin/invite": invite, "/admin/reset/confirm": reset} {
			if r := e.client().Get(link); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s after it expired: %d, want 404", link, r.StatusCode)
			}
			form := url.Values{"token": {tokenOf(t, link)}}
			for k, v := range pw {
				form[k] = v
			}
			if r := adminPost(t, e.client(), path, form); r.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s with an expired token: %d, want 404", path, r.StatusCode)
			}
		}
		if r := adminLogin(t, e.client(), e.mod.Email, adminTestPassword, ""); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the old password no longer works after an expired reset: %d", r.StatusCode)
		}
		var n int64
		d.Model(&models.User{}).Where("email = ?", "late@example.org").Count(&n)
		if n != 0 {
			t.Error("an expired invitation created an account")
		}
	})
}

// TestCAPTCHAExpiryAndWrongAnswers: a challenge past its expiry is refused
// although its row is still there (no cleanup ran), and a wrong answer
// uses the challenge up, so that it cannot be guessed again.
func TestCAPTCHAExpiryAndWrongAnswers(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := apptest.NewClient(t, signInstance(t, d).Web.App())

		f := openSignForm(t, c, d, signPath)
		if err := d.Model(&models.CaptchaChallenge{}).Where("id = ?", f.CaptchaID).
			Update("expires_at", time.Now().UTC().Add(-time.Second)).Error; err != nil {
			t.Fatal(err)
		}
		if r := c.Get("/captcha/" + f.CaptchaID + ".png"); r.StatusCode != http.StatusNotFound {
			t.Errorf("image of an expired challenge: %d, want 404", r.StatusCode)
		}
		if r := c.PostForm(signPath, orgValues(f, "expired@example.org")); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "did not match or has expired") {
			t.Errorf("right answer to an expired challenge: %d, want 422", r.StatusCode)
		}

		f = openSignForm(t, c, d, signPath)
		wrong := orgValues(f, "guess@example.org")
		wrong.Set("captcha_answer", wrongAnswer(f.Answer))
		if r := c.PostForm(signPath, wrong); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong answer: %d, want 422", r.StatusCode)
		}
		if r := c.PostForm(signPath, orgValues(f, "guess@example.org")); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("the right answer after a wrong one, same challenge: %d, want 422", r.StatusCode)
		}
		var left int64
		d.Model(&models.CaptchaChallenge{}).Where("id = ?", f.CaptchaID).Count(&left)
		if left != 0 {
			t.Error("a wrongly answered challenge is still stored")
		}
		if n := countRows(t, d, &models.Signature{}); n != 0 {
			t.Errorf("%d signatures stored", n)
		}
	})
}
