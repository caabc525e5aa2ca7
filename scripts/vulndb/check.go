package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

// message is one object of govulncheck's -format json stream.
type message struct {
	Config *struct {
		ScannerVersion string `json:"scanner_version"`
		DB             string `json:"db"`
		DBLastModified string `json:"db_last_modified"`
		GoVersion      string `json:"go_version"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string   `json:"osv"`
		FixedVersion string   `json:"fixed_version"`
		Trace        []*frame `json:"trace"`
	} `json:"finding"`
}

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

// How close a vulnerability comes to our code. govulncheck reports a
// vulnerability once per level it reached.
const (
	levelRequired = iota + 1 // the module is in the build
	levelImported            // a vulnerable package is imported
	levelCalled              // our code can reach a vulnerable function
)

var levelNames = map[int]string{levelRequired: "required", levelImported: "imported", levelCalled: "called"}

// vuln is what we report about one vulnerability.
type vuln struct {
	ID, Summary     string
	Module, Version string
	Fixed           string
	Level           int
	Example         string // the call in our code, when called
}

func (v *vuln) stdlib() bool { return v.Module == "stdlib" || v.Module == "toolchain" }

// version shows a version the way its owner names it: go1.26.8, v1.2.0.
func (v *vuln) version(s string) string {
	if v.stdlib() && s != "" {
		return "go" + strings.TrimPrefix(s, "v")
	}
	return s
}

var idRe = regexp.MustCompile(`GO-\d{4}-\d{4,}`)

func runCheck(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	known := fs.String("known", "SECURITY.md", "file listing the standard-library vulnerabilities we wait on a Go release for")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*known) // #nosec G304 -- the operator names the file
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, id := range idRe.FindAllString(string(b), -1) {
		listed[id] = true
	}
	return judge(in, out, listed)
}

// judge reads govulncheck's stream from in, writes a summary to out and
// fails when a module is vulnerable or a standard-library vulnerability is
// not listed.
func judge(in io.Reader, out io.Writer, listed map[string]bool) error {
	vulns, header, err := read(in)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, header)
	var bad int
	var newestFix string
	for _, v := range vulns {
		verdict := "FAIL "
		note := "upgrade the module"
		switch {
		case v.stdlib() && listed[v.ID]:
			verdict, note = "known", "listed in SECURITY.md, fixed by a Go release"
			if v.Fixed != "" && (newestFix == "" || semver.Compare(v.Fixed, newestFix) > 0) {
				newestFix = v.Fixed
			}
		case v.stdlib():
			note = "standard library: list it in SECURITY.md with the Go release that fixes it"
			bad++
		default:
			bad++
		}
		fmt.Fprintf(out, "%s %s  %s@%s  %s, fixed in %s: %s\n", verdict, v.ID, v.Module, v.version(v.Version),
			levelNames[v.Level], orNone(v.version(v.Fixed)), note)
		fmt.Fprintf(out, "      %s\n", v.Summary)
		if v.Example != "" {
			fmt.Fprintf(out, "      reached from %s\n", v.Example)
		}
	}
	if newestFix != "" {
		fmt.Fprintf(out, "The standard-library findings are all fixed in go%s: build releases with it or newer.\n",
			strings.TrimPrefix(newestFix, "v"))
	}
	if bad > 0 {
		return fmt.Errorf("%d vulnerabilities need action (see above)", bad)
	}
	fmt.Fprintf(out, "vulndb: no vulnerable module; %d known standard-library findings\n", len(vulns))
	return nil
}

// read collects the vulnerabilities of a govulncheck stream, each at the
// deepest level it reached, sorted by ID.
func read(in io.Reader) ([]*vuln, string, error) {
	dec := json.NewDecoder(in)
	summaries := map[string]string{}
	byID := map[string]*vuln{}
	header := "govulncheck: no configuration in its output"
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, "", fmt.Errorf("read govulncheck output: %w", err)
		}
		switch {
		case m.Config != nil:
			header = fmt.Sprintf("govulncheck %s with %s, database %s (last modified %s)",
				m.Config.ScannerVersion, m.Config.GoVersion, m.Config.DB, m.Config.DBLastModified)
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f := m.Finding
			v := byID[f.OSV]
			if v == nil {
				top := f.Trace[0]
				v = &vuln{ID: f.OSV, Module: top.Module, Version: top.Version, Fixed: f.FixedVersion}
				byID[f.OSV] = v
			}
			lvl := level(f.Trace[0])
			if lvl > v.Level {
				v.Level, v.Example = lvl, ""
			}
			// Of the calls found, show the same one every run.
			if ex := caller(f.Trace); lvl == levelCalled && lvl == v.Level && (v.Example == "" || ex < v.Example) {
				v.Example = ex
			}
		}
	}
	vulns := make([]*vuln, 0, len(byID))
	for id, v := range byID {
		v.Summary = summaries[id]
		vulns = append(vulns, v)
	}
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	return vulns, header, nil
}

func level(f *frame) int {
	switch {
	case f.Function != "":
		return levelCalled
	case f.Package != "":
		return levelImported
	}
	return levelRequired
}

// caller names the frame of our code that starts a call trace: the last one.
func caller(trace []*frame) string {
	f := trace[len(trace)-1]
	name := f.Function
	if f.Receiver != "" {
		name = strings.TrimPrefix(f.Receiver, "*") + "." + name
	}
	if f.Position == nil {
		return f.Package + "." + name
	}
	return fmt.Sprintf("%s:%d %s", f.Position.Filename, f.Position.Line, name)
}

func orNone(s string) string {
	if s == "" {
		return "no release yet"
	}
	return s
}
