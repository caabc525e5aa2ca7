package web_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// publicOutputs are every public view of one statement's list.
func publicOutputs(slug string) map[string]string {
	return map[string]string{
		"statement page": "/s/" + slug,
		"list page":      "/s/" + slug + "/signatories",
		"api":            "/api/v1/statements/" + slug + "/signatories",
		"csv":            "/s/" + slug + "/signatories.csv",
		"json":           "/s/" + slug + "/signatories.json",
		"feed":           "/s/" + slug + "/feed.atom",
		"embed":          "/embed/" + slug,
	}
}

func TestOnlyApprovedSignaturesArePublic(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Visible Workers Union"})
		e.pending(e.st, listSig{Name: "Pending Collective"})
		e.pending(e.st, listSig{Name: "Unconfirmed Collective", Status: models.StatusUnconfirmed})
		for name, to := range map[string]models.SignatureStatus{
			"Rejected Collective": models.StatusRejected, "Spam Collective": models.StatusSpam,
		} {
			e.move(e.pending(e.st, listSig{Name: name}), to)
		}
		e.move(e.approved(e.st, listSig{Name: "Withdrawn Collective"}), models.StatusWithdrawn)
		future := time.Now().Add(48 * time.Hour)
		embargoed := e.statement("embargoed", func(st *models.Statement) { st.EmbargoUntil = &future })
		e.approved(embargoed, listSig{Name: "Embargoed Collective"})

		hidden := []string{"Pending Collective", "Unconfirmed Collective", "Rejected Collective", "Spam Collective",
			"Withdrawn Collective", "Embargoed Collective"}
		for what, path := range publicOutputs(listSlug) {
			body := e.get(path, 200).Body
			if !strings.Contains(body, "Visible Workers Union") {
				t.Errorf("%s (%s) lacks the approved signatory", what, path)
			}
			for _, h := range hidden {
				if strings.Contains(body, h) {
					t.Errorf("%s (%s) shows %q", what, path, h)
				}
			}
		}
		for what, path := range publicOutputs("embargoed") {
			if body := e.get(path, 200).Body; strings.Contains(body, "Embargoed Collective") {
				t.Errorf("embargoed %s (%s) shows its signatory", what, path)
			}
		}

		var st struct {
			ListHidden bool `json:"list_hidden"`
			Counts     struct {
				Total     int64            `json:"total"`
				ByCountry map[string]int64 `json:"by_country"`
			} `json:"counts"`
		}
		mustJSON(t, e.get("/api/v1/statements/"+listSlug, 200).Body, &st)
		if st.Counts.Total != 1 || st.Counts.ByCountry["DE"] != 1 || st.ListHidden {
			t.Errorf("counts of the open statement: %+v", st)
		}
		st.Counts.ByCountry = nil
		mustJSON(t, e.get("/api/v1/statements/embargoed", 200).Body, &st)
		if st.Counts.Total != 0 || len(st.Counts.ByCountry) != 0 || !st.ListHidden {
			t.Errorf("counts of the embargoed statement: %+v", st)
		}
		if b := e.get("/badge/embargoed.svg", 200).Body; !strings.Contains(b, "will be published") {
			t.Errorf("embargoed badge: %s", b)
		}
		if b := e.get("/badge/"+listSlug+".svg", 200).Body; !strings.Contains(b, "1 organisation has signed") {
			t.Errorf("badge: %s", b)
		}
		e.get("/s/secret/signatories", 404)
		draft := e.statement("draft", func(st *models.Statement) { st.Status = models.StatementDraft })
		e.approved(draft, listSig{Name: "Draft Collective"})
		for _, path := range publicOutputs("draft") {
			e.get(path, 404)
		}
		e.get("/badge/draft.svg", 404)
		e.get("/api/v1/statements/draft", 404)
	})
}

