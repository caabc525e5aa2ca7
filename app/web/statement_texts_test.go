package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
	shipped "github.com/undersign/undersign/statements"
)

// ukTranslation is a Ukrainian file with the shipped statement's slug:
// importing it adds a translation, not a statement.
const ukTranslation = `---
slug: no-to-imperialist-invasion
lang: uk
title: "Тестовий переклад заяви"
preface: "Примітка редакції до перекладу."
status: open
---

Перший абзац тестового перекладу.

Другий абзац тестового перекладу.
`

func importText(t *testing.T, in *instance.Instance, src string) statements.Imported {
	t.Helper()
	imp, err := statements.Import(context.Background(), in.Store, []byte(src))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return imp
}

func TestAnImportedTranslationShowsInTheVisitorsLanguageAndTheOriginalIsMarked(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		ctx := context.Background()
		before, err := in.Store.StatementBySlug(ctx, signSlug)
		if err != nil {
			t.Fatal(err)
		}
		imp := importText(t, in, ukTranslation)
		if imp.Translation != "uk" || !imp.Created {
			t.Fatalf("import: %+v, want a new uk translation", imp)
		}
		if n, _ := in.Store.CountStatements(ctx); n != 1 {
			t.Errorf("%d statements after importing a translation, want 1", n)
		}
		after, _ := in.Store.StatementBySlug(ctx, signSlug)
		if after.VersionHash != before.VersionHash || after.Title != before.Title || after.Lang != "en" {
			t.Error("importing a translation changed the original")
		}

		c := apptest.NewClient(t, in.Web.App())
		uk := c.Get(seedPath + "?lang=uk")
		if uk.StatusCode != http.StatusOK {
			t.Fatalf("GET ?lang=uk: %d", uk.StatusCode)
		}
		body := html.UnescapeString(uk.Body)
		for _, want := range []string{
			`<html lang="uk"`, `<article class="statement" lang="uk">`, "<h1>Тестовий переклад заяви</h1>",
			"Перший абзац тестового перекладу.", "Примітка редакції до перекладу.",
			"<strong>Переклад</strong>", "Підписується оригінальний текст (English)",
			`href="/s/no-to-imperialist-invasion?text=en"`, "(оригінал)", `aria-current="true">Українська`,
			`href="/s/no-to-imperialist-invasion/versions"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("Ukrainian page lacks %s", want)
			}
		}
		if strings.Contains(body, "On Feb. 24, the Russian military") {
			t.Error("the Ukrainian page shows the English body")
		}

		en := html.UnescapeString(apptest.NewClient(t, in.Web.App()).Get(seedPath).Body)
		for _, want := range []string{`<article class="statement" lang="en">`, "<strong>Original text</strong>",
			"On Feb. 24, the Russian military", `href="/s/no-to-imperialist-invasion?text=uk"`, `aria-current="true">English`} {
			if !strings.Contains(en, want) {
				t.Errorf("English page lacks %s", want)
			}
		}
		if strings.Contains(en, "Тестовий переклад") {
			t.Error("the English page shows the translation")
		}
		// A Ukrainian reader may still read the original, and a visitor
		// whose language has no translation gets the original.
		if orig := html.UnescapeString(c.Get(seedPath + "?text=en").Body); !strings.Contains(orig, "On Feb. 24, the Russian military") ||
			!strings.Contains(orig, "<strong>Оригінальний текст</strong>") {
			t.Error("?text=en with the Ukrainian interface does not show the marked original")
		}
		if de := html.UnescapeString(apptest.NewClient(t, in.Web.App()).Get(seedPath + "?lang=de").Body); !strings.Contains(de, "On Feb. 24, the Russian military") {
			t.Error("a German visitor does not get the original")
		}

		// Importing the original's file again still updates the original.
		src, err := shipped.FS.ReadFile("no-to-imperialist-invasion.md")
		if err != nil {
			t.Fatal(err)
		}
		again := importText(t, in, strings.Replace(string(src), "On Feb. 24, the Russian", "On 24 February, the Russian", 1))
		if again.Translation != "" || !again.NewVersion {
			t.Errorf("re-import of the English file: %+v, want a new version of the original", again)
		}
		tr, err := in.Store.Translation(ctx, before.ID, "uk")
		if err != nil || tr.Title != "Тестовий переклад заяви" {
			t.Errorf("the translation did not survive the original's update: %v", err)
		}
	})
}

func TestSignaturesRecordTheOriginalWhileTheReaderReadATranslation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		importText(t, in, ukTranslation)
		st, _ := in.Store.StatementBySlug(context.Background(), signSlug)
		c := apptest.NewClient(t, in.Web.App())
		page := c.Get(seedPath + "?lang=uk")
		if !strings.Contains(page.Body, "Тестовий переклад заяви") {
			t.Fatal("the page does not show the translation")
		}
		f := parseSignForm(t, c, d, page.Body)
		if resp := c.PostForm(signPath, orgValues(f, "olena@example.org")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d\n%s", resp.StatusCode, resp.Body)
		}
		sigs := signatures(t, d)
		if len(sigs) != 1 || sigs[0].VersionHash != st.VersionHash {
			t.Fatalf("signature records %v, want the original's hash %s", sigs, st.VersionHash)
		}
		tr, _ := in.Store.Translation(context.Background(), st.ID, "uk")
		if sigs[0].VersionHash == tr.VersionHash {
			t.Error("the signature records the translation's hash")
		}
	})
}

func TestHostileMarkdownInATranslationIsSanitised(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		hostile := strings.Replace(ukTranslation, "Перший абзац тестового перекладу.",
			`Текст <script>alert("x")</script> [посилання](javascript:alert(1)) <img src=x onerror=alert(2)>
<iframe src="https://evil.example"></iframe> <a href="#" onclick="alert(3)">клік</a>`, 1)
		hostile = strings.Replace(hostile, `title: "Тестовий переклад заяви"`, `title: "<script>alert('t')</script>"`, 1)
		importText(t, in, hostile)
		body := apptest.NewClient(t, in.Web.App()).Get(seedPath + "?lang=uk").Body
		for _, bad := range []string{"<script>alert", "javascript:", "onerror", "onclick", "<iframe", "evil.example"} {
			if strings.Contains(body, bad) {
				t.Errorf("the page carries %q from the translation", bad)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;") || !strings.Contains(body, "Текст") {
			t.Error("the translation's title is not shown escaped, or its text is lost")
		}
	})
}

var versionEntryRe = regexp.MustCompile(`<li class="version-entry"`)

func TestVersionHistoryListsVersionsWithCountsAndADiff(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		ctx := context.Background()
		st := &models.Statement{Slug: "history", Title: "History", Lang: "en", Status: models.StatementOpen,
			AcceptsOrganisations: true, Body: "We demand peace now.\n\nSecond paragraph stays."}
		if _, err := in.Store.SaveStatement(ctx, st); err != nil {
			t.Fatal(err)
		}
		first := st.VersionHash
		e := &adminEnv{t: t, in: in}
		approve := func(name, email string) {
			sig := e.signature(st, name, email)
			now := time.Now().UTC()
			if err := d.Model(sig).Updates(map[string]any{"status": models.StatusApproved, "approved_at": now}).Error; err != nil {
				t.Fatal(err)
			}
		}
		approve("First Union", "a@first.example")
		approve("Second Union", "b@second.example")
		e.signature(st, "Pending Union", "c@third.example") // pending: not counted
		st.Body = "We demand <b>bread</b> and peace.\n\nSecond paragraph stays."
		st.Title = "History, revised"
		if res, err := in.Store.SaveStatement(ctx, st); err != nil || !res.NewVersion {
			t.Fatalf("second version: %+v %v", res, err)
		}
		approve("Third Union", "d@fourth.example")

		c := apptest.NewClient(t, in.Web.App())
		if page := c.Get("/s/history"); !strings.Contains(page.Body, `href="/s/history/versions"`) {
			t.Error("the statement page does not link to its versions")
		}
		resp := c.Get("/s/history/versions")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("versions page: %d", resp.StatusCode)
		}
		body := resp.Body
		if n := len(versionEntryRe.FindAllString(body, -1)); n != 2 {
			t.Fatalf("%d versions shown, want 2", n)
		}
		newer, older := strings.Index(body, models.ShortHash(st.VersionHash)), strings.Index(body, models.ShortHash(first))
		if newer < 0 || older < 0 || newer > older {
			t.Error("both versions must show, newest first")
		}
		for _, want := range []string{
			"1 published signature recorded this version.", "2 published signatures recorded this version.",
			`<span class="badge">current</span>`, "The first version.",
			`<del><span class="visually-hidden">[removed: </span>peace now`,
			`<ins><span class="visually-hidden">[added: </span>&lt;b&gt;bread&lt;/b&gt; and`,
			"Second paragraph stays.", "History, revised",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("versions page lacks %s", want)
			}
		}
		if strings.Contains(body, "<b>bread") {
			t.Error("the diff is not escaped")
		}
		if strings.Contains(body, "3 published") {
			t.Error("a pending signature was counted")
		}
		if uk := c.Get("/s/history/versions?lang=uk").Body; !strings.Contains(uk, "Історія версій") || !strings.Contains(uk, "2 оприлюднені підписи") {
			t.Error("the versions page is not in Ukrainian with ?lang=uk")
		}
		if r := c.Get("/s/nope/versions"); r.StatusCode != http.StatusNotFound {
			t.Errorf("versions of an unknown statement: %d", r.StatusCode)
		}
	})
}

func TestVersionCountsStayHiddenUnderEmbargo(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := apptest.NewInstance(t, d)
		until := time.Now().UTC().Add(48 * time.Hour)
		st := &models.Statement{Slug: "embargoed", Title: "Embargoed", Lang: "en", Status: models.StatementOpen,
			AcceptsOrganisations: true, Body: "Text.", EmbargoUntil: &until}
		if _, err := in.Store.SaveStatement(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		body := apptest.NewClient(t, in.Web.App()).Get("/s/embargoed/versions").Body
		if strings.Contains(body, "published signature") || !strings.Contains(body, "once the list of signatories is published") {
			t.Error("counts shown during the embargo")
		}
	})
}
