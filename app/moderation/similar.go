package moderation

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/undersign/undersign/app/store"
)

// NormalizeName is the form organisation names are compared in: lower
// case, accents and punctuation dropped, spaces collapsed.
func NormalizeName(name string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// legalForms are words that say what kind of body an organisation is, not
// which: "Greenpeace e.V." and "Greenpeace" are the same name.
var legalForms = map[string]bool{
	"ev": true, "e": true, "v": true, "gmbh": true, "ggmbh": true, "ltd": true, "inc": true, "llc": true,
	"ag": true, "sa": true, "asbl": true, "vzw": true, "the": true, "cic": true, "cio": true,
}

// compact is a normalised name without legal forms and without spaces, so
// that "Green Peace" and "Greenpeace" meet.
func compact(norm string) string {
	var b strings.Builder
	for _, w := range strings.Fields(norm) {
		if !legalForms[w] {
			b.WriteString(w)
		}
	}
	if b.Len() == 0 {
		return strings.ReplaceAll(norm, " ", "")
	}
	return b.String()
}

func trigrams(s string) map[string]struct{} {
	r := []rune("  " + s + " ")
	out := make(map[string]struct{}, len(r))
	for i := 0; i+3 <= len(r); i++ {
		out[string(r[i:i+3])] = struct{}{}
	}
	return out
}

func jaccard(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// levenshtein is the edit distance of a and b, giving up (returning max+1)
// once it exceeds max.
func levenshtein(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Similar is a signature whose name resembles another's.
type Similar struct {
	ID     int64
	Name   string
	Status string
	Why    string // "same name" or "similar name"
}

// nameIndex compares names against a bounded set of candidates.
type nameIndex struct {
	cands []candidate
}

type candidate struct {
	store.NameCandidate
	compact string
	runes   []rune
	grams   map[string]struct{}
}

func newNameIndex(cands []store.NameCandidate) *nameIndex {
	idx := &nameIndex{cands: make([]candidate, 0, len(cands))}
	for _, c := range cands {
		cp := compact(NormalizeName(c.Name))
		idx.cands = append(idx.cands, candidate{NameCandidate: c, compact: cp, runes: []rune(cp), grams: trigrams(cp)})
	}
	return idx
}

// maxSimilar bounds how many similar names a row shows.
const maxSimilar = 3

// similar returns the candidates, other than id itself, whose name is the
// same once normalised, or close by trigram similarity or edit distance.
func (idx *nameIndex) similar(id int64, name string) []Similar {
	cp := compact(NormalizeName(name))
	if cp == "" {
		return nil
	}
	runes, grams := []rune(cp), trigrams(cp)
	maxEdits := 1
	if len(runes) >= 8 {
		maxEdits = 2
	}
	var out []Similar
	for _, c := range idx.cands {
		if c.ID == id {
			continue
		}
		why := ""
		switch {
		case c.compact == cp:
			why = "same name"
		case jaccard(grams, c.grams) >= 0.55 || (len(runes) >= 4 && levenshtein(runes, c.runes, maxEdits) <= maxEdits):
			why = "similar name"
		default:
			continue
		}
		out = append(out, Similar{ID: c.ID, Name: c.Name, Status: string(c.Status), Why: why})
		if len(out) == maxSimilar {
			break
		}
	}
	return out
}