// hostileNames are organisation names chosen to break out of every output.
var hostileNames = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	"Right\u202Eflow override",
	strings.Repeat("😀", 200),
	`=HYPERLINK("http://evil.example","x")`,
	`+SUM(1,2)`, `-2+3`, `@cmd`,
}

var hostileWebsites = map[string]string{
	"javascript:alert(3)":                         "",
	`"><img src=x onerror=alert(4)>`:              "",
	"data:text/html,<script>alert(5)</script>":    "",
	`https://ok.example/a?b="><script>x</script>`: "https://ok.example/a?b=%22%3E%3Cscript%3Ex%3C/script%3E",
}

func TestHostileDataIsInertInEveryOutput(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		for i, n := range hostileNames {
			e.approved(e.st, listSig{Name: n, Contact: n, ShowContact: i%2 == 0})
		}
		for w := range hostileWebsites {
			e.approved(e.st, listSig{Name: "Site " + w, Website: w})
		}
		e.approved(e.st, listSig{Name: "Plain Site", Website: "https://plain.example/"})
		emoji := strings.Repeat("😀", 200)

		for _, path := range []string{"/s/" + listSlug, listPage, listEmbed + "?limit=50"} {
			body := e.get(path, 200).Body
			for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, `href="data:`, "\u202E", "<script>x"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s contains %q", path, bad)
				}
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, emoji) {
				t.Errorf("%s does not show the hostile names as text", path)
			}
			if path != "/s/"+listSlug && !strings.Contains(body, `href="https://plain.example/" `) {
				t.Errorf("%s does not link the plain website", path)
			}
			if path != "/s/"+listSlug && !strings.Contains(body, `rel="nofollow ugc noopener"`) {
				t.Errorf("%s links websites without rel=nofollow ugc noopener", path)
			}
		}

		var page struct {
			Items []struct {
				Name    string `json:"name"`
				Website string `json:"website"`
				Contact *struct {
					Name string `json:"name"`
				} `json:"contact"`
			} `json:"items"`
		}
		for _, path := range []string{listAPI + "?limit=100", "/s/" + listSlug + "/signatories.json"} {
			body := e.get(path, 200).Body
			if strings.ContainsAny(body, "<>\u202E") {
				t.Errorf("%s has raw < > or U+202E: JSON must escape them", path)
			}
			mustJSON(t, body, &page)
			names := map[string]bool{}
			for _, it := range page.Items {
				names[it.Name] = true
				if strings.HasPrefix(it.Name, "Site ") {
					raw := strings.TrimPrefix(it.Name, "Site ")
					if want, ok := hostileWebsites[raw]; ok && it.Website != want {
						t.Errorf("%s: website of %q is %q, want %q", path, raw, it.Website, want)
					}
				}
				if it.Contact != nil && it.Contact.Name != it.Name {
					t.Errorf("%s: contact shown for %q although it was not chosen", path, it.Name)
				}
			}
			for _, n := range hostileNames {
				want := strings.ReplaceAll(n, "\u202E", "")
				if !names[want] {
					t.Errorf("%s lacks %q", path, want)
				}
			}
		}

		rows, err := csv.NewReader(strings.NewReader(e.get("/s/"+listSlug+"/signatories.csv", 200).Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("CSV cell %q would be read as a formula", cell)
				}
				if strings.ContainsRune(cell, '\u202E') {
					t.Errorf("CSV cell %q keeps a direction override", cell)
				}
			}
		}

		feed := e.get("/s/"+listSlug+"/feed.atom", 200)
		if strings.Contains(feed.Body, "<script") || strings.Contains(feed.Body, "<img") || strings.Contains(feed.Body, "\u202E") {
			t.Error("feed carries markup or a direction override unescaped")
		}
		var atom struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(feed.Body), &atom); err != nil || len(atom.Entries) != len(hostileNames)+len(hostileWebsites)+1 {
			t.Fatalf("feed: %d entries, %v", len(atom.Entries), err)
		}

		badge := e.get("/badge/"+listSlug+".svg", 200)
		if err := xml.Unmarshal([]byte(badge.Body), new(struct{})); err != nil {
			t.Errorf("badge is not well-formed XML: %v", err)
		}
		if !strings.Contains(badge.Body, "13 organisations have signed") {
			t.Errorf("badge: %s", badge.Body)
		}

		js := e.get(listEmbed+"/widget.js", 200).Body
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(js, sink) {
				t.Errorf("widget.js uses %s: signer data must only reach the page through textContent", sink)
			}
		}
		if !strings.Contains(js, "textContent") {
			t.Error("widget.js does not write text with textContent")
		}
	})
}

