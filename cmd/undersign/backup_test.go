package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
)

// TestExportAndImportCommands moves an instance from SQLite to PostgreSQL
// with the two commands, as an operator would.
func TestExportAndImportCommands(t *testing.T) {
	src := apptest.NewDSN(t, db.SQLite, true)
	apptest.NewInstance(t, apptest.OpenDB(t, src)) // imports the shipped statement
	file := filepath.Join(t.TempDir(), "undersign.backup.gz")

	t.Setenv("UNDERSIGN_DATABASE_URL", src)
	if out, code := runIn(t, "", "export", file); code != exitConfig || !strings.Contains(out, "--all") {
		t.Errorf("export without --all: exit %d, %q", code, out)
	}
	out, code := runIn(t, "", "export", "--all", file)
	if code != 0 || !strings.Contains(out, "exported to "+file) || !strings.Contains(out, "statements") {
		t.Fatalf("export: exit %d, %q", code, out)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, mode %v; it holds personal data and must be private", err, st.Mode().Perm())
	}
	sums := manifestLines(out)

	dst := apptest.NewDSN(t, db.Postgres, false) // not even migrated
	t.Setenv("UNDERSIGN_DATABASE_URL", dst)
	out, code = runIn(t, "", "import", file)
	if code != 0 || manifestLines(out) != sums {
		t.Fatalf("import: exit %d, %q\nwant the export's counts and checksums:\n%s", code, out, sums)
	}
	out, code = runIn(t, "", "import", file)
	if code != exitFailure || !strings.Contains(out, "already holds data") || !strings.Contains(out, "--force") {
		t.Errorf("import into a database with data: exit %d, %q", code, out)
	}
	if out, code = runIn(t, "", "import", "--force", file); code != 0 || manifestLines(out) != sums {
		t.Errorf("import --force: exit %d, %q", code, out)
	}
	out, code = runIn(t, "", "export", "--all", "-")
	if code != 0 || !strings.HasPrefix(out, "\x1f\x8b") {
		t.Errorf("export to standard output: exit %d, %d bytes", code, len(out))
	}

	damaged := filepath.Join(t.TempDir(), "damaged.gz")
	raw, _ := os.ReadFile(file)
	_ = os.WriteFile(damaged, raw[:len(raw)/2], 0o600)
	if out, code := runIn(t, "", "import", "--force", damaged); code != exitFailure || !strings.Contains(out, "damaged") {
		t.Errorf("import of a truncated file: exit %d, %q", code, out)
	}
}

// manifestLines are the per-table lines the commands print.
func manifestLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "sha256") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, "\n")
}
