package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

const slug = "no-to-imperialist-invasion"

// bench runs every scenario against one database.
type bench struct {
	o       options
	dsn     string
	dialect db.Dialect
	d       *db.DB
	srv     *server
	st      *models.Statement
	rows    []row // the final table
	seeded  int
}

// limitsEnv raises the rate limits out of the load's way; they stay on,
// so their cost is measured. The load comes through a trusted proxy, as in
// production behind a load balancer: each request names its client in
// X-Forwarded-For, so the per-IP limit sees many clients, not one.
var limitsEnv = []string{
	"UNDERSIGN_TRUSTED_PROXIES=127.0.0.1",
	"UNDERSIGN_SIGN_RATE_IP=100000000/1m",
	"UNDERSIGN_SIGN_RATE_DOMAIN=100000000/1m",
	"UNDERSIGN_CAPTCHA_RATE=100000000/1m",
}

// say prints a progress line.
func (b *bench) say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// measure runs one load scenario, sampling the server's peak RSS
// meanwhile.
func (b *bench) measure(name string, tr vegeta.Targeter, conns int, d time.Duration, ok func(code uint16) bool) figures {
	return b.measureAt(name, tr, conns, 0, d, ok)
}

// measureAt is measure at a fixed rate (attackAt).
func (b *bench) measureAt(name string, tr vegeta.Targeter, conns, rate int, d time.Duration, ok func(code uint16) bool) figures {
	ctx, stop := context.WithCancel(context.Background())
	rss := b.srv.sampleRSS(ctx)
	f := attackAt(name, tr, conns, rate, d, ok)
	stop()
	f.PeakRSS = <-rss
	return f
}

// record prints a load scenario's figures and adds them to the table; size
// is the list's, 0 before the list is measured.
func (b *bench) record(size int, f figures) *row {
	b.say("%s", f)
	b.rows = append(b.rows, loadRow(size, f))
	return &b.rows[len(b.rows)-1]
}

func (b *bench) all(ctx context.Context) error {
	if out, err := exec.Command(b.o.bin, "migrate", "up").CombinedOutput(); err != nil { // #nosec G204 -- our binary
		return fmt.Errorf("migrate: %v: %s", err, out)
	}
	if err := b.startup(); err != nil {
		return err
	}
	srv, _, err := startServer(b.o.bin, b.dsn, filepath.Join(b.o.work, "serve.log"), limitsEnv...)
	if err != nil {
		return err
	}
	b.srv = srv
	defer srv.stop()
	if b.d, err = db.Open(ctx, b.dsn); err != nil {
		return err
	}
	defer b.d.Close()
	if err := b.d.Where("slug = ?", slug).Take(&b.st).Error; err != nil {
		return fmt.Errorf("statement %s: %w", slug, err)
	}
	time.Sleep(time.Second)
	idle, _ := srv.rssMB()
	b.say("memory: idle RSS %.1f MB", idle)
	b.rows = append(b.rows, row{scenario: "idle", rssMB: idle})

	steps := []func(context.Context) error{b.sign, b.confirm, b.approve}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	for _, n := range b.o.sizes {
		if err := b.atSize(ctx, n); err != nil {
			return err
		}
	}
	b.say("done: %s", time.Now().UTC().Format(time.RFC3339))
	return nil
}

// startup measures the time from exec to a 200 from /readyz on a migrated
// database, three times, and keeps the median.
func (b *bench) startup() error {
	var ds []time.Duration
	for i := range 3 {
		srv, d, err := startServer(b.o.bin, b.dsn, filepath.Join(b.o.work, fmt.Sprintf("startup-%d.log", i)))
		if err != nil {
			return err
		}
		srv.stop()
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.say("start-up to ready: %s (median of 3: %s)", ds[1].Round(time.Millisecond), durations(ds))
	b.rows = append(b.rows, row{scenario: "start-up to ready (median of 3)", p50: ds[1], note: durations(ds)})
	return nil
}

func durations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.Round(time.Millisecond).String()
	}
	return strings.Join(s, ", ")
}