func TestAPIIsOpenToEveryOriginAndAdminIsNot(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Cached Union"})
		for _, path := range []string{"/api/v1/statements", "/api/v1/statements/" + listSlug, listAPI, "/api/v1/openapi.json"} {
			resp := e.get(path+"?lang=de", 200)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("%s: Access-Control-Allow-Origin %q, want *", path, got)
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" || len(resp.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("%s allows credentials or sets a cookie", path)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=30" {
				t.Errorf("%s: Cache-Control %q", path, got)
			}
			if got := resp.Header.Get("Vary"); got != "" {
				t.Errorf("%s: Vary %q would split shared caches", path, got)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
			}
		}
		for _, path := range []string{"/admin/login", "/admin", "/s/" + listSlug, listPage} {
			if resp := e.c.Get(path); resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s answers with Access-Control-Allow-Origin", path)
			}
		}
	})
}

func TestETagAnswers304(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Tagged Union"})
		for _, path := range []string{listAPI, "/api/v1/statements/" + listSlug, "/api/v1/statements", listEmbed,
			listEmbed + "/widget.js", "/badge/" + listSlug + ".svg", "/s/" + listSlug + "/feed.atom", "/api/v1/openapi.json"} {
			first := e.get(path, 200)
			tag := first.Header.Get("ETag")
			if tag == "" {
				t.Errorf("%s has no ETag", path)
				continue
			}
			req, _ := http.NewRequest(http.MethodGet, "http://undersign.test"+path, nil)
			req.Header.Set("If-None-Match", tag)
			if again := e.c.Do(req); again.StatusCode != http.StatusNotModified || again.Body != "" {
				t.Errorf("%s with If-None-Match: %d, %d bytes; want 304 and no body", path, again.StatusCode, len(again.Body))
			}
		}
		tag := e.get(listAPI, 200).Header.Get("ETag")
		e.approved(e.st, listSig{Name: "Newer Union"})
		req, _ := http.NewRequest(http.MethodGet, "http://undersign.test"+listAPI, nil)
		req.Header.Set("If-None-Match", tag)
		if resp := e.c.Do(req); resp.StatusCode != 200 || !strings.Contains(resp.Body, "Newer Union") {
			t.Errorf("after an approval the old ETag still matches: %d", resp.StatusCode)
		}
	})
}

func TestOnlyEmbedsMayBeFramed(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		for _, path := range []string{listEmbed, listEmbed + "?theme=dark&show=list&limit=3&lang=fr", listEmbed + "/widget.js"} {
			resp := e.get(path, 200)
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q, want frame-ancestors *", path, csp)
			}
			if xfo := resp.Header.Get("X-Frame-Options"); xfo != "" {
				t.Errorf("%s: X-Frame-Options %q", path, xfo)
			}
			if len(resp.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("%s sets a cookie", path)
			}
		}
		for _, path := range []string{"/s/" + listSlug, listPage, "/s/" + listSlug + "/embed", listAPI,
			"/badge/" + listSlug + ".svg", "/admin/login", "/s/" + listSlug + "/feed.atom"} {
			resp := e.c.Get(path)
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q, want frame-ancestors 'none'", path, csp)
			}
			if resp.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: X-Frame-Options %q, want DENY", path, resp.Header.Get("X-Frame-Options"))
			}
		}
	})
}

