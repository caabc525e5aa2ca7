package statements_test

import (
	"context"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/app/store"
	shipped "github.com/undersign/undersign/statements"
)

func TestMain(m *testing.M) { apptest.Main(m) }

const seedFile = "no-to-imperialist-invasion.md"

func seed(t *testing.T) []byte {
	t.Helper()
	src, err := shipped.FS.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestParseSeed(t *testing.T) {
	st, err := statements.Parse(seed(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.Slug != "no-to-imperialist-invasion" || st.Lang != "en" || st.Status != "open" {
		t.Errorf("front matter: slug=%q lang=%q status=%q", st.Slug, st.Lang, st.Status)
	}
	if !st.AcceptsOrganisations || st.AcceptsIndividuals || !st.RequiresModeration {
		t.Errorf("accepts organisations only, moderated: %+v", st)
	}
	if st.PublishedOn == nil || st.PublishedOn.Format("2006-01-02") != "2022-02-26" {
		t.Errorf("published: %v", st.PublishedOn)
	}
	if !strings.HasPrefix(st.Preface, "A wide debate") || !strings.HasPrefix(st.Body, "\nOn Feb. 24") && !strings.HasPrefix(st.Body, "On Feb. 24") {
		t.Errorf("preface or body misplaced: %q / %q", st.Preface[:20], st.Body[:20])
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	cases := map[string]string{
		"no front matter":   "hello",
		"unclosed":          "---\nslug: a\n",
		"bad slug":          "---\nslug: Not A Slug\ntitle: T\n---\nbody",
		"no title":          "---\nslug: a\n---\nbody",
		"empty body":        "---\nslug: a\ntitle: T\n---\n  \n",
		"bad status":        "---\nslug: a\ntitle: T\nstatus: live\n---\nbody",
		"bad accepts":       "---\nslug: a\ntitle: T\naccepts: [robots]\n---\nbody",
		"bad date":          "---\nslug: a\ntitle: T\npublished: yesterday\n---\nbody",
		"invalid utf-8":     "---\nslug: a\ntitle: T\xff\n---\nbody",
		"yaml syntax error": "---\nslug: [a\n---\nbody",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := statements.Parse([]byte(src)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestImportIsIdempotentAndVersionsChangedBodies(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		src := seed(t)
		first, err := statements.Import(ctx, s, src)
		if err != nil || !first.Created {
			t.Fatalf("first import: %+v %v", first, err)
		}
		again, err := statements.Import(ctx, s, src)
		if err != nil || again.Created || again.NewVersion || again.Hash != first.Hash {
			t.Fatalf("re-import must change nothing: %+v %v", again, err)
		}
		// Whitespace an editor adds is not a new version.
		crlf := strings.ReplaceAll(string(src), "\n", "\r\n") + "\r\n\r\n"
		if imp, err := statements.Import(ctx, s, []byte(crlf)); err != nil || imp.NewVersion {
			t.Fatalf("CRLF re-import: %+v %v", imp, err)
		}
		changed := strings.Replace(string(src), "Long live", "Long live, long live", 1)
		second, err := statements.Import(ctx, s, []byte(changed))
		if err != nil || !second.NewVersion || second.Hash == first.Hash {
			t.Fatalf("changed body must add a version: %+v %v", second, err)
		}
		st, err := s.StatementBySlug(ctx, "no-to-imperialist-invasion")
		if err != nil {
			t.Fatal(err)
		}
		versions, err := s.StatementVersions(ctx, st.ID)
		if err != nil || len(versions) != 2 {
			t.Fatalf("want 2 versions, got %d (%v)", len(versions), err)
		}
		if versions[0].Hash != first.Hash || versions[1].Hash != second.Hash || st.VersionHash != second.Hash {
			t.Errorf("versions out of order or statement not at the latest")
		}
		// Going back to the first text keeps both versions and points at the first.
		if _, err := statements.Import(ctx, s, src); err != nil {
			t.Fatal(err)
		}
		st, _ = s.StatementBySlug(ctx, "no-to-imperialist-invasion")
		versions, _ = s.StatementVersions(ctx, st.ID)
		if len(versions) != 2 || st.VersionHash != first.Hash {
			t.Errorf("revert: %d versions, current %s", len(versions), st.VersionHash)
		}
	})
}

func TestRenderSanitises(t *testing.T) {
	out := string(statements.Render("Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n*ok*"))
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered HTML keeps %q: %s", bad, out)
		}
	}
	if !strings.Contains(out, "<em>ok</em>") {
		t.Errorf("Markdown not rendered: %s", out)
	}
}
