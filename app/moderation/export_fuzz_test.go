package moderation

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/undersign/undersign/models"
)

// formulaStarts are the first characters that make a spreadsheet run a
// cell as a formula (or, for tab and carriage return, hide one).
const formulaStarts = "=+-@\t\r"

// FuzzExportCells writes a signature with arbitrary text through the
// moderators' CSV and JSON exports and reads the files back as a
// spreadsheet would: no cell starts with a formula character, and every
// cell is the stored text, with an apostrophe in front where it had to be
// neutralised.
func FuzzExportCells(f *testing.F) {
	f.Add("=HYPERLINK(\"http://evil.example\",\"x\")", "+1 555", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "plain")
	f.Add("ACME", "", "'=already quoted", "\"=quoted\"", " =space first", "line\n=second line", "Ünïcode ✊")
	f.Add("\x00", "\xff\xfe", "=", "", "a,b;c", "\"", "\r\n=x")
	f.Fuzz(func(t *testing.T, name, city, contact, role, affiliation, comment, note string) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		email := contact + "@example.org"
		sig := models.Signature{ID: 7, Status: models.StatusPending, Kind: models.KindOrganisation, Name: name,
			Website: "https://example.org/", OrgType: "union", Country: "DE", City: city, ContactName: &contact,
			ContactRole: role, Affiliation: affiliation, Email: &email, Comment: comment, ReasonNote: note,
			CreatedAt: now}
		want := exportRow(&sig)

		var buf bytes.Buffer
		if err := writeCSV(&buf, []models.Signature{sig}); err != nil {
			t.Fatalf("write CSV: %v", err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(records) != 2 {
			t.Fatalf("read the CSV back: %d records, %v", len(records), err)
		}
		checkCells(t, "CSV", records[1], want)

		buf.Reset()
		if err := writeJSON(&buf, []models.Signature{sig}); err != nil {
			t.Fatalf("write JSON: %v", err)
		}
		var objs []map[string]string
		if err := json.Unmarshal(buf.Bytes(), &objs); err != nil || len(objs) != 1 {
			t.Fatalf("read the JSON back: %v", err)
		}
		got := make([]string, len(exportColumns))
		for i, col := range exportColumns {
			got[i] = objs[0][col]
		}
		checkCells(t, "JSON", got, want)
	})
}

// checkCells compares exported cells with the values they stand for. A
// CSV reader drops carriage returns before new lines in a quoted cell, and JSON replaces
// bytes that are not UTF-8: such cells are compared the way they come back,
// or not at all.
func checkCells(t *testing.T, format string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d cells, want %d", format, len(got), len(want))
	}
	for i, cell := range got {
		if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
			t.Errorf("%s column %s: cell %q starts with a formula character", format, exportColumns[i], cell)
		}
		w := want[i]
		if w != "" && strings.ContainsRune(formulaStarts, rune(w[0])) {
			w = "'" + w
		}
		if format == "CSV" {
			w, cell = strings.ReplaceAll(w, "\r", ""), strings.ReplaceAll(cell, "\r", "")
		} else if !utf8.ValidString(w) {
			continue
		}
		if cell != w {
			t.Errorf("%s column %s: cell %q, want %q", format, exportColumns[i], cell, w)
		}
	}
}
