// Package i18n owns undersign's translations: the message files of every
// supported locale, choosing a visitor's locale, and formatting numbers
// and dates for it.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"
)

//go:embed locales/*.yaml
var localeFS embed.FS

// Supported are the locales undersign speaks, the default first.
var Supported = []language.Tag{
	language.English,
	language.SimplifiedChinese,
	language.Ukrainian,
	language.Russian,
	language.Spanish,
	language.French,
	language.German,
}

// Catalog holds every locale's messages.
type Catalog struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	mu      sync.Mutex
	locales map[language.Tag]*Locale
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(localeFS, "locales/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		src, err := localeFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(src, path.Base(f)); err != nil {
			return nil, fmt.Errorf("locale file %s: %w", f, err)
		}
	}
	return &Catalog{bundle: b, matcher: language.NewMatcher(Supported), locales: map[language.Tag]*Locale{}}, nil
}

// MustLoad is Load for start-up code: the files are embedded, so an error
// is a build defect.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Choose picks the locale from, in order, an explicit choice (?lang=),
// a remembered one (cookie) and the browser's Accept-Language header.
func (c *Catalog) Choose(query, cookie, acceptLanguage string) *Locale {
	for _, explicit := range []string{query, cookie} {
		if explicit == "" {
			continue
		}
		if tag, err := language.Parse(explicit); err == nil {
			if _, idx, conf := c.matcher.Match(tag); conf >= language.High {
				return c.Locale(Supported[idx])
			}
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			if _, idx, conf := c.matcher.Match(tags...); conf > language.No {
				return c.Locale(Supported[idx])
			}
		}
	}
	return c.Locale(Supported[0])
}

// Locale returns the locale of a supported tag.
func (c *Catalog) Locale(tag language.Tag) *Locale {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.locales[tag]; ok {
		return l
	}
	l := &Locale{Tag: tag, loc: goi18n.NewLocalizer(c.bundle, tag.String()), printer: message.NewPrinter(tag)}
	c.locales[tag] = l
	return l
}

// Locale is one language's messages and formats.
type Locale struct {
	Tag     language.Tag
	loc     *goi18n.Localizer
	printer *message.Printer
	// plain keeps the messages T found without arguments: go-i18n
	// executes a template per call, the most part of a list page's CPU.
	// Messages are embedded and never change while the process runs.
	plain sync.Map // id -> string
}

// Code is the BCP 47 code, for <html lang> and ?lang=.
func (l *Locale) Code() string { return l.Tag.String() }

// Dir is the text direction, for <html dir>.
func (l *Locale) Dir() string {
	base, _ := l.Tag.Base()
	switch base.String() {
	case "ar", "he", "fa", "ur", "yi", "ps":
		return "rtl"
	}
	return "ltr"
}

// T translates message id. args are alternating names and values filling
// the message's {{.Name}} fields; a "Count" selects the plural form. A
// missing message returns the id, which a test keeps from happening.
func (l *Locale) T(id string, args ...any) string {
	if len(args) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
		s := l.localize(id)
		l.plain.Store(id, s)
		return s
	}
	return l.localize(id, args...)
}

func (l *Locale) localize(id string, args ...any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}

// Num formats an integer with the locale's digit grouping.
func (l *Locale) Num(n any) string { return l.printer.Sprintf("%d", n) }

// Date formats a date as day, month name and year in the locale.
func (l *Locale) Date(t time.Time) string {
	month := l.T(fmt.Sprintf("month.%d", int(t.Month())))
	base, _ := l.Tag.Base()
	switch base.String() {
	case "zh":
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	case "de":
		return fmt.Sprintf("%d. %s %d", t.Day(), month, t.Year())
	case "es":
		return fmt.Sprintf("%d de %s de %d", t.Day(), month, t.Year())
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s %d", t.Day(), month, t.Year()))
}
