// Package scaleout checks that two undersign instances on one PostgreSQL
// primary (with a streaming replica), behind nginx, behave as one service:
// what one instance issues, the other accepts, and what one changes, the
// other shows. scripts/scaleout.sh starts the processes and runs this
// package with their addresses in SCALEOUT_* variables; without them the
// checks skip (go test ./...), all but the one that keeps docs/deploy.md in
// step with the nginx configuration the script runs.
package scaleout_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/listing"
)

const slug = "no-to-imperialist-invasion"

// cluster is what scripts/scaleout.sh started.
type cluster struct {
	nginx, a, b      string // base URLs
	primary, replica *sql.DB
	mailpit          string
	adminEmail       string
	adminPassword    string
	signLimit        int      // UNDERSIGN_SIGN_RATE_IP's count
	replicaApps      []string // application_name of each instance's replica connections
}

func start(t *testing.T) *cluster {
	t.Helper()
	env := func(name string) string {
		v := os.Getenv("SCALEOUT_" + name)
		if v == "" {
			t.Skip("SCALEOUT_" + name + " is not set: run scripts/scaleout.sh")
		}
		return v
	}
	c := &cluster{nginx: env("NGINX_URL"), a: env("A_URL"), b: env("B_URL"), mailpit: env("MAILPIT_URL"),
		adminEmail: env("ADMIN_EMAIL"), adminPassword: env("ADMIN_PASSWORD"),
		replicaApps: strings.Split(env("REPLICA_APPS"), ",")}
	limit, _, err := config.ParseRate(env("SIGN_RATE_IP"))
	if err != nil {
		t.Fatal(err)
	}
	c.signLimit = limit
	c.primary, c.replica = openDB(t, env("PRIMARY_DSN")), openDB(t, env("REPLICA_DSN"))
	return c
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	d, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// TestScaleOut runs the checks in order: the signatures the first ones
// make are what the outbox check counts.
func TestScaleOut(t *testing.T) {
	c := start(t)
	var signers []string // addresses that signed successfully
	t.Run("replica streams", c.replicaStreams)
	t.Run("CAPTCHA issued by A is accepted by B", func(t *testing.T) { signers = append(signers, c.captchaAcrossInstances(t)...) })
	t.Run("moderator session works on both", c.sessionAcrossInstances)
	t.Run("rate limits count across both", func(t *testing.T) { signers = append(signers, c.rateLimitAcrossInstances(t)...) })
	t.Run("approval on A shows on B within the cache TTL", func(t *testing.T) { signers = append(signers, c.approvalReachesB(t)) })
	t.Run("each outbox email is sent once", func(t *testing.T) { c.outboxSentOnce(t, signers) })
	t.Run("public list reads reach the replica", c.readsReachReplica)
}

func (c *cluster) replicaStreams(t *testing.T) {
	var recovering bool
	if err := c.replica.QueryRow("SELECT pg_is_in_recovery()").Scan(&recovering); err != nil || !recovering {
		t.Fatalf("replica: pg_is_in_recovery() = %v, %v; want a standby", recovering, err)
	}
	var n int
	err := c.primary.QueryRow("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&n)
	if err != nil || n < 1 {
		t.Fatalf("primary: %d streaming replicas, %v", n, err)
	}
}

// captchaAcrossInstances: the form and its CAPTCHA come from A, the answer
// goes to B; then a whole signing through nginx, whose round robin sends
// the form, the image and the answer to different instances.
func (c *cluster) captchaAcrossInstances(t *testing.T) []string {
	v := newVisitor(t, "198.51.100.1")
	f := v.openSignForm(c, c.a)
	email := "captcha-a-b@example.org"
	resp := v.post(c.b+"/s/"+slug+"/sign", f.values("Scaleout Captcha Union", email))
	if resp.status != http.StatusSeeOther || resp.location != "/s/"+slug+"/inbox" {
		t.Fatalf("answer to A's CAPTCHA posted to B: %d %q, want 303 to the inbox:\n%s", resp.status, resp.location, resp.body)
	}
	wrong := v.openSignForm(c, c.a)
	wrong.answer = flipDigit(wrong.answer)
	if resp := v.post(c.b+"/s/"+slug+"/sign", wrong.values("Scaleout Wrong Answer Union", "wrong@example.org")); resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong answer to A's CAPTCHA posted to B: %d, want 422", resp.status)
	}

	viaNginx := "captcha-nginx@example.org"
	f = v.openSignForm(c, c.nginx)
	if resp := v.post(c.nginx+"/s/"+slug+"/sign", f.values("Scaleout Nginx Union", viaNginx)); resp.status != http.StatusSeeOther {
		t.Fatalf("signing through nginx: %d, want 303:\n%s", resp.status, resp.body)
	}
	return []string{email, viaNginx}
}

// sessionAcrossInstances: a login on A is a session on B; a logout on A
// with B's form token ends it on B too.
func (c *cluster) sessionAcrossInstances(t *testing.T) {
	m := c.login(t, c.a)
	for _, base := range []string{c.a, c.b} {
		for _, path := range []string{"/admin", "/admin/s/" + slug + "/signatures"} {
			resp := m.get(base + path)
			if resp.status != http.StatusOK || strings.Contains(resp.body, `name="password"`) {
				t.Fatalf("GET %s%s with A's session: %d %q, want the dashboard", base, path, resp.status, resp.location)
			}
		}
	}
	token := m.adminToken(c.b + "/admin")
	if resp := m.post(c.a+"/admin/logout", url.Values{"_csrf": {token}}); resp.status != http.StatusSeeOther {
		t.Fatalf("logout on A with B's form token: %d, want 303:\n%s", resp.status, resp.body)
	}
	if resp := m.get(c.b + "/admin"); resp.status != http.StatusFound || !strings.HasPrefix(resp.location, "/admin/login") {
		t.Fatalf("GET /admin on B after logout on A: %d %q, want a redirect to the login", resp.status, resp.location)
	}
}

// rateLimitAcrossInstances signs from one client address, alternately on A
// and B (each trusts 127.0.0.1 to name the client in X-Forwarded-For):
// the submission past the limit is refused wherever it lands.
func (c *cluster) rateLimitAcrossInstances(t *testing.T) []string {
	v := newVisitor(t, "198.51.100.3")
	var signed []string
	for i := 0; i <= c.signLimit; i++ {
		on, formOn := c.a, c.b
		if i%2 == 1 {
			on, formOn = c.b, c.a
		}
		f := v.openSignForm(c, formOn)
		email := fmt.Sprintf("limit-%d@example.org", i)
		resp := v.post(on+"/s/"+slug+"/sign", f.values(fmt.Sprintf("Scaleout Limit Union %d", i), email))
		want := http.StatusSeeOther
		if i == c.signLimit {
			want = http.StatusTooManyRequests
		}
		if resp.status != want {
			t.Fatalf("submission %d (limit %d) on %s: %d, want %d", i+1, c.signLimit, on, resp.status, want)
		}
		if want == http.StatusSeeOther {
			signed = append(signed, email)
		}
	}
	// Another address is still welcome on B: B counted the client named in
	// X-Forwarded-For, not the peer (127.0.0.1) that every request came from.
	other := newVisitor(t, "198.51.100.33")
	f := other.openSignForm(c, c.a)
	if resp := other.post(c.b+"/s/"+slug+"/sign", f.values("Scaleout Limit Other Union", "limit-other@example.org")); resp.status != http.StatusSeeOther {
		t.Fatalf("submission on B from another client address: %d, want 303", resp.status)
	}
	return append(signed, "limit-other@example.org")
}

// approvalReachesB: B has the list in its cache; a moderator approves on
// A; B shows the name before its cache's TTL is over.
func (c *cluster) approvalReachesB(t *testing.T) string {
	name, email := "Scaleout Approval Union", "approval@example.org"
	v := newVisitor(t, "198.51.100.4")
	f := v.openSignForm(c, c.nginx)
	if resp := v.post(c.nginx+"/s/"+slug+"/sign", f.values(name, email)); resp.status != http.StatusSeeOther {
		t.Fatalf("sign: %d:\n%s", resp.status, resp.body)
	}
	confirm := c.confirmLink(t, email)
	page := v.get(c.nginx + confirm)
	if resp := v.post(c.nginx+confirm, url.Values{"csrf": {formToken(t, page)}}); resp.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d:\n%s", resp.status, resp.body)
	}

	lists := []string{c.b + "/api/v1/statements/" + slug + "/signatories", c.b + "/s/" + slug + "/signatories"}
	for _, u := range lists { // warm B's cache without the name
		if resp := v.get(u); resp.status != http.StatusOK || strings.Contains(resp.body, name) {
			t.Fatalf("GET %s before approval: %d, name shown: %v", u, resp.status, strings.Contains(resp.body, name))
		}
	}
	var id int64
	if err := c.primary.QueryRow("SELECT id FROM signatures WHERE name = $1", name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	m := c.login(t, c.a)
	sigPage := fmt.Sprintf("%s/admin/s/%s/signatures/%d", c.a, slug, id)
	page = m.get(sigPage)
	version := versionRe.FindStringSubmatch(page.body)
	if version == nil {
		t.Fatalf("GET %s: %d, no decision form:\n%s", sigPage, page.status, page.body)
	}
	approved := time.Now()
	resp := m.post(sigPage+"/decide", url.Values{"_csrf": {m.adminToken(sigPage)}, "action": {"approve"},
		"version": {version[1]}, "return": {"/admin/s/" + slug + "/signatures"}})
	if resp.status != http.StatusSeeOther {
		t.Fatalf("approve on A: %d:\n%s", resp.status, resp.body)
	}

	deadline := approved.Add(listing.DefaultTTL + 5*time.Second)
	for _, u := range lists {
		for {
			if r := v.get(u); r.status == http.StatusOK && strings.Contains(r.body, name) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: no %q %s after the approval on A (cache TTL %s)", u, name,
					time.Since(approved).Round(time.Millisecond), listing.DefaultTTL)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("the approval on A showed on B's list after %s (cache TTL %s)",
		time.Since(approved).Round(time.Millisecond), listing.DefaultTTL)
	return email
}

// outboxSentOnce: once the outbox is drained, mailpit holds, for every
// address, as many messages as the outbox queued for it: the two
// instances' workers never sent one twice.
func (c *cluster) outboxSentOnce(t *testing.T, signers []string) {
	queued := c.drainedOutbox(t)
	var got map[string]int
	deadline := time.Now().Add(10 * time.Second)
	for {
		got = c.mailCounts(t)
		if sameCounts(got, queued) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !sameCounts(got, queued) {
		t.Fatalf("messages per recipient: mailpit %v, outbox %v", got, queued)
	}
	for _, s := range signers {
		if got[s] == 0 {
			t.Errorf("%s signed but received nothing", s)
		}
	}
	total := 0
	for _, n := range got {
		total += n
	}
	t.Logf("%d outbox messages to %d addresses, each received once", total, len(got))
}

// drainedOutbox waits until every queued message is sent and returns how
// many each recipient was sent.
func (c *cluster) drainedOutbox(t *testing.T) map[string]int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var unsent int
		if err := c.primary.QueryRow("SELECT count(*) FROM outbox WHERE status <> 'sent'").Scan(&unsent); err != nil {
			t.Fatal(err)
		}
		if unsent == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox messages still not sent", unsent)
		}
		time.Sleep(200 * time.Millisecond)
	}
	rows, err := c.primary.Query("SELECT recipient, count(*) FROM outbox GROUP BY recipient")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			t.Fatal(err)
		}
		out[strings.ToLower(r)] = n
	}
	return out
}

