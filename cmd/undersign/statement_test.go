package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/store"
)

func TestStatementImportStoresASameSlugFileInAnotherLanguageAsATranslation(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			dsn := apptest.NewDSN(t, dialect, false)
			t.Setenv("UNDERSIGN_DATABASE_URL", dsn)
			if out, code := run(t, ctx, "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %d %q", code, out)
			}
			dir := t.TempDir()
			orig, uk := filepath.Join(dir, "peace.md"), filepath.Join(dir, "peace.uk.md")
			write := func(path, src string) {
				if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write(orig, "---\nslug: peace\ntitle: Peace\nlang: en\nstatus: open\n---\nWe want peace.\n")
			write(uk, "---\nslug: peace\ntitle: Мир\nlang: uk\n---\nМи хочемо миру.\n")
			if out, code := run(t, ctx, "statement", "import", orig, uk); code != 0 ||
				!strings.Contains(out, "peace (created)") || !strings.Contains(out, "peace translation uk (created)") {
				t.Fatalf("import: %d %q", code, out)
			}
			if out, _ := run(t, ctx, "statement", "import", uk); !strings.Contains(out, "translation uk (unchanged)") {
				t.Errorf("re-import: %q", out)
			}
			write(uk, "---\nslug: peace\ntitle: Мир\nlang: uk\n---\nМи вимагаємо миру.\n")
			if out, _ := run(t, ctx, "statement", "import", uk); !strings.Contains(out, "translation uk (updated)") {
				t.Errorf("changed translation: %q", out)
			}
			if out, _ := run(t, ctx, "statement", "list"); !strings.Contains(out, "TRANSLATIONS") || !strings.Contains(out, " uk ") {
				t.Errorf("list: %q", out)
			}
			d := apptest.OpenDB(t, dsn)
			s := store.New(d)
			if n, _ := s.CountStatements(ctx); n != 1 {
				t.Errorf("%d statements, want 1", n)
			}
		})
	}
}