// publicForm opens the sign form as a visitor does and returns the
// visitor, with the form cookie, and the form's token.
func (b *bench) publicForm() (*browser, string, error) {
	br := newBrowser(b.srv.base)
	_, page, err := br.get("/s/" + slug + "/sign")
	if err != nil {
		return nil, "", err
	}
	csrf, err := hidden(page, "csrf")
	return br, csrf, err
}

// sign posts valid sign forms, each with its own CAPTCHA from the
// database store, for the full duration.
func (b *bench) sign(ctx context.Context) error {
	br, csrf, err := b.publicForm()
	if err != nil {
		return err
	}
	n := perSecond(b.o.duration, 6000)
	answers, err := seedCaptchas(ctx, b.d, n)
	if err != nil {
		return err
	}
	var before int64
	if err := b.d.Model(&models.Signature{}).Where("email LIKE ?", "sign-%.bench-sign.example").Count(&before).Error; err != nil {
		return err
	}
	var next atomic.Int64
	cookie := br.cookieHeader()
	tr := func(t *vegeta.Target) error {
		i := int(next.Add(1)) - 1
		if i >= len(answers) {
			return vegeta.ErrNoTargets
		}
		domain := fmt.Sprintf("org%d.bench-sign.example", i%5000)
		form := url.Values{"csrf": {csrf}, "captcha_id": {answers[i].id}, "captcha_answer": {answers[i].answer},
			"kind": {"organisation"}, "name": {fmt.Sprintf("Bench Union %d", i)}, "org_type": {"union"},
			"website": {"https://" + domain + "/"}, "country": {countries[i%len(countries)]},
			"contact_name": {"Bench Contact"}, "email": {fmt.Sprintf("sign-%d@%s", i, domain)},
			"consent": {"yes"}}
		t.Method, t.URL, t.Body = http.MethodPost, b.srv.base+"/s/"+slug+"/sign", []byte(form.Encode())
		t.Header = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {cookie},
			"Origin": {b.srv.base}, "X-Forwarded-For": {clientIP(i)}}
		return nil
	}
	f := b.measure("sign (form POST, CAPTCHA, limits, tx)", tr, b.o.conns, b.o.duration, func(c uint16) bool { return c == http.StatusSeeOther })
	var after int64
	if err := b.d.Model(&models.Signature{}).Where("email LIKE ?", "sign-%.bench-sign.example").Count(&after).Error; err != nil {
		return err
	}
	acked := f.Codes["303"]
	f.Note = fmt.Sprintf("acknowledged %d, rows %d", acked, after-before)
	mismatch := int64(acked) != after-before
	if mismatch {
		f.Note += "  MISMATCH"
	}
	b.record(0, f).mismatch = mismatch
	return nil
}

// confirm posts confirmations of unconfirmed signatures seeded with known
// tokens.
func (b *bench) confirm(ctx context.Context) error {
	br, csrf, err := b.publicForm()
	if err != nil {
		return err
	}
	d := b.o.duration / 3
	tokens, err := seedUnconfirmed(ctx, b.d, b.st, perSecond(d, 6000))
	if err != nil {
		return err
	}
	var next atomic.Int64
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {br.cookieHeader()},
		"Origin": {b.srv.base}}
	body := []byte(url.Values{"csrf": {csrf}}.Encode())
	tr := func(t *vegeta.Target) error {
		i := int(next.Add(1)) - 1
		if i >= len(tokens) {
			return vegeta.ErrNoTargets
		}
		t.Method, t.URL, t.Header, t.Body = http.MethodPost, b.srv.base+"/confirm/"+tokens[i], header, body
		return nil
	}
	b.record(0, b.measure("confirm (POST)", tr, b.o.conns, d, func(c uint16) bool { return c == http.StatusSeeOther }))
	return nil
}