func (c *cluster) mailCounts(t *testing.T) map[string]int {
	t.Helper()
	var list struct {
		Messages []struct{ To []struct{ Address string } }
	}
	c.mailAPI(t, "/api/v1/messages?limit=1000", &list)
	out := map[string]int{}
	for _, m := range list.Messages {
		for _, to := range m.To {
			out[strings.ToLower(to.Address)]++
		}
	}
	return out
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

var confirmRe = regexp.MustCompile(`/confirm/[A-Za-z0-9_-]{43}`)

// confirmLink waits for the confirmation email to address and returns the
// path of its link.
func (c *cluster) confirmLink(t *testing.T, address string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var found struct {
			Messages []struct{ ID string }
		}
		c.mailAPI(t, "/api/v1/search?query="+url.QueryEscape("to:"+address), &found)
		if len(found.Messages) > 0 {
			var msg struct{ Text string }
			c.mailAPI(t, "/api/v1/message/"+url.PathEscape(found.Messages[0].ID), &msg)
			if link := confirmRe.FindString(msg.Text); link != "" {
				return link
			}
			t.Fatalf("no confirmation link in the email to %s:\n%s", address, msg.Text)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s", address)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *cluster) mailAPI(t *testing.T, path string, into any) {
	t.Helper()
	resp, err := http.Get(c.mailpit + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// readsReachReplica asks both instances for lists no cache holds, then
// finds on the replica a connection of each instance (by its
// application_name) that has since run a public-list query there.
func (c *cluster) readsReachReplica(t *testing.T) {
	var since time.Time
	if err := c.replica.QueryRow("SELECT clock_timestamp()").Scan(&since); err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, "198.51.100.6")
	for i, base := range []string{c.a, c.b, c.a, c.b} {
		q := fmt.Sprintf("?q=uncached%d%d", i, time.Now().UnixNano())
		for _, path := range []string{"/api/v1/statements/" + slug + "/signatories", "/s/" + slug + "/signatories"} {
			if resp := v.get(base + path + q); resp.status != http.StatusOK {
				t.Fatalf("GET %s%s%s: %d", base, path, q, resp.status)
			}
		}
	}
	readers := c.replicaReaders(t, since)
	if len(readers) != len(c.replicaApps) {
		t.Fatalf("replica: public-list queries since %s by %v, want by %v",
			since.Format(time.RFC3339Nano), readers, c.replicaApps)
	}
	t.Logf("replica: public-list queries by %v", readers)
}

// replicaReaders lists the instances (by application_name) with a
// connection on the replica whose latest query, started since the given
// time, read the public list's tables.
func (c *cluster) replicaReaders(t *testing.T, since time.Time) []string {
	t.Helper()
	rows, err := c.replica.Query(`SELECT DISTINCT application_name FROM pg_stat_activity
		WHERE application_name = ANY($1) AND query_start >= $2
		AND query ~* '^\s*SELECT' AND query ~* '(signatures|approved_tallies|approved_counts|count_deltas)'
		ORDER BY 1`, c.replicaApps, since)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// visitor is one browser: its cookies (a jar keyed by host, so that A, B
// and nginx on 127.0.0.1 share them, as they would behind one name) and
// its address, which the instances read from X-Forwarded-For.
type visitor struct {
	t      *testing.T
	client *http.Client
	ip     string
}

func newVisitor(t *testing.T, ip string) *visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &visitor{t: t, ip: ip, client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status   int
	location string
	body     string
}

func (v *visitor) get(u string) response { return v.do(http.MethodGet, u, nil) }

func (v *visitor) post(u string, form url.Values) response { return v.do(http.MethodPost, u, form) }

func (v *visitor) do(method, u string, form url.Values) response {
	v.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, body)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", v.ip)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatalf("%s %s: %v", method, u, err)
	}
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

var (
	csrfRe      = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	captchaIDRe = regexp.MustCompile(`name="captcha_id" value="([^"]+)"`)
	adminCSRFRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	versionRe   = regexp.MustCompile(`name="version" value="(\d+)"`)
)

func formToken(t *testing.T, page response) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("%d, no form token on the page:\n%s", page.status, page.body)
	}
	return m[1]
}

// signForm is a sign form as a visitor got it, with its CAPTCHA's answer.
type signForm struct{ csrf, captchaID, answer string }

// openSignForm opens the sign form on base and loads its CAPTCHA image
// there, as a browser does; the answer comes from the primary, as only a
// test may read it.
func (v *visitor) openSignForm(c *cluster, base string) signForm {
	v.t.Helper()
	page := v.get(base + "/s/" + slug + "/sign")
	id := captchaIDRe.FindStringSubmatch(page.body)
	if page.status != http.StatusOK || id == nil {
		v.t.Fatalf("GET %s sign form: %d, no CAPTCHA:\n%s", base, page.status, page.body)
	}
	if img := v.get(base + "/captcha/" + id[1] + ".png"); img.status != http.StatusOK {
		v.t.Fatalf("CAPTCHA image on %s: %d", base, img.status)
	}
	var digits []byte
	if err := c.primary.QueryRow("SELECT digits FROM captcha_challenges WHERE id = $1", id[1]).Scan(&digits); err != nil {
		v.t.Fatalf("CAPTCHA %s: %v", id[1], err)
	}
	return signForm{csrf: formToken(v.t, page), captchaID: id[1], answer: captcha.Answer(digits)}
}

// values is a valid organisation signature for the form.
func (f signForm) values(name, email string) url.Values {
	return url.Values{
		"csrf": {f.csrf}, "captcha_id": {f.captchaID}, "captcha_answer": {f.answer},
		"kind": {"organisation"}, "name": {name}, "org_type": {"union"}, "website": {"www.example.org"},
		"country": {"UA"}, "city": {"Kyiv"}, "contact_name": {"Olena Petrenko"}, "contact_role": {"Secretary"},
		"email": {email}, "consent": {"yes"},
	}
}

func flipDigit(answer string) string {
	b := []byte(answer)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// login logs the admin in on base and returns their browser.
func (c *cluster) login(t *testing.T, base string) *visitor {
	t.Helper()
	m := newVisitor(t, "198.51.100.2")
	resp := m.post(base+"/admin/login", url.Values{"_csrf": {m.adminToken(base + "/admin/login")},
		"email": {c.adminEmail}, "password": {c.adminPassword}})
	if resp.status != http.StatusSeeOther {
		t.Fatalf("login on %s: %d, want 303:\n%s", base, resp.status, resp.body)
	}
	return m
}

// adminToken opens a dashboard page and returns its form token.
func (v *visitor) adminToken(u string) string {
	v.t.Helper()
	page := v.get(u)
	m := adminCSRFRe.FindStringSubmatch(page.body)
	if m == nil {
		v.t.Fatalf("GET %s: %d, no form token:\n%s", u, page.status, page.body)
	}
	return m[1]
}