type apiPage struct {
	Items []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Total      int64   `json:"total"`
	TotalExact bool    `json:"total_exact"`
}

func TestPaginationIsStableWhileSignaturesAreApproved(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		var want []int64
		for i := range 25 {
			want = append([]int64{e.approved(e.st, listSig{Name: "Early " + string(rune('A'+i))}).ID}, want...)
		}
		var got []int64
		path := listAPI + "?limit=7"
		for pages := 0; ; pages++ {
			var p apiPage
			mustJSON(t, e.get(path, 200).Body, &p)
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			// Two new approvals between each page load.
			e.approved(e.st, listSig{Name: "Late one"})
			e.approved(e.st, listSig{Name: "Late two"})
			if p.NextCursor == nil || pages > 10 {
				break
			}
			path = listAPI + "?limit=7&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		if len(got) != len(want) {
			t.Fatalf("walked %d signatories, want %d: %v", len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("position %d: id %d, want %d (duplicate or gap)\ngot  %v\nwant %v", i, got[i], want[i], got, want)
			}
		}

		// The HTML page pages the same way.
		body := e.get(listPage+"?q=early", 200).Body
		if !strings.Contains(body, "25 signatories match") {
			t.Errorf("search for early: count missing")
		}
	})
}

func TestTamperedCursorIsABadRequest(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "One"})
		e.approved(e.st, listSig{Name: "Two"})
		var p apiPage
		mustJSON(t, e.get(listAPI+"?limit=1", 200).Body, &p)
		if p.NextCursor == nil {
			t.Fatal("no next cursor")
		}
		good := *p.NextCursor
		flipped := []byte(good)
		flipped[0] ^= 0x01
		for _, cur := range []string{"x", "garbage!", good[:len(good)-1], good + "A", string(flipped), "AAAAAAAAAAAAAAAAAAAAAAA",
			strings.Repeat("_", 23), "%00", "' OR 1=1 --"} {
			resp := e.c.Get(listAPI + "?cursor=" + url.QueryEscape(cur))
			if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"error"`) {
				t.Errorf("API cursor %q: %d %s, want 400 with an error", cur, resp.StatusCode, resp.Body)
			}
			if resp := e.c.Get(listPage + "?cursor=" + url.QueryEscape(cur)); resp.StatusCode != 400 {
				t.Errorf("page cursor %q: %d, want 400", cur, resp.StatusCode)
			}
		}
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "country=FRA", "country=1", "q=" + strings.Repeat("a", 101)} {
			if resp := e.c.Get(listAPI + "?" + q); resp.StatusCode != 400 {
				t.Errorf("API ?%s: %d, want 400", q, resp.StatusCode)
			}
		}
	})
}

func TestSearchFiltersAndCounts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Alpha Workers Union", Country: "FR", OrgType: "union", Website: "https://alpha.example/", DomainVerified: true})
		e.approved(e.st, listSig{Name: "ALPHABET Collective", Country: "FR", OrgType: "collective"})
		e.approved(e.st, listSig{Name: "Beta, Party!", Country: "UA", OrgType: "party", Contact: "Olena Shown", ShowContact: true})
		e.approved(e.st, listSig{Name: "Gamma Media", Country: "UA", OrgType: "media", Contact: "Hidden Person"})
		cases := []struct {
			query string
			names []string
			total int64
		}{
			{"", []string{"Gamma Media", "Beta, Party!", "ALPHABET Collective", "Alpha Workers Union"}, 4},
			{"q=alpha", []string{"ALPHABET Collective", "Alpha Workers Union"}, 2},
			{"q=BETA+party", []string{"Beta, Party!"}, 1},
			{"q=%25", []string{"Gamma Media", "Beta, Party!", "ALPHABET Collective", "Alpha Workers Union"}, 4},
			{"country=fr", []string{"ALPHABET Collective", "Alpha Workers Union"}, 2},
			{"type=party", []string{"Beta, Party!"}, 1},
			{"country=UA&type=media", []string{"Gamma Media"}, 1},
			{"country=UA&q=alpha", nil, 0},
			{"country=JP", nil, 0},
		}
		for _, c := range cases {
			var p apiPage
			mustJSON(t, e.get(listAPI+"?"+c.query, 200).Body, &p)
			var names []string
			for _, it := range p.Items {
				names = append(names, it.Name)
			}
			if strings.Join(names, "|") != strings.Join(c.names, "|") || p.Total != c.total || !p.TotalExact {
				t.Errorf("?%s: %v total %d exact %v; want %v total %d", c.query, names, p.Total, p.TotalExact, c.names, c.total)
			}
		}

		page := e.get(listPage, 200).Body
		for _, want := range []string{
			"4 organisations have signed", ">🇫🇷</span> France", "Ukraine (2)", "Trade union", "Political party",
			`<a href="https://alpha.example/" rel="nofollow ugc noopener">`, "domain verified", "Olena Shown",
			`role="img"`, "Signatures per day", "Top countries", "<details>", `name="q"`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("list page lacks %q", want)
			}
		}
		if strings.Contains(page, "Hidden Person") || strings.Contains(page, "@example.org") {
			t.Error("list page shows a contact person who chose not to be shown, or an email")
		}
		if body := e.get(listPage+"?q=alpha&country=FR", 200).Body; !strings.Contains(body, "2 signatories match") ||
			strings.Contains(body, "Gamma Media") || !strings.Contains(body, `value="alpha"`) ||
			!strings.Contains(body, `<option value="FR" selected>France (2)</option>`) {
			t.Error("filtered list page: wrong matches, or the search and country are not kept in the form")
		}
	})
}

func TestStatementPageShowsCountAndLatest(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		if strings.Contains(e.get("/s/"+listSlug, 200).Body, `id="signatories"`) {
			t.Error("the summary is shown before anyone signed")
		}
		for i := range 22 {
			e.approved(e.st, listSig{Name: "Summary Org " + string(rune('A'+i))})
		}
		body := e.get("/s/"+listSlug, 200).Body
		for _, want := range []string{"22 organisations have signed", "Summary Org V", "Summary Org C", `href="` + listPage + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("statement page lacks %q", want)
			}
		}
		if strings.Contains(body, "Summary Org B<") || strings.Contains(body, "Summary Org A<") {
			t.Error("statement page shows more than the latest 20")
		}
	})
}