// approve logs in as an admin and approves 1,000 pending signatures in one
// bulk decision, then single decisions under load.
func (b *bench) approve(ctx context.Context) error {
	br, csrf, err := b.login()
	if err != nil {
		return err
	}
	ids, err := seedPending(ctx, b.d, b.st, 1000+perSecond(b.o.duration/3, 2000))
	if err != nil {
		return err
	}
	bulk := url.Values{"_csrf": {csrf}, "action": {"approve"}, "confirm": {"1"}}
	for _, id := range ids[:1000] {
		bulk.Add("sel", fmt.Sprintf("%d:1", id))
	}
	start := time.Now()
	code, _, err := br.post("/admin/s/"+slug+"/signatures/bulk", bulk)
	if err != nil {
		return err
	}
	took := time.Since(start)
	var approved int64
	if err := b.d.Model(&models.Signature{}).Where("id IN ? AND status = ?", ids[:1000], models.StatusApproved).Count(&approved).Error; err != nil {
		return err
	}
	b.say("%-34s %d rows approved in %s (answer %d)", "moderation bulk approve of 1,000", approved, took.Round(time.Millisecond), code)
	r := row{scenario: "moderation bulk approve of 1,000", p50: took, requests: 1, load: true,
		note: fmt.Sprintf("answer %d, %d rows approved", code, approved)}
	if code != http.StatusSeeOther {
		r.errors = 1
	} else if approved != 1000 {
		r.mismatch = true
	}
	b.rows = append(b.rows, r)

	rest := ids[1000:]
	var next atomic.Int64
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {br.cookieHeader()},
		"Origin": {b.srv.base}}
	tr := func(t *vegeta.Target) error {
		i := int(next.Add(1)) - 1
		if i >= len(rest) {
			return vegeta.ErrNoTargets
		}
		form := url.Values{"_csrf": {csrf}, "action": {"approve"}, "version": {"1"}}
		t.Method, t.Header, t.Body = http.MethodPost, header, []byte(form.Encode())
		t.URL = fmt.Sprintf("%s/admin/s/%s/signatures/%d/decide", b.srv.base, slug, rest[i])
		return nil
	}
	b.record(0, b.measure("moderation approve (one per POST)", tr, 8, b.o.duration/3, func(c uint16) bool { return c == http.StatusSeeOther }))
	return nil
}

// login creates an admin with the CLI and logs in through the form.
func (b *bench) login() (*browser, string, error) {
	email := fmt.Sprintf("bench-%d@example.org", time.Now().UnixNano())
	cmd := exec.Command(b.o.bin, "user", "add", "--email", email, "--role", "admin") // #nosec G204 -- our binary
	cmd.Env = append(os.Environ(), "UNDERSIGN_DATABASE_URL="+b.dsn)
	cmd.Stdin = strings.NewReader("bench password 0123456789\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("user add: %v: %s", err, out)
	}
	br := newBrowser(b.srv.base)
	_, page, err := br.get("/admin/login")
	if err != nil {
		return nil, "", err
	}
	csrf, err := hidden(page, "_csrf")
	if err != nil {
		return nil, "", err
	}
	code, _, err := br.post("/admin/login", url.Values{"_csrf": {csrf}, "email": {email}, "password": {"bench password 0123456789"}})
	if err != nil || code != http.StatusSeeOther {
		return nil, "", fmt.Errorf("login: %d %v", code, err)
	}
	_, page, err = br.get("/admin/s/" + slug + "/signatures")
	if err != nil {
		return nil, "", err
	}
	csrf, err = hidden(page, "_csrf")
	return br, csrf, err
}

