package listing

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/undersign/undersign/app/signing"
)

// CleanText makes signer-supplied text safe to place next to other text in
// any output: it drops control characters and the bidirectional embedding,
// override and isolate controls (U+202A-U+202E, U+2066-U+2069), which could
// otherwise reverse the text that follows a name, and replaces invalid
// UTF-8. Escaping for HTML, XML or CSV is still each output's job.
func CleanText(s string) string {
	clean := true
	for _, r := range s {
		if dropRune(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if !dropRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dropRune(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
		return true
	}
	return unicode.IsControl(r)
}

// SafeWebsite returns the website as an absolute http(s) URL fit for a
// link, or "" when it is anything else (javascript:, data:, relative,
// malformed): such values are not shown at all. host is the website's host
// for display, without "www.".
func SafeWebsite(raw string) (safe, host string) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 2048 {
		return "", ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", ""
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || dropRune(r) {
			return "", ""
		}
	}
	safe = markupSafeURL.Replace(u.String())
	if host = strings.TrimPrefix(u.Hostname(), "www."); markupSafeURL.Replace(host) != host {
		host = ""
	}
	return safe, host
}

// markupSafeURL percent-encodes the characters that mean something to HTML
// or a script, so a published website is inert even where a consumer of the
// API forgets to escape it. They are never needed unencoded in an http URL.
var markupSafeURL = strings.NewReplacer(`"`, "%22", "'", "%27", "<", "%3C", ">", "%3E", "`", "%60", `\`, "%5C")

// NormalizeSearch folds a visitor's search the way the sign form folds
// names into name_norm (case, compatibility forms, punctuation, spacing), so
// that "ACME, Inc" finds "Acme Inc.".
func NormalizeSearch(q string) string {
	return signing.NormaliseName(CleanText(q))
}
