package statements

import (
	"regexp"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// DiffOp says what a DiffPart is.
type DiffOp int

// Diff operations.
const (
	Same DiffOp = iota
	Inserted
	Deleted
)

// DiffPart is a run of text that two versions share, or that the newer
// one added or dropped.
type DiffPart struct {
	Op   DiffOp
	Text string
}

// Inserted and Deleted are for templates, which cannot compare constants.
func (p DiffPart) Inserted() bool { return p.Op == Inserted }

// Deleted tells whether the part was dropped by the newer text.
func (p DiffPart) Deleted() bool { return p.Op == Deleted }

// tokenRe splits a text into words, runs of white space and single other
// characters (punctuation), the units a reader notices changing.
var tokenRe = regexp.MustCompile(`[\p{L}\p{M}\p{N}_'’-]+|\s+|.`)

// WordDiff compares two texts word by word. Each distinct word becomes
// one rune so that diffmatchpatch's character diff works on words, the
// way its line mode works on lines.
func WordDiff(older, newer string) []DiffPart {
	var tokens []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range tokenRe.FindAllString(s, -1) {
			r, ok := index[tok]
			if !ok {
				r = tokenRune(len(tokens))
				index[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(older), encode(newer)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(a, b, false))
	var out []DiffPart
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(tokens[runeToken(r)])
		}
		op := Same
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Inserted
		case diffmatchpatch.DiffDelete:
			op = Deleted
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, DiffPart{Op: op, Text: sb.String()})
	}
	return out
}

// tokenRune maps a token's index to a rune, skipping the surrogate range,
// which a Go string cannot hold.
func tokenRune(i int) rune {
	r := rune(i + 1) // #nosec G115 -- i counts the words of a text of at most 1 MiB, far below rune range
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

func runeToken(r rune) int {
	if r >= 0xE000 {
		r -= 0x800
	}
	return int(r - 1)
}
