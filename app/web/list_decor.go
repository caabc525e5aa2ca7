package web

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
)

// listDecor is what the signatories page shows around the signatories:
// the counts named and sorted in a locale (the filters) and the charts,
// rendered. Both follow from the cached counts and the locale alone, yet
// collating the country names and rendering the charts took about half of
// a page's CPU. They are kept per (counts, daily figures, locale): a new
// answer of the list cache is a new key.
type listDecor struct {
	// CountryOptions and TypeOptions are the filters' choices, "Name (N)".
	CountryOptions, TypeOptions []filterOption
	Charts                      template.HTML
}

// filterOption is one choice of a list filter.
type filterOption struct{ Value, Label string }

// optionsHTML writes a filter's <option>s, the selected one marked. A
// country filter has up to some 250 options, and html/template calls its
// escapers by reflection for each value it prints: written here, each text
// escaped with template.HTMLEscapeString, they cost a tenth as much.
func optionsHTML(opts []filterOption, selected string) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteString(`"`)
		if o.Value == selected {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString("</option>\n")
	}
	return template.HTML(b.String()) // #nosec G203 -- every text is escaped above
}

type decorKey struct {
	counts *listing.Counts
	days   *listing.DayCount // the first day, or nil: the slice's identity
	lang   string
}

// decorCache holds a few decors; it starts over when full, which takes
// the replaced answers' keys along.
type decorCache struct {
	mu sync.Mutex
	m  map[decorKey]*listDecor
}

const maxDecors = 64

// chartsView is the data of partials/list-charts.
type chartsView struct {
	localeView
	Charts []*barChart
}

func (s *Server) listDecor(loc *i18n.Locale, counts *listing.Counts, days []listing.DayCount) (*listDecor, error) {
	key := decorKey{counts: counts, lang: loc.Code()}
	if len(days) > 0 {
		key.days = &days[0]
	}
	s.decors.mu.Lock()
	d := s.decors.m[key]
	s.decors.mu.Unlock()
	if d != nil {
		return d, nil
	}
	local := localCounts(loc, counts)
	d = &listDecor{}
	for _, c := range local.Countries {
		d.CountryOptions = append(d.CountryOptions, filterOption{c.Code, c.Name + " (" + loc.Num(c.N) + ")"})
	}
	for _, t := range local.Types {
		d.TypeOptions = append(d.TypeOptions, filterOption{t.Type, t.Label + " (" + loc.Num(t.N) + ")"})
	}
	var charts []*barChart
	for _, ch := range []*barChart{dayChart(loc, days), countryChart(loc, local.Countries)} {
		if ch != nil {
			charts = append(charts, ch)
		}
	}
	if len(charts) > 0 {
		var buf bytes.Buffer
		if err := s.views.Render(&buf, "partials/list-charts", chartsView{localeView{loc}, charts}); err != nil {
			return nil, err
		}
		d.Charts = template.HTML(buf.String()) // #nosec G203 -- rendered and escaped by html/template
	}
	s.decors.mu.Lock()
	if s.decors.m == nil || len(s.decors.m) >= maxDecors {
		s.decors.m = map[decorKey]*listDecor{}
	}
	s.decors.m[key] = d
	s.decors.mu.Unlock()
	return d, nil
}

// listRow is one signatory as the page shows it, with its texts prepared
// here: each method a template calls costs a reflective call, and a page
// has fifty rows.
type listRow struct {
	Name, Website            string
	Verified, More           bool
	Affiliation, City        string
	ContactName, ContactRole string
	Flag, Country, Type      string
	DateISO, Date            string
}

func listRows(loc *i18n.Locale, items []listing.Signatory) []listRow {
	names := countriesIn(loc)
	rows := make([]listRow, len(items))
	for i, sig := range items {
		r := listRow{Name: sig.Name, Website: sig.Website, Verified: sig.DomainVerified,
			Affiliation: sig.Affiliation, City: sig.City, ContactName: sig.ContactName, ContactRole: sig.ContactRole,
			Flag: sig.Country.Flag, Country: names.name(sig.Country.Code),
			DateISO: sig.ApprovedAt.Format("2006-01-02"), Date: loc.Date(sig.ApprovedAt)}
		r.More = r.Affiliation != "" || r.City != "" || r.ContactName != ""
		if sig.Type != "" {
			r.Type = orgTypeLabel(loc, sig.Type)
		}
		rows[i] = r
	}
	return rows
}
