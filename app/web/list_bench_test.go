package web

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// The public list's hot paths without the database: the signatories page,
// rendered on every request from the lister's cached page, and the JSON of
// the API the script widget reads, encoded when its cache entry is filled.

var benchStatement = &models.Statement{Slug: "no-to-imperialist-invasion", Title: "No to imperialist invasion",
	Lang: "en", Status: models.StatementOpen, AcceptsOrganisations: true}

// benchListPage is a full page (pageSize signatories) of a long list, with
// names in several scripts, websites, verified domains and shown contacts.
func benchListPage() *listing.Page {
	names := []string{"Workers' Union", "Профспілка освітян", "工人联合会", "Collectif pour la paix",
		"Sindicato de Trabajadores", "الاتحاد العام للعمال", "Solidarity Network"}
	countries := []string{"DE", "FR", "UA", "CN", "US", "BR", "IN", "ZA", "GB", "ES", "EG"}
	types := []string{"union", "ngo", "party", "collective", "media"}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &listing.Page{Total: 123456, TotalExact: true}
	for i := range pageSize {
		sig := listing.Signatory{ID: int64(200000 - i), Kind: "organisation", Name: fmt.Sprintf("%s %d", names[i%len(names)], i),
			Type: types[i%len(types)], TypeLabel: signing.OrgTypeLabel(types[i%len(types)]),
			Country: listing.CountryOf(countries[i%len(countries)]), DomainVerified: i%3 == 0,
			ApprovedAt: at.Add(-time.Duration(i) * time.Hour)}
		if i%2 == 0 {
			sig.Website, sig.WebsiteHost = listing.SafeWebsite(fmt.Sprintf("https://org%d.example/", i))
		}
		if i%4 == 0 {
			sig.City = "Berlin"
		}
		if i%5 == 0 {
			sig.ContactName, sig.ContactRole = "Anna Schmidt", "Secretary"
		}
		p.Items = append(p.Items, sig)
	}
	last := p.Items[len(p.Items)-1]
	p.Next = &listing.Cursor{At: last.ApprovedAt, ID: last.ID}
	return p
}

// benchCounts are the counts of a list from many countries, and the
// approvals of the last chartDays days.
func benchCounts() (*listing.Counts, []listing.DayCount) {
	c := &listing.Counts{Total: 123456}
	for i, cc := range signing.Countries()[:60] {
		c.Countries = append(c.Countries, listing.CountryCount{Country: listing.CountryOf(cc.Code), N: int64(5000 - 70*i)})
	}
	for i, t := range signing.OrgTypes() {
		c.Types = append(c.Types, listing.TypeCount{Type: t.Code, Label: signing.OrgTypeLabel(t.Code), N: int64(20000 - 1000*i)})
	}
	days := make([]listing.DayCount, chartDays)
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range days {
		days[i] = listing.DayCount{Day: end.AddDate(0, 0, i-chartDays+1), N: int64(100 + 37*i%250)}
	}
	return c, days
}

// benchSignatoriesPage builds the page data as signatoriesPage does for
// the first page of the unfiltered list.
func benchSignatoriesPage(b *testing.B, s *Server, loc *i18n.Locale, page *listing.Page, counts *listing.Counts, days []listing.DayCount) *Page {
	st := benchStatement
	view, err := s.signatoriesView(loc, st, listing.Query{Limit: pageSize}, "", page, counts, days)
	if err != nil {
		b.Fatal(err)
	}
	return &Page{Title: loc.T("list.title", "Title", st.Title), SiteSuffix: true, Lang: loc.Code(), Dir: loc.Dir(),
		Loc: loc, Canonical: "http://localhost:8080/s/" + st.Slug + "/signatories",
		Description: view.TotalText + ": " + st.Title, Data: view}
}

// BenchmarkSignatoriesPage renders a page of 50 signatories in its layout:
// "render" is the templates alone, "view+render" also builds the page
// data, as each request does (the localised counts and the rendered charts
// come from their memo, as they do while the list cache keeps its answers).
func BenchmarkSignatoriesPage(b *testing.B) {
	engine, err := loadViews()
	if err != nil {
		b.Fatal(err)
	}
	views := pageViews{engine}
	srv := &Server{views: engine}
	loc := i18n.MustLoad().Locale(i18n.Supported[0])
	page := benchListPage()
	counts, days := benchCounts()
	var out bytes.Buffer
	render := func(b *testing.B, p *Page) {
		out.Reset()
		if err := views.Render(&out, "public/signatories", p, "layouts/base"); err != nil {
			b.Fatal(err)
		}
	}
	render(b, benchSignatoriesPage(b, srv, loc, page, counts, days))
	if n := strings.Count(out.String(), `class="signatory-name"`); n != pageSize {
		b.Fatalf("the page shows %d signatories, want %d", n, pageSize)
	}
	b.Run("render", func(b *testing.B) {
		p := benchSignatoriesPage(b, srv, loc, page, counts, days)
		b.SetBytes(int64(out.Len()))
		b.ReportAllocs()
		for b.Loop() {
			render(b, p)
		}
	})
	b.Run("view+render", func(b *testing.B) {
		b.SetBytes(int64(out.Len()))
		b.ReportAllocs()
		for b.Loop() {
			render(b, benchSignatoriesPage(b, srv, loc, page, counts, days))
		}
	})
}

// benchWidgetJSON encodes a page as apiSignatories does when it fills
// its cache entry, ETag included.
func benchWidgetJSON(page *listing.Page) (*listing.Entry, error) {
	e, err := jsonEntry(apiPageOf(page))
	if err == nil {
		e.ETag = etagOf(e.Body)
	}
	return e, err
}

// BenchmarkWidgetJSON encodes the API's page of 50 signatories that the
// script widget and other sites read.
func BenchmarkWidgetJSON(b *testing.B) {
	page := benchListPage()
	e, err := benchWidgetJSON(page)
	if err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(e.Body, []byte(`"approved_at"`)); n != pageSize {
		b.Fatalf("the JSON holds %d signatories, want %d", n, pageSize)
	}
	b.SetBytes(int64(len(e.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := benchWidgetJSON(page); err != nil {
			b.Fatal(err)
		}
	}
}
