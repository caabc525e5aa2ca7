package web

import (
	"html/template"
	"net/url"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/collate"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// ListServices are what the public-list handlers need; the instance builds them.
type ListServices struct {
	Lister *listing.Lister
}

// listViews are the templates the public-list handlers render.
var listViews = []string{
	"public/signatories", "partials/list-charts", "public/signatories-embed", "partials/signatories-summary", "embed/signatories",
}

// Page sizes of the public list.
const (
	pageSize     = 50
	maxPageSize  = 100
	summarySize  = 20
	chartDays    = 30
	embedSize    = 10
	maxEmbedSize = 50
)

func (s *Server) listRoutes(app *fiber.App) {
	app.Get("/s/:slug/signatories", s.signatoriesPage)
	app.Get("/s/:slug/signatories.csv", s.publicResource, s.exportCSV)   // list_export.go
	app.Get("/s/:slug/signatories.json", s.publicResource, s.exportJSON) // list_export.go
	app.Get("/s/:slug/feed.atom", s.publicResource, s.feed)              // list_feed.go
	s.apiRoutes(app)                                                     // api.go
	s.embedRoutes(app)                                                   // embed.go
}

// signatoriesView is what the signatories page shows.
type signatoriesView struct {
	localeView
	Statement  *models.Statement
	Query      listing.Query
	SearchText string // the search as typed, to show back in the form
	TotalText  string
	MatchText  string // "12 match" under a filter
	HiddenText string
	NextURL    string
	FirstURL   string
	Rows       []listRow
	// CountryOptions and TypeOptions are the filters' <option>s.
	CountryOptions, TypeOptions template.HTML
	Charts                      template.HTML // partials/list-charts, rendered once per counts and locale
	// VerifiedTitle and VerifiedShort explain the mark of a verified domain.
	VerifiedTitle, VerifiedShort string
	CSVURL                       string
	JSONURL                      string
	FeedURL                      string
	EmbedURL                     string
	APIURL                       string
}

// signatoriesPage is the full public list with search, filters, counts and
// charts.
func (s *Server) signatoriesPage(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	q, err := listing.ParseQuery(listParams(c), pageSize, maxPageSize)
	if err != nil {
		return badQuery(err)
	}
	ctx := c.UserContext()
	page, err := s.list.Lister.Page(ctx, st, q)
	if err != nil {
		return err
	}
	counts, err := s.list.Lister.Counts(ctx, st)
	if err != nil {
		return err
	}
	days, err := s.list.Lister.Daily(ctx, st, chartDays)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	view, err := s.signatoriesView(loc, st, q, c.Query("q"), page, counts, days)
	if err != nil {
		return err
	}
	v := s.page(c, loc.T("list.title", "Title", st.Title))
	v.Description = view.TotalText + ": " + st.Title
	v.NoIndex = q.Filtered() || q.After != nil
	v.Data = view
	return c.Render("public/signatories", v, "layouts/base")
}

// signatoriesView builds the page's data from the list's cached answers.
func (s *Server) signatoriesView(loc *i18n.Locale, st *models.Statement, q listing.Query, search string,
	page *listing.Page, counts *listing.Counts, days []listing.DayCount) (signatoriesView, error) {
	base := "/s/" + st.Slug
	decor, err := s.listDecor(loc, counts, days)
	if err != nil {
		return signatoriesView{}, err
	}
	view := signatoriesView{
		localeView: localeView{loc}, Statement: st, Query: q,
		SearchText: search, TotalText: signedText(loc, st, counts.Total),
		Rows: listRows(loc, page.Items), Charts: decor.Charts,
		CountryOptions: optionsHTML(decor.CountryOptions, q.Country), TypeOptions: optionsHTML(decor.TypeOptions, q.Type),
		VerifiedTitle: loc.T("list.verified"), VerifiedShort: loc.T("list.verified_short"),
		CSVURL: base + "/signatories.csv", JSONURL: base + "/signatories.json", FeedURL: base + "/feed.atom",
		EmbedURL: base + "/embed", APIURL: "/api/v1/statements/" + st.Slug + "/signatories",
	}
	if page.Hidden {
		view.HiddenText = hiddenText(loc, *st.EmbargoUntil)
	}
	if q.Filtered() {
		view.MatchText = matchText(loc, page)
	}
	if page.Next != nil {
		view.NextURL = listURL(base, q, page.Next.Encode())
	}
	if q.After != nil {
		view.FirstURL = listURL(base, q, "")
	}
	return view, nil
}

func matchText(loc *i18n.Locale, p *listing.Page) string {
	if !p.TotalExact {
		return loc.T("list.match_more", "Count", p.Total, "N", loc.Num(p.Total))
	}
	return loc.T("list.match", "Count", p.Total, "N", loc.Num(p.Total))
}

// signedText says how many have signed: "1,234 organisations have
// signed". Statements open to individuals speak of signatories.
func signedText(loc *i18n.Locale, st *models.Statement, n int64) string {
	if st.AcceptsIndividuals {
		return loc.T("list.signed_people", "Count", n, "N", loc.Num(n))
	}
	return loc.T("list.signed_orgs", "Count", n, "N", loc.Num(n))
}

// hiddenText says when an embargoed list will be published.
func hiddenText(loc *i18n.Locale, until time.Time) string {
	return loc.T("list.hidden", "Date", loc.Date(until.UTC()))
}

// localCounts are counts with the countries and types named in loc; the
// countries with as many signatories keep the order of loc's alphabet.
func localCounts(loc *i18n.Locale, c *listing.Counts) *listing.Counts {
	out := *c
	out.Countries = make([]listing.CountryCount, len(c.Countries))
	names := countriesIn(loc)
	for i, cc := range c.Countries {
		cc.Name = names.name(cc.Code)
		out.Countries[i] = cc
	}
	col := collate.New(loc.Tag)
	sort.SliceStable(out.Countries, func(i, j int) bool {
		a, b := out.Countries[i], out.Countries[j]
		return a.N > b.N || a.N == b.N && col.CompareString(a.Name, b.Name) < 0
	})
	out.Types = make([]listing.TypeCount, len(c.Types))
	for i, tc := range c.Types {
		tc.Label = orgTypeLabel(loc, tc.Type)
		out.Types[i] = tc
	}
	return &out
}

// listURL links to the list with the same filters, from cursor on.
func listURL(base string, q listing.Query, cursor string) string {
	v := url.Values{}
	for k, val := range map[string]string{"q": q.Search, "country": q.Country, "type": q.Type, "cursor": cursor} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return base + "/signatories"
	}
	return base + "/signatories?" + v.Encode()
}

// summaryView is the count and the latest signatories under the statement.
type summaryView struct {
	localeView
	TotalText  string
	HiddenText string
	Items      []listing.Signatory
	More       bool
	ListURL    string
	EmbedURL   string
}

// signatorySummary returns the data of the signatory count and latest
// signatories shown under the statement, or nil when there are none yet.
func (s *Server) signatorySummary(c *fiber.Ctx, st *models.Statement) (any, error) {
	ctx := c.UserContext()
	loc := s.locale(c)
	base := "/s/" + st.Slug
	if st.ListHidden(time.Now()) {
		return &summaryView{localeView: localeView{loc}, HiddenText: hiddenText(loc, *st.EmbargoUntil)}, nil
	}
	page, err := s.list.Lister.Page(ctx, st, listing.Query{Limit: summarySize})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, nil
	}
	return &summaryView{
		localeView: localeView{loc}, TotalText: signedText(loc, st, page.Total), Items: page.Items, More: page.Next != nil,
		ListURL: base + "/signatories", EmbedURL: base + "/embed",
	}, nil
}
