package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/undersign/undersign/app/apptest"
)

// axePath is axe-core's browser build, installed by
// `npm ci --prefix tests/e2e` (the version is pinned in package-lock.json).
const axePath = "node_modules/axe-core/axe.min.js"

// npmCommand installs axe-core; run it from the repository's root.
const npmCommand = "npm ci --prefix tests/e2e"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// requireAxe returns axe-core's source, or skips the test without it
// (fails when UNDERSIGN_REQUIRE_BROWSER=1, as in CI).
func requireAxe(t *testing.T) string {
	t.Helper()
	src, ok := haveAxe(t)
	if !ok {
		t.Skip(axeMissing())
	}
	return src
}

// haveAxe returns axe-core's source and whether it is installed; a missing
// axe-core fails the test when UNDERSIGN_REQUIRE_BROWSER=1 (as in CI).
func haveAxe(t *testing.T) (string, bool) {
	t.Helper()
	src, err := axeSource()
	if err != nil && os.Getenv("UNDERSIGN_REQUIRE_BROWSER") == "1" {
		t.Fatal(axeMissing() + " (UNDERSIGN_REQUIRE_BROWSER=1)")
	}
	return src, err == nil
}

func axeMissing() string {
	return fmt.Sprintf("axe-core is not installed (no tests/e2e/%s): run `%s`", axePath, npmCommand)
}

// axeTags are the rule sets of WCAG 2.2 level AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]`

// axeViolation is one failed rule, with a few of the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Count  int    `json:"count"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeRun runs axe-core on %s, a JavaScript context: document, or an
// include list such as {include: [["#widget"]]}, which reaches into the
// element's shadow root.
const axeRun = `(async function () {
	var r = await axe.run(%s, { runOnly: { type: "tag", values: ` + axeTags + ` }, resultTypes: ["violations"] });
	return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
		return { id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, nodes: v.nodes.slice(0, 4).map(function (n) {
			return { target: n.target.join(" "), html: n.html.slice(0, 240), summary: (n.failureSummary || "").slice(0, 400) };
		}) };
	});
})()`

// checkA11y runs axe-core on the page as it is, in the light and the dark
// colour scheme, and fails the test on each serious or critical violation.
// It leaves the page in the light scheme. Without axe-core it only says so,
// so that the rest of a browser test still runs.
func checkA11y(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	checkA11yOf(t, ctx, name, "document")
}

// checkA11yOf is checkA11y on part of the page: scope is an axe-core
// context, such as {include: [["#widget"]]}.
func checkA11yOf(t *testing.T, ctx context.Context, name, scope string) {
	t.Helper()
	if _, ok := haveAxe(t); !ok {
		t.Logf("accessibility check of %s skipped: %s", name, axeMissing())
		return
	}
	defer setColorScheme(t, ctx, "light")
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, ctx, scheme)
		found := axeViolations(t, ctx, scope)
		if scheme == "dark" {
			apptest.Screenshot(t, ctx, name+"-dark")
		}
		for _, v := range found {
			var b strings.Builder
			fmt.Fprintf(&b, "%s (%s scheme): %s [%s] %s, %d element(s):", name, scheme, v.ID, v.Impact, v.Help, v.Count)
			for _, n := range v.Nodes {
				fmt.Fprintf(&b, "\n    %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
			t.Error(b.String())
		}
	}
}

// axeViolations injects axe-core into the page when needed and returns
// the serious and critical violations it finds.
func axeViolations(t *testing.T, ctx context.Context, scope string) []axeViolation {
	t.Helper()
	src := requireAxe(t)
	if !eval[bool](t, ctx, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](fmt.Sprintf(axeRun, scope), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return found
}

// TestAxeFindsViolations makes sure the harness above would fail: a page
// with faint text and an unlabelled field must give both violations, and
// only in the scheme where the text is faint.
func TestAxeFindsViolations(t *testing.T) {
	requireAxe(t)
	ctx := apptest.Browser(t)
	page := "data:text/html;charset=utf-8," + url.PathEscape(`<!doctype html><html lang="en"><head><title>bad</title>
<style>p { color: #000; background: #fff; } @media (prefers-color-scheme: dark) { p { color: #222; background: #111; } }</style>
</head><body><main><p>Faint in the dark</p><input type="text"></main></body></html>`)
	do(t, ctx, "open the page", chromedp.Navigate(page))
	ids := func() string {
		var out []string
		for _, v := range axeViolations(t, ctx, "document") {
			out = append(out, v.ID)
		}
		return strings.Join(out, " ")
	}
	setColorScheme(t, ctx, "light")
	if got := ids(); got != "label" {
		t.Errorf("light scheme: violations %q, want %q", got, "label")
	}
	setColorScheme(t, ctx, "dark")
	if got := ids(); got != "color-contrast label" {
		t.Errorf("dark scheme: violations %q, want %q", got, "color-contrast label")
	}
}
