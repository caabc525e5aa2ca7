package web

import (
	"math"
	"sort"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/signing"
)

// localeView gives view data the visitor's translations where a template
// cannot reach the *Page: partials (whose dot is the view data) and the
// embed page (which has no Page). Templates call .T, .Num and .Date on it as
// on the page, and .CountryName and .OrgType for the words of the list.
type localeView struct{ Loc *i18n.Locale }

func (v localeView) T(id string, args ...any) string { return v.Loc.T(id, args...) }
func (v localeView) Num(n any) string                { return v.Loc.Num(n) }
func (v localeView) Date(t time.Time) string         { return v.Loc.Date(t) }

// CountryName names a country code in the visitor's language.
func (v localeView) CountryName(code string) string { return countriesIn(v.Loc).name(code) }

// OrgType is the label of an organisation type code in the visitor's
// language; a code the form does not offer shows as it is.
func (v localeView) OrgType(code string) string { return orgTypeLabel(v.Loc, code) }

// english is the locale of the answers that stay English whatever the
// visitor reads: the JSON API's messages, which scripts may compare.
func (s *Server) english() *i18n.Locale { return s.i18n.Locale(i18n.Supported[0]) }

// sharedLocale is the language of the answers every visitor shares through
// caches (embeds, badge, feed): ?lang= or else the statement's own
// language, never a cookie or Accept-Language.
func (s *Server) sharedLocale(lang, statementLang string) *i18n.Locale {
	return s.i18n.Choose(lang, statementLang, "")
}

// fieldLabelID is the message id of a sign form field's name in messages.
func fieldLabelID(field string) string { return "sign.field." + field }

// orgTypeID is the message id of an organisation type's label.
func orgTypeID(code string) string { return "orgtype." + code }

// fieldMessage translates what the signing rules say about a field.
func fieldMessage(loc *i18n.Locale, m signing.Message) string {
	var args []any
	if m.Field != "" {
		args = append(args, "Field", loc.T(fieldLabelID(m.Field)))
	}
	if m.Count != 0 {
		args = append(args, "Count", m.Count, "N", loc.Num(m.Count))
	}
	return loc.T(m.ID, args...)
}

// fieldMessages translates every field's message.
func fieldMessages(loc *i18n.Locale, msgs map[string]signing.Message) map[string]string {
	out := make(map[string]string, len(msgs))
	for field, m := range msgs {
		out[field] = fieldMessage(loc, m)
	}
	return out
}

// orgTypeLabel is the label of an organisation type code in loc.
func orgTypeLabel(loc *i18n.Locale, code string) string {
	if signing.OrgTypeLabel(code) == code {
		return code
	}
	return loc.T(orgTypeID(code))
}

// orgTypesIn lists the form's organisation types with labels in loc.
func orgTypesIn(loc *i18n.Locale) []signing.OrgType {
	types := signing.OrgTypes()
	out := make([]signing.OrgType, len(types))
	for i, t := range types {
		out[i] = signing.OrgType{Code: t.Code, Label: loc.T(orgTypeID(t.Code))}
	}
	return out
}

// waitText says a wait the way a person would: "a minute", "5 minutes".
func waitText(loc *i18n.Locale, d time.Duration) string {
	m := max(1, int(math.Ceil(d.Minutes())))
	return loc.T("sign.wait", "Count", m, "N", loc.Num(m))
}

// countryList is the sign form's countries named in one language and
// sorted the way that language sorts.
type countryList struct {
	sorted []signing.Country
	byCode map[string]string
}

// countryLists are built once per language: naming and sorting 250
// countries is not work to repeat on every page.
var countryLists sync.Map // language.Tag -> *countryList

func countriesIn(loc *i18n.Locale) *countryList {
	if l, ok := countryLists.Load(loc.Tag); ok {
		return l.(*countryList)
	}
	l, _ := countryLists.LoadOrStore(loc.Tag, newCountryList(loc.Tag))
	return l.(*countryList)
}

// newCountryList names the countries from CLDR (x/text/language/display);
// English keeps the sign form's own names, which the API and exports use.
func newCountryList(tag language.Tag) *countryList {
	names := display.Regions(tag)
	all := signing.Countries()
	l := &countryList{sorted: make([]signing.Country, 0, len(all)), byCode: make(map[string]string, len(all))}
	for _, c := range all {
		name := c.Name
		if tag != language.English {
			if r, err := language.ParseRegion(c.Code); err == nil && names.Name(r) != "" {
				name = names.Name(r)
			}
		}
		l.sorted = append(l.sorted, signing.Country{Code: c.Code, Name: name})
		l.byCode[c.Code] = name
	}
	col := collate.New(tag)
	sort.SliceStable(l.sorted, func(i, j int) bool { return col.CompareString(l.sorted[i].Name, l.sorted[j].Name) < 0 })
	return l
}

// name is a code's name; an unknown code shows as it is.
func (l *countryList) name(code string) string {
	if n, ok := l.byCode[code]; ok {
		return n
	}
	return code
}