// atSize seeds approved signatures up to n and measures the public list
// uncached, the cached embeds and the memory under mixed load.
func (b *bench) atSize(ctx context.Context, n int) error {
	if n > b.seeded {
		start := time.Now()
		if err := seedApproved(ctx, b.d, b.dsn, b.st.ID, b.st.VersionHash, b.seeded, n, n); err != nil {
			return err
		}
		seeded := time.Since(start)
		// The count triggers recorded the load as changes; let the
		// instance fold them into the counters, as it would after any
		// bulk load, before measuring.
		folded, err := waitFolded(ctx, b.d, 10*time.Minute)
		if err != nil {
			return err
		}
		b.say("--- %d approved signatures (seeded %d in %s, counts folded in %s)", n, n-b.seeded,
			seeded.Round(time.Millisecond), folded.Round(time.Millisecond))
		b.rows = append(b.rows, row{scenario: "seed approved signatures", size: n,
			note: fmt.Sprintf("%d rows in %s, counts folded in %s", n-b.seeded, seeded.Round(time.Millisecond), folded.Round(time.Millisecond))})
		b.seeded = n
	}
	d := b.o.duration / 3
	cursors, err := sampleCursors(ctx, b.d, b.st.ID, n, 20000)
	if err != nil {
		return err
	}
	first := len(b.rows)
	rctx, stop := context.WithCancel(ctx)
	rss := b.srv.sampleRSS(rctx)
	for _, kind := range []string{"cursor", "country", "type", "search"} {
		b.record(n, b.measure("public list uncached, "+kind, getTargeter(b.srv.base, listPaths(cursors, kind, 0)), b.o.conns, d/2, is2xx))
		// Requests of the same kind (others, so still uncached) at the
		// target rate: the latency a visitor sees at 3,000 a second.
		b.record(n, b.measureAt(fmt.Sprintf("  the same at %d/s", listRate), getTargeter(b.srv.base, listPaths(cursors, kind, 1)),
			b.o.conns, listRate, d/2, is2xx))
	}
	for _, c := range []struct{ name, path string }{
		{"embed page (cached)", "/embed/" + slug},
		{"widget JSON (cached)", "/api/v1/statements/" + slug + "/signatories"},
		{"badge SVG (cached)", "/badge/" + slug + ".svg"},
		{"statement page (cached)", "/s/" + slug},
	} {
		b.record(n, b.measure(c.name, getTargeter(b.srv.base, []string{c.path}), b.o.conns, d, is2xx))
		if r, ok := b.wrk(c.name, c.path, d); ok {
			b.record(n, r)
		}
	}
	stop()
	peak := <-rss
	for _, r := range b.rows[first:] {
		peak = max(peak, r.rssMB) // the scenarios' samples count too
	}
	b.say("memory at %d: peak RSS under load %.1f MB", n, peak)
	b.rows = append(b.rows, row{scenario: "peak RSS under the list loads", size: n, rssMB: peak})
	return nil
}

// perSecond is how many items a load of d may use at rate per second (at
// least 100), so that its targets outlast it.
func perSecond(d time.Duration, rate int) int {
	return max(int(d.Seconds()*float64(rate)), 100)
}

// listRate is the request rate at which the public list's latency target
// (p99 <= 20 ms) is checked.
const listRate = 3000

// listPaths are distinct list requests of one kind, more than a load sends
// (so the cache cannot answer them): deep pages by cursor (JSON API),
// country filters (HTML page), type filters (JSON API) and name searches
// (HTML page). Each variant asks for pages one item shorter than the
// previous one, so that two variants share no request.
func listPaths(cursors []string, kind string, variant int) []string {
	var paths []string
	page, short := strconv.Itoa(50-variant), strconv.Itoa(20-variant)
	for i := range 30000 {
		cur := cursors[(i*7919)%len(cursors)]
		switch kind {
		case "cursor":
			paths = append(paths, "/api/v1/statements/"+slug+"/signatories?limit="+page+"&cursor="+cur)
		case "country":
			paths = append(paths, "/s/"+slug+"/signatories?limit="+page+"&country="+countries[i%len(countries)]+"&cursor="+cur)
		case "type":
			paths = append(paths, "/api/v1/statements/"+slug+"/signatories?limit="+short+"&type="+orgTypes[i%len(orgTypes)]+"&cursor="+cur)
		default:
			paths = append(paths, "/s/"+slug+"/signatories?limit="+page+"&q="+url.QueryEscape(words[i%len(words)]+" "+strconv.Itoa(i)))
		}
	}
	return paths
}

// clientIP is the i-th client's address as a proxy reports it: a pool of
// 20,000 private-range addresses (header values only; nothing is
// sent to them).
func clientIP(i int) string {
	n := i % 20000
	return fmt.Sprintf("10.77.%d.%d", n/250, 1+n%250)
}

// waitFolded waits until the instance's worker has folded every recorded
// count change, and returns how long that took.
func waitFolded(ctx context.Context, d *db.DB, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		var n int64
		if err := d.WithContext(ctx).Table("count_deltas").Count(&n).Error; err != nil {
			return 0, err
		}
		if n == 0 {
			return time.Since(start), nil
		}
		if time.Since(start) > limit {
			return 0, fmt.Errorf("%d count changes still unfolded after %s", n, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