func TestEmbedOptionsWidgetBadgeAndSnippets(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Embed One"})
		e.approved(e.st, listSig{Name: "Embed Two"})

		both := e.get(listEmbed, 200)
		if !strings.Contains(both.Body, "2 organisations have signed") || !strings.Contains(both.Body, "Embed One") {
			t.Errorf("embed: %s", both.Body)
		}
		if strings.Contains(both.Body, "<script>") || !strings.Contains(both.Body, `<script src="/static/embed.js"`) {
			t.Error("embed page must load its script from a file, with no inline script")
		}
		if !strings.Contains(both.Body, `class="theme-auto"`) || !strings.Contains(both.Body, `href="http://undersign.test/s/`+listSlug) {
			t.Error("embed page: default theme or absolute links missing")
		}
		if b := e.get(listEmbed+"?show=count", 200).Body; strings.Contains(b, "Embed One") || !strings.Contains(b, "2 organisations") {
			t.Error("show=count shows the list or no count")
		}
		if b := e.get(listEmbed+"?show=list&limit=1&theme=dark", 200).Body; strings.Contains(b, "2 organisations") ||
			!strings.Contains(b, "Embed Two") || strings.Contains(b, "Embed One") || !strings.Contains(b, "theme-dark") {
			t.Error("show=list&limit=1&theme=dark not honoured")
		}
		if b := e.get(listEmbed+"?lang=de", 200).Body; !strings.Contains(b, "2 Organisationen haben unterzeichnet") || !strings.Contains(b, `lang="de"`) {
			t.Error("lang=de not honoured")
		}
		if b := e.get(listEmbed+"?theme=<x>&show=all&limit=-4&lang=<>", 200).Body; !strings.Contains(b, "theme-auto") || !strings.Contains(b, "Embed One") {
			t.Error("sloppy embed options do not fall back to the defaults")
		}
		e.get("/embed/nope", 404)
		e.get("/embed/nope/widget.js", 404)

		js := e.get(listEmbed+"/widget.js", 200)
		if ct := js.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("widget.js Content-Type %q", ct)
		}
		if !strings.Contains(js.Body, `var BASE = "http://undersign.test";`) || !strings.Contains(js.Body, "attachShadow") ||
			!strings.HasPrefix(strings.TrimSpace(stripComments(js.Body)), "(function () {") {
			t.Error("widget.js: no base URL, no shadow root, or not a single IIFE")
		}

		badge := e.get("/badge/"+listSlug+".svg?lang=fr", 200)
		if ct := badge.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
			t.Errorf("badge Content-Type %q", ct)
		}
		var svg struct {
			Width string `xml:"width,attr"`
			Title string `xml:"title"`
		}
		if err := xml.Unmarshal([]byte(badge.Body), &svg); err != nil || svg.Title != "2 organisations ont signé" || svg.Width == "" {
			t.Errorf("badge: %+v %v", svg, err)
		}
		short := e.get("/badge/"+listSlug+".svg?lang=zh", 200).Body
		var zh struct {
			Width int `xml:"width,attr"`
		}
		_ = xml.Unmarshal([]byte(short), &zh)
		var en struct {
			Width int `xml:"width,attr"`
		}
		_ = xml.Unmarshal([]byte(e.get("/badge/"+listSlug+".svg", 200).Body), &en)
		if zh.Width <= 0 || en.Width <= zh.Width {
			t.Errorf("badge width does not follow its text: en %d, zh %d", en.Width, zh.Width)
		}
		e.get("/badge/nope.svg", 404)

		snip := e.get("/s/"+listSlug+"/embed", 200).Body
		for _, want := range []string{
			"&lt;iframe src=&#34;http://undersign.test/embed/" + listSlug, "data-undersign=&#34;" + listSlug,
			"/badge/" + listSlug + ".svg", "http://undersign.test/api/v1/statements/" + listSlug + "/signatories",
			`data-copy="snippet-iframe"`, `<script src="/static/list.js"`, `<iframe class="preview-frame"`, `data-undersign="` + listSlug + `"`,
		} {
			if !strings.Contains(snip, want) {
				t.Errorf("snippet page lacks %q", want)
			}
		}
	})
}

