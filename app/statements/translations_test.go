package statements_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/app/store"
)

func TestAFileWithAnExistingSlugInAnotherLanguageIsATranslation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		orig := "---\nslug: peace\ntitle: Peace\nlang: en\nstatus: open\n---\nWe want peace.\n"
		if imp, err := statements.Import(ctx, s, []byte(orig)); err != nil || !imp.Created || imp.Translation != "" {
			t.Fatalf("original: %+v %v", imp, err)
		}
		st, _ := s.StatementBySlug(ctx, "peace")
		de := "---\nslug: peace\ntitle: Frieden\nlang: DE\npreface: Notiz\n---\nWir wollen Frieden.\n"
		imp, err := statements.Import(ctx, s, []byte(de))
		if err != nil || !imp.Created || imp.Translation != "de" {
			t.Fatalf("translation: %+v %v", imp, err)
		}
		if again, _ := statements.Import(ctx, s, []byte(de)); again.Created || again.NewVersion {
			t.Errorf("the same translation again: %+v, want unchanged", again)
		}
		changed, _ := statements.Import(ctx, s, []byte(strings.Replace(de, "wollen", "fordern", 1)))
		if !changed.NewVersion || changed.Hash == imp.Hash {
			t.Errorf("a changed translation: %+v", changed)
		}
		if n, _ := s.CountStatements(ctx); n != 1 {
			t.Errorf("%d statements, want 1", n)
		}
		after, _ := s.StatementBySlug(ctx, "peace")
		if after.VersionHash != st.VersionHash || after.Title != "Peace" {
			t.Error("a translation changed the original")
		}
		tr, err := s.Translation(ctx, st.ID, "de")
		if err != nil || tr.Title != "Frieden" || tr.Preface != "Notiz" || tr.Body != "Wir fordern Frieden.\n" {
			t.Errorf("stored translation: %+v %v", tr, err)
		}
		if vs, _ := s.StatementVersions(ctx, st.ID); len(vs) != 1 {
			t.Errorf("%d versions of the original, want 1: translations are not versions", len(vs))
		}
		// The original's own file still updates the original.
		if up, err := statements.Import(ctx, s, []byte(strings.Replace(orig, "peace.", "peace now.", 1))); err != nil || !up.NewVersion || up.Translation != "" {
			t.Errorf("original updated: %+v %v", up, err)
		}
		if _, err := statements.Import(ctx, s, []byte("---\nslug: peace\ntitle: X\nlang: not a tag!\n---\nx\n")); err == nil {
			t.Error("a translation with an invalid lang was accepted")
		}
	})
}

func TestWordDiffMarksChangedWords(t *testing.T) {
	parts := statements.WordDiff("We demand peace now.\n\nSame.", "We demand bread and peace.\n\nSame.")
	var ins, del, same strings.Builder
	for _, p := range parts {
		switch {
		case p.Inserted():
			ins.WriteString(p.Text)
		case p.Deleted():
			del.WriteString(p.Text)
		default:
			same.WriteString(p.Text)
		}
	}
	if !strings.Contains(ins.String(), "bread and") || !strings.Contains(del.String(), "now") ||
		!strings.Contains(same.String(), "We demand") || !strings.Contains(same.String(), "Same.") {
		t.Errorf("diff: inserted %q deleted %q same %q", ins.String(), del.String(), same.String())
	}
	// Reassembled, each side gives back its text.
	var older, newer strings.Builder
	for _, p := range parts {
		if !p.Inserted() {
			older.WriteString(p.Text)
		}
		if !p.Deleted() {
			newer.WriteString(p.Text)
		}
	}
	if older.String() != "We demand peace now.\n\nSame." || newer.String() != "We demand bread and peace.\n\nSame." {
		t.Errorf("reassembled: %q / %q", older.String(), newer.String())
	}
	// Many distinct words (past the surrogate range of runes) still map back.
	var a, b strings.Builder
	for i := 0; i < 60000; i++ {
		a.WriteString("w")
		a.WriteString(strings.Repeat("x", i%7))
		a.WriteString(string(rune('a' + i%26)))
		a.WriteString(strconv.Itoa(i))
		a.WriteString(" ")
	}
	b.WriteString(a.String() + "end")
	n := 0
	for _, p := range statements.WordDiff(a.String(), b.String()) {
		if p.Inserted() {
			n++
			if p.Text != "end" {
				t.Errorf("inserted %q, want end", p.Text)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d insertions, want 1", n)
	}
}

func TestCanonicalLang(t *testing.T) {
	for in, want := range map[string]string{"UK": "uk", "zh-hans": "zh-Hans", " de ": "de", "pt-br": "pt-BR"} {
		if got, err := statements.CanonicalLang(in); err != nil || got != want {
			t.Errorf("CanonicalLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "not a tag", "x-private-only-very-long"} {
		if _, err := statements.CanonicalLang(bad); err == nil {
			t.Errorf("CanonicalLang(%q) accepted", bad)
		}
	}
	if statements.LangName("uk") != "Українська" || statements.LangName("de") != "Deutsch" {
		t.Errorf("names: %q %q", statements.LangName("uk"), statements.LangName("de"))
	}
}
