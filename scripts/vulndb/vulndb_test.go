package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A govulncheck stream in the shape of v1.9.0's -format json output: one
// standard-library vulnerability our code calls and one in a module that is
// only required.
const stream = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.9.0","db":"file:///db","db_last_modified":"2026-11-05T23:49:57Z","go_version":"go1.26.8","scan_level":"symbol","scan_mode":"source"}}
{"progress":{"message":"Scanning your code..."}}
{"osv":{"id":"GO-2026-6600","summary":"Recognize yield as regexp preceder keyword in html/template"}}
{"osv":{"id":"GO-2025-4208","summary":"Fiber Utils UUIDv4 and UUID Silent Fallback"}}
{"finding":{"osv":"GO-2026-6600","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8"}]}}
{"finding":{"osv":"GO-2026-6600","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"html/template"}]}}
{"finding":{"osv":"GO-2026-6600","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"html/template","function":"Execute","receiver":"*Template"},{"module":"github.com/undersign/undersign","package":"github.com/undersign/undersign/app/web","function":"index","receiver":"*Server","position":{"filename":"app/web/public.go","line":26}}]}}
{"finding":{"osv":"GO-2025-4208","fixed_version":"v1.2.0","trace":[{"module":"github.com/gofiber/utils","version":"v1.1.0"}]}}
`

func TestCheckFailsOnModuleFindings(t *testing.T) {
	var out bytes.Buffer
	err := judge(strings.NewReader(stream), &out, map[string]bool{"GO-2026-6600": true})
	if err == nil {
		t.Fatalf("a vulnerable module passed:\n%s", out.String())
	}
	for _, want := range []string{
		"FAIL  GO-2025-4208  github.com/gofiber/utils@v1.1.0  required, fixed in v1.2.0",
		"known GO-2026-6600  stdlib@go1.26.8  called, fixed in go1.26.9",
		"reached from app/web/public.go:26 Server.index",
		"fixed in go1.26.9: build releases with it or newer",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckFailsOnUnlistedStdlibFindings(t *testing.T) {
	stdlibOnly := strings.Join(strings.Split(stream, "\n")[:7], "\n")
	var out bytes.Buffer
	if err := judge(strings.NewReader(stdlibOnly), &out, map[string]bool{}); err == nil {
		t.Fatalf("an unlisted standard-library vulnerability passed:\n%s", out.String())
	}
	out.Reset()
	if err := judge(strings.NewReader(stdlibOnly), &out, map[string]bool{"GO-2026-6600": true}); err != nil {
		t.Fatalf("a listed standard-library vulnerability failed: %v\n%s", err, out.String())
	}
}

func TestLatestFixed(t *testing.T) {
	tests := []struct {
		name   string
		events string
		want   string
	}{
		{"fixed once", `[{"introduced":"0"},{"fixed":"1.2.0"}]`, "1.2.0"},
		{"two branches", `[{"introduced":"0"},{"fixed":"1.25.9"},{"introduced":"1.26.0-0"},{"fixed":"1.26.9"}]`, "1.26.9"},
		{"reintroduced", `[{"introduced":"0"},{"fixed":"1.5.0"},{"introduced":"2.0.0"}]`, ""},
		{"never fixed", `[{"introduced":"0"}]`, ""},
		{"pseudo-versions", `[{"introduced":"0.0.0-20250721152936-fe86ceb2c3fa"},{"fixed":"0.0.0-20260626085133-7cb96ac80a6d"}]`, "0.0.0-20260626085133-7cb96ac80a6d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r osvRange
			if err := json.Unmarshal([]byte(`{"type":"SEMVER","events":`+tt.events+`}`), &r); err != nil {
				t.Fatal(err)
			}
			if got := latestFixed([]osvRange{r}); got != tt.want {
				t.Errorf("latestFixed = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBuildLayout checks the files govulncheck's file:// source reads.
func TestBuildLayout(t *testing.T) {
	src := t.TempDir()
	entry := `{"id":"GO-2025-4208","modified":"0001-01-01T00:00:00Z","aliases":["GHSA-x"],
		"affected":[{"package":{"name":"github.com/gofiber/utils","ecosystem":"Go"},
		"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}`
	if err := os.WriteFile(filepath.Join(src, "GO-2025-4208.json"), []byte(entry), 0o600); err != nil {
		t.Fatal(err)
	}
	snapshot := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	db, err := load(src, snapshot)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "db")
	if err := db.write(out, "golang.org/x/vulndb@test"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"index/db.json":        `{"modified":"2026-11-05T23:49:57Z"}`,
		"index/modules.json":   `[{"path":"github.com/gofiber/utils","vulns":[{"id":"GO-2025-4208","modified":"2026-11-05T23:49:57Z","fixed":"1.2.0"}]}]`,
		"index/vulns.json":     `[{"id":"GO-2025-4208","modified":"2026-11-05T23:49:57Z","aliases":["GHSA-x"]}]`,
		"ID/GO-2025-4208.json": entry,
	}
	for name, w := range want {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != w {
			t.Errorf("%s = %s, want %s", name, b, w)
		}
	}
}
