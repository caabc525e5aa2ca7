package statements

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// CanonicalLang parses a language tag and returns its canonical form
// ("UK" -> "uk", "zh-hans" -> "zh-Hans"), the form translations are stored
// and looked up in.
func CanonicalLang(s string) (string, error) {
	s = strings.TrimSpace(s)
	tag, err := language.Parse(s)
	if err != nil || s == "" || tag == language.Und || len(s) > 15 {
		return "", fmt.Errorf("lang %q is not a language tag such as en, uk or zh-Hans", s)
	}
	return tag.String(), nil
}

// SameLang tells whether two language tags name the same language, so that
// "en" and "EN" are one, while "uk" and "en" are two.
func SameLang(a, b string) bool {
	ca, errA := CanonicalLang(a)
	cb, errB := CanonicalLang(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	return ca == cb
}

// LangName is a language's name in that language ("Українська",
// "Deutsch"), or the code itself when it has none.
func LangName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	name := []rune(display.Self.Name(tag))
	if len(name) == 0 {
		return code
	}
	name[0] = unicode.ToTitle(name[0])
	return string(name)
}
