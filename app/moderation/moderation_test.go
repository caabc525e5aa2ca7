package moderation

import (
	"testing"

	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestSimilarNames(t *testing.T) {
	idx := newNameIndex([]store.NameCandidate{
		{ID: 1, Name: "Greenpeace e.V.", Status: models.StatusApproved},
		{ID: 2, Name: "Amnesty International", Status: models.StatusApproved},
		{ID: 3, Name: "Médecins Sans Frontières", Status: models.StatusPending},
		{ID: 4, Name: "Oxfam", Status: models.StatusApproved},
	})
	cases := []struct {
		name string
		want int64 // 0: nothing similar
		why  string
	}{
		{"Green Peace", 1, "same name"},
		{"GREENPEACE", 1, "same name"},
		{"Amnesty Internatonal", 2, "similar name"},
		{"Medecins sans frontieres", 3, "same name"},
		{"Oxfam", 4, "same name"},
		{"Friends of the Earth", 0, ""},
		{"Oxford Union", 0, ""},
	}
	for _, c := range cases {
		got := idx.similar(99, c.name)
		if c.want == 0 {
			if len(got) != 0 {
				t.Errorf("%q: %+v, want nothing", c.name, got)
			}
			continue
		}
		if len(got) == 0 || got[0].ID != c.want || got[0].Why != c.why {
			t.Errorf("%q: %+v, want #%d (%s)", c.name, got, c.want, c.why)
		}
	}
	if got := idx.similar(4, "Oxfam"); len(got) != 0 {
		t.Errorf("a signature is similar to itself: %+v", got)
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x")`: `'=HYPERLINK("http://x")`,
		"+1":                     "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"Acme": "Acme", "": "", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTransitions(t *testing.T) {
	for _, from := range []models.SignatureStatus{models.StatusUnconfirmed, models.StatusWithdrawn} {
		if a := Actions(from); len(a) != 0 {
			t.Errorf("moderators may %v a %s signature", a, from)
		}
	}
	if a := Actions(models.StatusPending); len(a) != 3 {
		t.Errorf("pending: %v", a)
	}
	if _, ok := target(Approve, models.StatusApproved); ok {
		t.Error("approving an approved signature is allowed")
	}
}

func TestDomainMatch(t *testing.T) {
	for _, c := range []struct {
		email, site string
		want        bool
	}{
		{"acme.org", "acme.org", true}, {"mail.acme.org", "www.acme.org", true}, {"acme.org", "shop.acme.org", true},
		{"gmail.com", "acme.org", false}, {"notacme.org", "acme.org", false}, {"", "acme.org", false},
	} {
		if got := domainMatch(c.email, c.site); got != c.want {
			t.Errorf("domainMatch(%q, %q) = %v", c.email, c.site, got)
		}
	}
}
