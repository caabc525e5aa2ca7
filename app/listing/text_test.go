package listing

import (
	"strings"
	"testing"
)

func TestCleanTextDropsDirectionOverridesAndControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"evil\u202Egnp.exe":      "evilgnp.exe",
		"a\u2066b\u2069c\u202Ad": "abcd",
		"tab\there\x00nul\x1b":   "tabherenul",
		"bad \xff utf8":          "bad \uFFFD utf8",
		"مرحبا \u200F ok":        "مرحبا \u200F ok",
		strings.Repeat("😀", 200): strings.Repeat("😀", 200),
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeWebsiteKeepsOnlyHTTPLinks(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/a?b=c":        "https://example.org/a?b=c",
		"http://example.org":               "http://example.org",
		" https://example.org ":            "https://example.org",
		"javascript:alert(1)":              "",
		"JAVASCRIPT:alert(1)":              "",
		"data:text/html,<script>":          "",
		"//evil.example":                   "",
		"example.org":                      "",
		"https://user:pw@example.org":      "",
		"https://exa mple.org":             "",
		"https://example.org/\u202Egnp":    "",
		`https://x.example/"><img>`:        "https://x.example/%22%3E%3Cimg%3E",
		"https://x.example/?q='a'&b=`c`\\": "https://x.example/?q=%27a%27&b=%60c%60%5C",
	} {
		if got, _ := SafeWebsite(in); got != want {
			t.Errorf("SafeWebsite(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(QueryParams{Country: "fr", Type: "ngo", Q: "  ACME, Inc. ", Limit: "20"}, 50, 100)
	if err != nil || q.Country != "FR" || q.Type != "ngo" || q.Search != "acme inc" || q.Limit != 20 || q.After != nil {
		t.Fatalf("%+v %v", q, err)
	}
	for _, p := range []QueryParams{{Country: "FRA"}, {Country: "F1"}, {Limit: "0"}, {Limit: "101"}, {Limit: "ten"},
		{Cursor: "nope"}, {Q: strings.Repeat("x", 101)}, {Type: strings.Repeat("t", 81)}} {
		if _, err := ParseQuery(p, 50, 100); err == nil {
			t.Errorf("ParseQuery(%+v) accepted", p)
		}
	}
}