func TestExportsAndFeed(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		e.approved(e.st, listSig{Name: "Export Union", Country: "UA", Website: "https://export.example/", Contact: "Public Contact", ShowContact: true})
		e.approved(e.st, listSig{Name: "Quiet Union", Contact: "Private Contact"})

		// HEAD requests do not hold a download slot: more of them than there
		// are slots leave exports working.
		for range 6 {
			e.c.Do(apptest.NewRequest(http.MethodHead, "/s/"+listSlug+"/signatories.csv", nil, ""))
		}
		resp := e.get("/s/"+listSlug+"/signatories.csv", 200)
		if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="`+listSlug+`-signatories.csv"` {
			t.Errorf("CSV headers: %v", resp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(resp.Body)).ReadAll()
		if err != nil || len(rows) != 3 || rows[0][0] != "name" || rows[1][0] != "Quiet Union" || rows[2][0] != "Export Union" {
			t.Fatalf("CSV rows: %v %v", rows, err)
		}
		if strings.Contains(resp.Body, "Private Contact") || strings.Contains(resp.Body, "@example.org") || !strings.Contains(resp.Body, "Public Contact") {
			t.Error("CSV shows a private contact or an email, or hides a public contact")
		}

		var doc struct {
			Statement struct {
				Slug string `json:"slug"`
			} `json:"statement"`
			Items []map[string]any `json:"items"`
		}
		mustJSON(t, e.get("/s/"+listSlug+"/signatories.json", 200).Body, &doc)
		if doc.Statement.Slug != listSlug || len(doc.Items) != 2 {
			t.Fatalf("JSON export: %+v", doc)
		}
		for _, it := range doc.Items {
			for k := range it {
				if strings.Contains(k, "email") {
					t.Errorf("JSON export has %s", k)
				}
			}
		}

		feed := e.get("/s/"+listSlug+"/feed.atom", 200)
		if ct := feed.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("feed Content-Type %q", ct)
		}
		var atom struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(feed.Body), &atom); err != nil {
			t.Fatal(err)
		}
		if len(atom.Entries) != 2 || atom.Entries[0].Title != "Quiet Union" || !strings.HasPrefix(atom.Entries[0].ID, "tag:undersign.test,") ||
			!strings.Contains(atom.Entries[1].Content, "Ukraine") || atom.Updated != atom.Entries[0].Updated {
			t.Errorf("feed: %+v", atom)
		}
	})
}

func TestOpenAPIListsExactlyTheAPIRoutes(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		var spec struct {
			OpenAPI string                    `json:"openapi"`
			Servers []struct{ URL string }    `json:"servers"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		mustJSON(t, e.get("/api/v1/openapi.json", 200).Body, &spec)
		if !strings.HasPrefix(spec.OpenAPI, "3.") || len(spec.Servers) != 1 || spec.Servers[0].URL != "http://undersign.test" {
			t.Errorf("spec header: %s %+v", spec.OpenAPI, spec.Servers)
		}
		documented := map[string]bool{}
		for path, ops := range spec.Paths {
			for method := range ops {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
		routed := map[string]bool{}
		for _, r := range e.in.Web.App().GetRoutes(true) {
			if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead || r.Method == http.MethodOptions {
				continue
			}
			routed[r.Method+" "+openAPIPath(r.Path)] = true
		}
		for k := range routed {
			if !documented[k] {
				t.Errorf("route %s is not in openapi.json", k)
			}
		}
		for k := range documented {
			if !routed[k] {
				t.Errorf("openapi.json documents %s, which the router does not have", k)
			}
		}
	})
}

