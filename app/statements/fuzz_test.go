package statements_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/undersign/undersign/app/statements"
	shipped "github.com/undersign/undersign/statements"
)

// Hostile Markdown: raw HTML, event handlers, script URLs in every form
// goldmark and browsers accept, and the nestings sanitisers get wrong.
var hostileMarkdown = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"<scr<script>ipt>alert(1)</scr</script>ipt>",
	`<img src=x onerror="alert(1)">`,
	`<svg onload=alert(1)><circle r=1 /></svg>`,
	`<a href="javascript:alert(1)">click</a>`,
	"[click](javascript:alert(1))",
	"[click](JaVaScRiPt:alert(1))",
	"[click](java\tscript:alert(1))",
	"[click](&#106;avascript:alert(1))",
	"[click](vbscript:msgbox(1))",
	"[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![x](javascript:alert(1))",
	`![x](x "onerror=alert(1)")`,
	"<javascript:alert(1)>",
	"[ref]\n\n[ref]: javascript:alert(1)",
	`<div style="background:url(javascript:alert(1))">x</div>`,
	"<iframe src=//evil.example></iframe>",
	"<object data=x></object><embed src=x>",
	"<form action=//evil.example><button formaction=javascript:alert(1)>x</button></form>",
	"<style>body{display:none}</style>",
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
	"<!--><img src=x onerror=alert(1)>-->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"```html\n<script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	"| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
	"> <a href=\"x\" onclick=\"alert(1)\">quoted</a>",
	"* <details open ontoggle=alert(1)>",
	"<a href=\"x\" onmouseover='alert(1)'>x</a>",
	"<a href=x onmouseover\n=alert(1)>x</a>",
	"<base href=//evil.example/>",
	"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
	"<input autofocus onfocus=alert(1)>",
}

// hostileFiles are statement files with front matter: valid ones, broken
// ones, and YAML that tries to make the parser work hard.
var hostileFiles = []string{
	"---\nslug: a\ntitle: A\n---\nBody\n",
	"---\r\nslug: crlf\r\ntitle: CRLF\r\n---\r\nBody <script>alert(1)</script>\r\n",
	"---\nslug: x\ntitle: X\naccepts: [individual, organisation]\nstatus: open\nopens_at: 2026-01-01T00:00:00Z\n---\n[x](javascript:alert(1))\n",
	"---\nslug: x\ntitle: X\npublished: not-a-date\n---\nBody\n",
	"---\nslug: Bad Slug\ntitle: X\n---\nBody\n",
	"---\nslug: x\ntitle: X\n---\n",
	"---\nslug: x\n",
	"no front matter",
	"---\n---\n",
	"---\na: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n---\nBody\n",
	"---\nslug: [unclosed\n---\nBody\n",
	"---\nslug: x\ntitle: !!binary aGVsbG8=\n---\nBody\n",
	"---\nslug: x\ntitle: X\nlang: \"<script>\"\n---\nBody\n",
	"---\nslug: x\ntitle: X\n---\n\xff\xfe invalid UTF-8\n",
}

func FuzzParse(f *testing.F) {
	src, err := shipped.FS.ReadFile("no-to-imperialist-invasion.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	for _, s := range hostileFiles {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		st, err := statements.Parse(src)
		if err != nil {
			return
		}
		if err := statements.Validate(st); err != nil {
			t.Fatalf("Parse accepted a statement that does not validate: %v", err)
		}
		checkSafeHTML(t, st.Body, string(statements.Render(st.Body)))
	})
}

func FuzzRender(f *testing.F) {
	for _, s := range hostileMarkdown {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		checkSafeHTML(t, md, string(statements.Render(md)))
	})
}

// TestRenderHostileMarkdown runs the seeds as a plain test, so that the
// check runs in every `go test` even without -fuzz.
func TestRenderHostileMarkdown(t *testing.T) {
	for _, md := range hostileMarkdown {
		checkSafeHTML(t, md, string(statements.Render(md)))
	}
}

// checkSafeHTML fails when out, rendered from md, could run script in a
// browser: a script element, an on* event attribute, or a URL attribute
// with a script scheme. It reads out with an HTML5 tokenizer, as a browser
// would, so that escaped text such as "&lt;script" is not mistaken for a
// tag.
func checkSafeHTML(t *testing.T, md, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("Render(%q) contains <script: %s", md, out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "style", "base", "meta", "form", "svg", "math":
			t.Fatalf("Render(%q) keeps a <%s> element: %s", md, tok.Data, out)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "formaction" {
				t.Fatalf("Render(%q) keeps the attribute %s=%q: %s", md, a.Key, a.Val, out)
			}
			if (key == "href" || key == "src" || key == "action") && scriptURL(a.Val) {
				t.Fatalf("Render(%q) keeps the URL %s=%q: %s", md, a.Key, a.Val, out)
			}
		}
	}
}

// scriptURL tells whether a browser would run u as script: it ignores
// ASCII whitespace and control characters inside the scheme, as browsers do.
func scriptURL(u string) bool {
	var scheme bytes.Buffer
	for _, r := range u {
		switch {
		case r <= ' ':
			continue
		case r == ':':
			switch strings.ToLower(scheme.String()) {
			case "javascript", "vbscript", "data":
				return true
			}
			return false
		case r == '/' || r == '?' || r == '#':
			return false // a relative URL
		}
		scheme.WriteRune(r)
	}
	return false
}
