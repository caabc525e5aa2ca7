package web

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzPublicCSVCell writes arbitrary text through csvSafe and a CSV
// writer, as the public list's CSV download does, and reads it back as a
// spreadsheet would: no cell starts with a formula character (= + - @, tab,
// carriage return), and every cell is the text, with an apostrophe in
// front where it had to be neutralised.
func FuzzPublicCSVCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+1 555", "-x", "@SUM(A1)", "\tx", "\rx", "plain", "", "'=x", " =x",
		"a\n=b", "\"=cmd\"", "\x00=", "\xff", "=HYPERLINK(\"http://evil.example\")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		if err := cw.Write([]string{csvSafe(s), "next"}); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		rec, err := csv.NewReader(&buf).Read()
		if err != nil || len(rec) != 2 {
			t.Fatalf("read back %q: %v %v", s, rec, err)
		}
		cell := rec[0]
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("cell %q starts with a formula character", cell)
		}
		want := s
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			want = "'" + s
		}
		// A CSV reader drops carriage returns before new lines; compare
		// without them.
		if strings.ReplaceAll(cell, "\r", "") != strings.ReplaceAll(want, "\r", "") {
			t.Errorf("cell %q, want %q", cell, want)
		}
	})
}
