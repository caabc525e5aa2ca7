package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/models"
)

func (e *adminEnv) sigPath(sig *models.Signature) string {
	return "/admin/s/" + e.st.Slug + "/signatures/" + idStr(sig.ID)
}

func decide(t *testing.T, c *apptest.Client, e *adminEnv, sig *models.Signature, version int, action string, extra url.Values) *apptest.Response {
	t.Helper()
	form := url.Values{"action": {action}, "version": {idStr(int64(version))}}
	for k, v := range extra {
		form[k] = v
	}
	return adminPost(t, c, e.sigPath(sig)+"/decide", form)
}

func (e *adminEnv) outbox(template, to string) int64 {
	e.t.Helper()
	var n int64
	e.in.Store.DB().Model(&models.OutboxMessage{}).Where("kind = ? AND recipient = ?", template, to).Count(&n)
	return n
}

func TestConcurrentDecisionsExactlyOneWins(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		sig := e.signature(e.st, "Acme", "a@acme.example")
		a, b := e.loggedIn(e.mod.Email), e.loggedIn(e.admin.Email)
		forms := []url.Values{
			{"action": {"approve"}, "version": {"1"}, "_csrf": {adminCSRF(t, a, e.sigPath(sig))}},
			{"action": {"reject"}, "version": {"1"}, "reason": {"unverifiable"}, "_csrf": {adminCSRF(t, b, e.sigPath(sig))}},
		}
		clients := []*apptest.Client{a, b}
		codes := make([]int, 2)
		bodies := make([]string, 2)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := clients[i].PostForm(e.sigPath(sig)+"/decide", forms[i])
				codes[i], bodies[i] = r.StatusCode, r.Body
			}()
		}
		wg.Wait()
		won, lost := -1, -1
		for i, c := range codes {
			switch c {
			case http.StatusSeeOther:
				won = i
			case http.StatusConflict:
				lost = i
			}
		}
		if won < 0 || lost < 0 {
			t.Fatalf("statuses %v, want one 303 and one 409", codes)
		}
		if !strings.Contains(bodies[lost], "Someone else changed this signature") {
			t.Error("the loser sees no conflict message")
		}
		want := []models.SignatureStatus{models.StatusApproved, models.StatusRejected}[won]
		if got := e.reload(sig); got.Status != want || got.Version != 2 {
			t.Errorf("stored %s v%d, want %s v2", got.Status, got.Version, want)
		}
		if n := e.auditCount(audit.Approved) + e.auditCount(audit.Rejected); n != 1 {
			t.Errorf("%d decisions audited, want 1", n)
		}
	})
}

func TestApprovedCountsAndRejectedNever(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newAdminEnv(t, d)
		good := e.signature(e.st, "Good Org", "x@good.example")
		bad := e.signature(e.st, "Bad Org", "y@bad.example")
		changed := 0
		e.in.Events.OnSignaturesChanged(func(int64) { changed++ })
		c := e.loggedIn(e.mod.Email)
		if r := decide(t, c, e, good, 1, "approve", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", r.StatusCode)
		}
		if r := decide(t, c, e, bad, 1, "reject", url.Values{"reason": {"contrary"}, "note": {"Not a fit."}, "notify": {"1"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reject: %d", r.StatusCode)
		}
		byCountry, total, err := e.in.Store.ApprovedCounts(ctx, e.st.ID)
		if err != nil || total != 1 || byCountry["DE"] != 1 {
			t.Fatalf("public count %v %d %v, want 1", byCountry, total, err)
		}
		if changed != 1 {
			t.Errorf("public list told %d times, want once (the approval)", changed)
		}
		if e.outbox("signature-approved", "x@good.example") != 1 || e.outbox("signature-rejected", "y@bad.example") != 1 {
			t.Error("the signers were not both emailed")
		}
		if got := e.reload(bad); got.ReasonCode != "contrary" || got.ReasonNote != "Not a fit." || got.DecidedBy == nil {
			t.Errorf("rejection stored as %+v", got)
		}
		if r := decide(t, c, e, bad, 2, "spam", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("spam: %d", r.StatusCode)
		}
		if r := decide(t, c, e, good, 2, "pending", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("return to pending: %d", r.StatusCode)
		}
		if _, total, _ := e.in.Store.ApprovedCounts(ctx, e.st.ID); total != 0 {
			t.Errorf("after returning the approved one: %d, want 0", total)
		}
		if r := decide(t, c, e, bad, 3, "reject", nil); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Choose a reason") {
			t.Errorf("reject without reason: %d", r.StatusCode)
		}
	})
}

