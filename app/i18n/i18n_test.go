package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/undersign/undersign/app/i18n"
)

func localeKeys(t *testing.T) map[string]map[string]bool {
	t.Helper()
	files, _ := filepath.Glob("locales/*.yaml")
	out := map[string]map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(src, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		keys := map[string]bool{}
		for k := range m {
			keys[k] = true
		}
		// Files are <lang>.yaml or <area>.<lang>.yaml; all of a language's
		// files make its catalogue.
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		lang := name[strings.LastIndex(name, ".")+1:]
		if out[lang] == nil {
			out[lang] = map[string]bool{}
		}
		for k := range keys {
			if out[lang][k] {
				t.Errorf("%s: message %s is defined twice for %s", f, k, lang)
			}
			out[lang][k] = true
		}
	}
	return out
}

func TestEverySupportedLocaleHasAFile(t *testing.T) {
	locales := localeKeys(t)
	for _, tag := range i18n.Supported {
		if _, ok := locales[tag.String()]; !ok {
			t.Errorf("no locales/%s.yaml", tag)
		}
	}
}

// usedIDs finds message ids in templates ({{T "id"}}, {{.T "id"}},
// {{$.T "id"}}) and in Go code (.T("id")).
func usedIDs(t *testing.T) map[string]string {
	t.Helper()
	tmplRe := regexp.MustCompile(`\bT\s+"([a-z0-9_.]+)"`)
	goRe := regexp.MustCompile(`\.T\("([a-z0-9_.]+)"`)
	used := map[string]string{}
	scan := func(root string, ext string, re *regexp.Regexp) {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ext) || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = path
			}
			return nil
		})
	}
	scan("../../views", ".html", tmplRe)
	scan("../../views", ".txt", tmplRe)
	scan("../../app", ".go", goRe)
	scan("../../cmd", ".go", goRe)
	return used
}

func TestEveryUsedMessageExistsInEveryLocale(t *testing.T) {
	locales := localeKeys(t)
	used := usedIDs(t)
	if len(used) == 0 {
		t.Fatal("found no message ids in use; the scanner is broken")
	}
	var missing []string
	for id, where := range used {
		for lang, keys := range locales {
			if !keys[id] {
				missing = append(missing, lang+": "+id+" (used in "+where+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error("missing message " + m)
	}
}

func TestLocalesHaveTheSameKeys(t *testing.T) {
	locales := localeKeys(t)
	for lang, keys := range locales {
		for k := range locales["en"] {
			if !keys[k] {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
		for k := range keys {
			if !locales["en"][k] {
				t.Errorf("%s has %s, which English lacks", lang, k)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	c := i18n.MustLoad()
	cases := []struct{ query, cookie, accept, want string }{
		{"", "", "", "en"},
		{"fr", "de", "ru", "fr"},
		{"", "de", "ru", "de"},
		{"", "", "uk-UA,uk;q=0.9,en;q=0.5", "uk"},
		{"", "", "zh-CN,zh;q=0.9", "zh-Hans"},
		{"xx", "", "es-MX", "es"},
		{"", "", "ja", "en"},
	}
	for _, tc := range cases {
		if got := c.Choose(tc.query, tc.cookie, tc.accept).Code(); got != tc.want {
			t.Errorf("Choose(%q,%q,%q) = %s, want %s", tc.query, tc.cookie, tc.accept, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	c := i18n.MustLoad()
	d := time.Date(2022, 2, 26, 0, 0, 0, 0, time.UTC)
	cases := map[language.Tag][2]string{
		language.English:           {"1,234,567", "26 February 2022"},
		language.German:            {"1.234.567", "26. Februar 2022"},
		language.French:            {"1 234 567", "26 février 2022"},
		language.Russian:           {"1 234 567", "26 февраля 2022"},
		language.SimplifiedChinese: {"1,234,567", "2022年2月26日"},
	}
	for tag, want := range cases {
		l := c.Locale(tag)
		num := strings.ReplaceAll(strings.ReplaceAll(l.Num(1234567), "\u00a0", " "), "\u202f", " ")
		if num != want[0] || l.Date(d) != want[1] {
			t.Errorf("%s: %q %q, want %q %q", tag, num, l.Date(d), want[0], want[1])
		}
	}
	if c.Locale(language.Ukrainian).T("layout.privacy") != "Конфіденційність" {
		t.Error("Ukrainian message not found")
	}
}
