package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

const vulndbModule = "golang.org/x/vulndb"

func runBuild(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	version := fs.String("version", "", "version of "+vulndbModule+" to build from")
	out := fs.String("out", "", "directory to write the database to (replaced)")
	_ = fs.Parse(args)
	if !semver.IsValid(*version) || *out == "" {
		return errors.New("build needs -version (a module version) and -out")
	}
	mod, err := download(*version)
	if err != nil {
		return err
	}
	snapshot, err := commitTime(mod.Info)
	if err != nil {
		return err
	}
	db, err := load(filepath.Join(mod.Dir, "data", "osv"), snapshot)
	if err != nil {
		return err
	}
	if err := db.write(*out, vulndbModule+"@"+mod.Version); err != nil {
		return err
	}
	fmt.Printf("vulndb: %d entries for %d modules from %s@%s (%s) in %s\n",
		len(db.entries), len(db.modules), vulndbModule, mod.Version, snapshot.Format(time.DateOnly), *out)
	return nil
}

// moduleDownload is what `go mod download -json` prints.
type moduleDownload struct {
	Version string
	Info    string
	Dir     string
	Error   string
}

// download fetches the module through the module proxy (checked against
// go.sum's database like any module) and returns where it was unpacked.
func download(version string) (*moduleDownload, error) {
	// #nosec G204 -- fixed command; version was checked to be a semantic version
	cmd := exec.Command("go", "mod", "download", "-json", vulndbModule+"@"+version)
	cmd.Dir = os.TempDir() // outside our module: this must not touch go.mod
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	var m moduleDownload
	if jerr := json.Unmarshal(b, &m); jerr == nil && m.Error != "" {
		return nil, fmt.Errorf("download %s@%s: %s", vulndbModule, version, m.Error)
	}
	if err != nil {
		return nil, fmt.Errorf("download %s@%s: %w", vulndbModule, version, err)
	}
	if m.Dir == "" || m.Info == "" {
		return nil, fmt.Errorf("download %s@%s: no Dir or Info in go mod download's answer", vulndbModule, version)
	}
	return &m, nil
}

// commitTime reads the time of the vulndb commit from the module's .info
// file. Entries in the module zip carry no modification time (upstream sets
// it from git history), so the commit time stands in for it.
func commitTime(infoFile string) (time.Time, error) {
	b, err := os.ReadFile(infoFile) // #nosec G304 -- a path in the module cache, from go mod download
	if err != nil {
		return time.Time{}, err
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(b, &info); err != nil || info.Time.IsZero() {
		return time.Time{}, fmt.Errorf("%s: no commit time", infoFile)
	}
	return info.Time.UTC(), nil
}

// entry is the part of an OSV entry the indexes are built from.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []osvRange `json:"ranges"`
	} `json:"affected"`

	raw []byte
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced,omitempty"`
		Fixed      string `json:"fixed,omitempty"`
	} `json:"events"`
}

// The three index files of the v1 database.
type (
	dbMeta struct {
		Modified time.Time `json:"modified"`
	}
	moduleMeta struct {
		Path  string       `json:"path"`
		Vulns []moduleVuln `json:"vulns"`
	}
	moduleVuln struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	vulnMeta struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Aliases  []string  `json:"aliases,omitempty"`
	}
)

type database struct {
	meta    dbMeta
	modules map[string]*moduleMeta
	vulns   []vulnMeta
	entries []*entry
}

// load reads every <ID>.json OSV entry of dir and indexes it the way
// golang.org/x/vulndb's own database writer does.
func load(dir string, snapshot time.Time) (*database, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no OSV entries", dir)
	}
	sort.Strings(files)
	db := &database{modules: map[string]*moduleMeta{}}
	for _, f := range files {
		e, err := readEntry(f)
		if err != nil {
			return nil, err
		}
		if e.Modified.IsZero() {
			e.Modified = snapshot
		}
		db.add(e)
	}
	return db, nil
}

func readEntry(file string) (*entry, error) {
	b, err := os.ReadFile(file) // #nosec G304 -- a file of the vulndb module in the module cache
	if err != nil {
		return nil, err
	}
	e := &entry{raw: b}
	if err := json.Unmarshal(b, e); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if filepath.Base(file) != e.ID+".json" || strings.ContainsAny(e.ID, `/\`) {
		return nil, fmt.Errorf("%s: holds entry %q", file, e.ID)
	}
	return e, nil
}

func (db *database) add(e *entry) {
	if e.Modified.After(db.meta.Modified) {
		db.meta.Modified = e.Modified
	}
	db.vulns = append(db.vulns, vulnMeta{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
	db.entries = append(db.entries, e)
	for _, a := range e.Affected {
		m := db.modules[a.Package.Name]
		if m == nil {
			m = &moduleMeta{Path: a.Package.Name, Vulns: []moduleVuln{}}
			db.modules[a.Package.Name] = m
		}
		m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: latestFixed(a.Ranges)})
	}
}

// latestFixed is the version from which no version is affected any more,
// or "" when a later version re-introduced the vulnerability. govulncheck
// skips an entry for a module at or above this version without reading it,
// so this mirrors golang.org/x/vulndb/internal/osvutils.LatestFixed.
func latestFixed(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && less(latest, e.Fixed) {
				latest = e.Fixed
			}
		}
		for _, e := range r.Events {
			if e.Introduced != "" && e.Introduced != "0" && less(latest, e.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// less compares OSV versions, which have no "v" prefix.
func less(a, b string) bool { return semver.Compare(canonical(a), canonical(b)) < 0 }

func canonical(v string) string {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "go")
	return "v" + v
}

// write lays the database out under out, replacing what was there only
// once the new copy is complete.
func (db *database) write(out, source string) error {
	tmp := out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o750); err != nil {
			return err
		}
	}
	modules := make([]*moduleMeta, 0, len(db.modules))
	for _, m := range db.modules {
		sort.SliceStable(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		modules = append(modules, m)
	}
	sort.Slice(modules, func(i, j int) bool { return modules[i].Path < modules[j].Path })
	sort.Slice(db.vulns, func(i, j int) bool { return db.vulns[i].ID < db.vulns[j].ID })
	index := map[string]any{"db.json": db.meta, "modules.json": modules, "vulns.json": db.vulns}
	for name, v := range index {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, "index", name), b, 0o600); err != nil {
			return err
		}
	}
	for _, e := range db.entries {
		raw := bytes.TrimSpace(e.raw)
		if err := os.WriteFile(filepath.Join(tmp, "ID", e.ID+".json"), raw, 0o600); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "SOURCE"), []byte(source+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