func TestQueueShowsSignalsAndPaginatesByKey(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		e.signature(e.st, "Greenpeace", "a@greenpeace.example")
		e.signature(e.st, "Green Peace", "b@greenpeace.example")
		for i := range 55 {
			e.signature(e.st, "Filler "+idStr(int64(i)), "f"+idStr(int64(i))+"@filler.example")
		}
		c := e.loggedIn(e.mod.Email)
		r := c.Get("/admin/s/" + e.st.Slug + "/signatures")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("queue: %d", r.StatusCode)
		}
		if !strings.Contains(r.Body, "same name: Greenpeace") || !strings.Contains(r.Body, "2 from @greenpeace.example in 24 h") {
			t.Error("the queue does not show the similar name and the same-domain count")
		}
		next := regexp.MustCompile(`href="([^"]+after=[0-9]+[^"]*)" rel="next"`).FindStringSubmatch(r.Body)
		if next == nil {
			t.Fatal("no next page link")
		}
		r2 := c.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if !strings.Contains(r2.Body, "Filler 54") || strings.Contains(r2.Body, ">Greenpeace<") {
			t.Error("the second page does not continue after the first")
		}
		if r := c.Get("/admin/s/" + e.st.Slug + "/signatures?q=GREEN&status=all"); strings.Contains(r.Body, "Filler") ||
			!strings.Contains(r.Body, "Green Peace") {
			t.Error("search by organisation does not filter")
		}
		if r := c.Get("/admin/s/" + e.st.Slug + "/signatures?q=f3@filler"); !strings.Contains(r.Body, "Filler 3<") {
			t.Error("search by email does not find the row")
		}
	})
}

func TestBulkAndEdit(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		one := e.signature(e.st, "One", "1@one.example")
		two := e.signature(e.st, "Two", "2@two.example")
		three := e.signature(e.st, "Three", "3@three.example")
		c := e.loggedIn(e.admin.Email)
		path := "/admin/s/" + e.st.Slug + "/signatures/bulk"
		sel := url.Values{"action": {"approve"}, "sel": {idStr(one.ID) + ":1", idStr(two.ID) + ":1", idStr(three.ID) + ":7"}}
		r := adminPost(t, c, path, sel)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Confirm") {
			t.Fatalf("bulk without confirmation: %d", r.StatusCode)
		}
		if e.reload(one).Status != models.StatusPending {
			t.Fatal("bulk acted before the confirmation")
		}
		sel.Set("confirm", "1")
		r = adminPost(t, c, path, sel)
		if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "done=2") ||
			!strings.Contains(r.Header.Get("Location"), "skipped=1") {
			t.Fatalf("bulk: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if e.reload(one).Status != models.StatusApproved || e.reload(three).Status != models.StatusPending {
			t.Error("bulk approved the wrong rows")
		}

		edit := url.Values{"version": {"2"}, "name": {"One e.V."}, "website": {"https://www.one.example/"},
			"country": {"at"}, "city": {"Wien"}, "comment": {""}, "org_type": {"NGO"}}
		if r := adminPost(t, c, e.sigPath(one)+"/edit", edit); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.StatusCode)
		}
		got := e.reload(one)
		if got.Name != "One e.V." || got.Country != "AT" || got.WebsiteDomain != "www.one.example" || got.Status != models.StatusApproved {
			t.Errorf("edited row: %+v", got)
		}
		if byCountry, total, _ := e.in.Store.ApprovedCounts(context.Background(), e.st.ID); total != 2 || byCountry["AT"] != 1 {
			t.Errorf("counts after the country changed: %v %d", byCountry, total)
		}
		if r := adminPost(t, c, e.sigPath(one)+"/edit", edit); r.StatusCode != http.StatusConflict {
			t.Errorf("edit on a stale version: %d, want 409", r.StatusCode)
		}
		edit.Set("version", "3")
		edit.Set("country", "Austria")
		if r := adminPost(t, c, e.sigPath(one)+"/edit", edit); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "two-letter country code") || !strings.Contains(r.Body, `value="Austria"`) {
			t.Errorf("invalid edit: %d", r.StatusCode)
		}
		if e.auditCount(audit.Edited) != 1 || e.auditCount(audit.Approved) != 2 {
			t.Error("edit and approvals are not audited")
		}
	})
}

func TestExportIsFormulaSafeAndAudited(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		evil := `=HYPERLINK("http://x")`
		e.signature(e.st, evil, "evil@x.example")
		c := e.loggedIn(e.admin.Email)
		path := "/admin/s/" + e.st.Slug + "/export"
		r := adminPost(t, c, path, url.Values{"format": {"csv"}})
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv export: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv: %v, %d rows", err, len(rows))
		}
		if rows[1][3] != "'"+evil || rows[1][12] != "evil@x.example" {
			t.Errorf("csv row: name %q email %q", rows[1][3], rows[1][12])
		}
		r = adminPost(t, c, path, url.Values{"format": {"json"}})
		var objs []map[string]string
		if err := json.Unmarshal([]byte(r.Body), &objs); err != nil || len(objs) != 1 || objs[0]["name"] != "'"+evil {
			t.Errorf("json export: %v %v", err, objs)
		}
		if e.auditCount(audit.Exported) != 2 {
			t.Error("exports are not audited")
		}
	})
}

var linkRe = regexp.MustCompile(`http://undersign\.test(/admin/[a-z/]+\?token=[A-Za-z0-9_%-]+)`)