// openAPIPath writes fiber's /a/:b/c as OpenAPI's /a/{b}/c.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + strings.TrimSuffix(strings.TrimPrefix(s, ":"), "?") + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestListCacheIsDroppedWhenSignaturesChange(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		first := e.approved(e.st, listSig{Name: "First Union"})
		for _, path := range []string{listAPI, listEmbed, "/badge/" + listSlug + ".svg", "/api/v1/statements"} {
			e.get(path, 200) // now cached
		}
		e.approved(e.st, listSig{Name: "Second Union"}) // announces the change
		if b := e.get(listAPI, 200).Body; !strings.Contains(b, "Second Union") {
			t.Error("API still serves the list cached before the approval")
		}
		if b := e.get(listEmbed, 200).Body; !strings.Contains(b, "Second Union") {
			t.Error("embed still serves the list cached before the approval")
		}
		if b := e.get("/badge/"+listSlug+".svg", 200).Body; !strings.Contains(b, "2 organisations") {
			t.Error("badge still serves the count cached before the approval")
		}
		e.move(first, models.StatusWithdrawn)
		if b := e.get(listAPI, 200).Body; strings.Contains(b, "First Union") {
			t.Error("API still shows a withdrawn signature")
		}
		if b := e.get("/api/v1/statements", 200).Body; !strings.Contains(b, `"signatories":1`) {
			t.Errorf("statements list count not updated: %s", b)
		}
	})
}

func mustJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, body)
	}
}

// stripComments drops the leading // comment lines of a script.
func stripComments(js string) string {
	var out []string
	for _, l := range strings.Split(js, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