// mailLink opens the newest outbox message to to and returns its link.
func (e *adminEnv) mailLink(to string) string {
	e.t.Helper()
	var m models.OutboxMessage
	if err := e.in.Store.DB().Where("recipient = ?", to).Order("id DESC").Take(&m).Error; err != nil {
		e.t.Fatalf("no mail to %s: %v", to, err)
	}
	plain, err := e.in.Keys.Open(m.Payload)
	if err != nil {
		e.t.Fatal(err)
	}
	var r mail.Rendered
	if err := json.Unmarshal(plain, &r); err != nil {
		e.t.Fatal(err)
	}
	link := linkRe.FindStringSubmatch(r.Text)
	if link == nil {
		e.t.Fatalf("no link in %q", r.Text)
	}
	return link[1]
}

func TestInviteAndPasswordResetLinksWorkOnce(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		c := e.loggedIn(e.admin.Email)
		if r := adminPost(t, c, "/admin/users/invite", url.Values{"email": {"new@example.org"}, "role": {"moderator"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", r.StatusCode)
		}
		link := e.mailLink("new@example.org")
		guest := e.client()
		if r := guest.Get(link); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "new@example.org") {
			t.Fatalf("invite page: %d", r.StatusCode)
		}
		token, _ := url.QueryUnescape(strings.SplitN(link, "token=", 2)[1])
		short := url.Values{"token": {token}, "password": {"short"}, "password2": {"short"}}
		if r := adminPost(t, guest, "/admin/invite", short); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("short password: %d, want 422", r.StatusCode)
		}
		good := url.Values{"token": {token}, "password": {"a new long password"}, "password2": {"a new long password"}}
		if r := adminPost(t, guest, "/admin/invite", good); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept invite: %d", r.StatusCode)
		}
		if r := adminPost(t, e.client(), "/admin/invite", good); r.StatusCode != http.StatusNotFound {
			t.Errorf("invite used twice: %d, want 404", r.StatusCode)
		}
		if r := adminLogin(t, e.client(), "new@example.org", "a new long password", ""); r.StatusCode != http.StatusSeeOther {
			t.Errorf("login with the new account: %d", r.StatusCode)
		}

		for _, email := range []string{e.mod.Email, "nobody@example.org"} {
			r := adminPost(t, e.client(), "/admin/reset", url.Values{"email": {email}})
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "If an account uses this address") {
				t.Errorf("reset request for %s: %d", email, r.StatusCode)
			}
		}
		if e.outbox("password-reset", "nobody@example.org") != 0 {
			t.Error("a reset email went to an unknown address")
		}
		link = e.mailLink(e.mod.Email)
		token, _ = url.QueryUnescape(strings.SplitN(link, "token=", 2)[1])
		reset := url.Values{"token": {token}, "password": {"another long password"}, "password2": {"another long password"}}
		if r := adminPost(t, e.client(), "/admin/reset/confirm", reset); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.StatusCode)
		}
		if r := adminPost(t, e.client(), "/admin/reset/confirm", reset); r.StatusCode != http.StatusNotFound {
			t.Errorf("reset link used twice: %d, want 404", r.StatusCode)
		}
		if r := adminLogin(t, e.client(), e.mod.Email, "another long password", ""); r.StatusCode != http.StatusSeeOther {
			t.Errorf("login with the new password: %d", r.StatusCode)
		}
	})
}

func TestStatementEditorVersionsAndAudits(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newAdminEnv(t, d)
		c := e.loggedIn(e.admin.Email)
		form := url.Values{"slug": {"climate"}, "title": {"Climate now"}, "lang": {"en"}, "body": {"We *demand* action."},
			"status": {"open"}, "accepts_organisations": {"1"}, "requires_moderation": {"1"}, "embargo_until": {"2100-01-01"}}
		form.Set("preview", "1")
		if r := adminPost(t, c, "/admin/statements/new", form); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<em>demand</em>") {
			t.Fatalf("preview: %d", r.StatusCode)
		}
		if _, err := e.in.Store.StatementBySlug(ctx, "climate"); err == nil {
			t.Fatal("the preview saved the statement")
		}
		form.Del("preview")
		r := adminPost(t, c, "/admin/statements/new", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", r.StatusCode)
		}
		st, err := e.in.Store.StatementBySlug(ctx, "climate")
		if err != nil || st.EmbargoUntil == nil || st.Status != models.StatementOpen || st.AcceptsIndividuals {
			t.Fatalf("created: %+v %v", st, err)
		}
		if r := adminPost(t, c, "/admin/statements/new", form); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("same address twice: %d, want 422", r.StatusCode)
		}
		form.Set("body", "We demand action now.")
		form.Set("slug", "ignored")
		if r := adminPost(t, c, "/admin/statements/"+idStr(st.ID), form); r.StatusCode != http.StatusSeeOther ||
			!strings.Contains(r.Header.Get("Location"), "msg=version") {
			t.Fatalf("edit body: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if vs, _ := e.in.Store.StatementVersions(ctx, st.ID); len(vs) != 2 {
			t.Errorf("%d versions, want 2", len(vs))
		}
		if _, err := e.in.Store.StatementBySlug(ctx, "ignored"); err == nil {
			t.Error("editing changed the address")
		}
		if e.auditCount(audit.StatementSaved) != 2 {
			t.Error("statement changes are not audited")
		}
	})
}
