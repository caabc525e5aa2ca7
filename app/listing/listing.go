// Package listing owns the public list of signatories: which signatures are
// public (approved ones, outside an embargo), the queries a visitor may make
// and their validation, key-based cursors, counts that never scan the
// signatures table, and the short-lived per-instance cache of answers.
package listing

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Store is what the public list reads.
type Store interface {
	PublicSignatories(ctx context.Context, f store.PublicFilter) ([]store.PublicSignatory, error)
	CountPublicSignatories(ctx context.Context, f store.PublicFilter, max int) (int64, error)
	ApprovedCounts(ctx context.Context, statementID int64) (map[string]int64, int64, error)
	ApprovedTallies(ctx context.Context, statementID int64, dimension string, limit int) ([]store.Tally, error)
}

// Lister answers the public list's questions, from the cache when it can.
type Lister struct {
	store Store
	cache *Cache
	now   func() time.Time
}

// New returns a lister over s that caches in c.
func New(s Store, c *Cache) *Lister {
	return &Lister{store: s, cache: c, now: time.Now}
}

// Cache is the lister's cache, which the web layer also keeps ready
// responses in.
func (l *Lister) Cache() *Cache { return l.cache }

// Signatory is one public signatory, cleaned for display: the name has no
// direction overrides and the website is an http(s) URL or empty.
type Signatory struct {
	ID             int64
	Kind           string
	Name           string
	Website        string
	WebsiteHost    string
	Type           string // organisation type code, e.g. "ngo"
	TypeLabel      string // its label, e.g. "Association or NGO"
	Country        Country
	City           string
	Affiliation    string
	DomainVerified bool
	ApprovedAt     time.Time
	ContactName    string // empty unless the signer chose to show it
	ContactRole    string
}

func signatoryOf(p store.PublicSignatory) Signatory {
	s := Signatory{
		ID: p.ID, Kind: p.Kind, Name: CleanText(p.Name),
		Type: CleanText(p.OrgType), TypeLabel: CleanText(signing.OrgTypeLabel(p.OrgType)), Country: CountryOf(p.Country), City: CleanText(p.City),
		Affiliation: CleanText(p.Affiliation), DomainVerified: p.DomainVerified, ApprovedAt: p.ApprovedAt.UTC(),
		ContactRole: CleanText(p.ContactRole),
	}
	if p.ContactName != nil {
		s.ContactName = CleanText(*p.ContactName)
	}
	if s.ContactName == "" {
		s.ContactRole = ""
	}
	s.Website, s.WebsiteHost = SafeWebsite(p.Website)
	return s
}

// Page is one page of the list.
type Page struct {
	Items []Signatory
	// Next continues the list after Items; nil on the last page.
	Next *Cursor
	// Total is how many signatories the query matches. When TotalExact is
	// false, a name search matched more than MaxSearchCount and Total is
	// that bound.
	Total      int64
	TotalExact bool
	// Hidden is set while the statement's list is under embargo: nothing
	// is shown then.
	Hidden bool
}

// MaxSearchCount bounds the count of a name search, which has no
// maintained counter.
const MaxSearchCount = 1000

// Page returns the page of signatories the query selects.
func (l *Lister) Page(ctx context.Context, st *models.Statement, q Query) (*Page, error) {
	e, err := l.cache.Fill(st.Slug, "data:page:"+q.key(), func() (int64, *Entry, error) {
		p, err := l.page(ctx, st, q)
		return st.ID, &Entry{Value: p}, err
	})
	if err != nil {
		return nil, err
	}
	return e.Value.(*Page), nil
}

func (l *Lister) page(ctx context.Context, st *models.Statement, q Query) (*Page, error) {
	if st.ListHidden(l.now()) {
		return &Page{Hidden: true, TotalExact: true, Items: []Signatory{}}, nil
	}
	f := q.filter(st.ID)
	f.Limit = q.Limit + 1
	rows, err := l.store.PublicSignatories(ctx, f)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: make([]Signatory, 0, min(len(rows), q.Limit))}
	for i, r := range rows {
		if i == q.Limit {
			last := p.Items[len(p.Items)-1]
			p.Next = &Cursor{At: last.ApprovedAt, ID: last.ID}
			break
		}
		p.Items = append(p.Items, signatoryOf(r))
	}
	p.Total, p.TotalExact, err = l.total(ctx, st, q)
	return p, err
}

// total counts what the query matches: from the maintained counters
// unless it searches by name, then by a count bounded at MaxSearchCount.
func (l *Lister) total(ctx context.Context, st *models.Statement, q Query) (int64, bool, error) {
	if q.Search == "" {
		c, err := l.Counts(ctx, st)
		if err != nil {
			return 0, false, err
		}
		switch {
		case q.Country != "" && q.Type != "":
			return c.byCountryType[q.Country+":"+q.Type], true, nil
		case q.Country != "":
			return c.byCountry[q.Country], true, nil
		case q.Type != "":
			return c.byType[q.Type], true, nil
		}
		return c.Total, true, nil
	}
	n, err := l.store.CountPublicSignatories(ctx, q.filter(st.ID), MaxSearchCount+1)
	if n > MaxSearchCount {
		return MaxSearchCount, false, err
	}
	return n, true, err
}

// Each calls fn with every public signatory of the statement, in batches,
// newest first, for the exports. It reads page by page with cursors, so
// memory stays flat whatever the size of the list.
func (l *Lister) Each(ctx context.Context, st *models.Statement, fn func([]Signatory) error) error {
	if st.ListHidden(l.now()) {
		return nil
	}
	f := store.PublicFilter{StatementID: st.ID, Limit: 1000}
	batch := make([]Signatory, 0, f.Limit)
	for {
		rows, err := l.store.PublicSignatories(ctx, f)
		if err != nil || len(rows) == 0 {
			return err
		}
		batch = batch[:0]
		for _, r := range rows {
			batch = append(batch, signatoryOf(r))
		}
		if err := fn(batch); err != nil {
			return err
		}
		last := rows[len(rows)-1]
		f.AfterAt, f.AfterID = last.ApprovedAt, last.ID
		if len(rows) < f.Limit {
			return nil
		}
	}
}

// Counts are a statement's public counts, from maintained counters.
type Counts struct {
	Total     int64
	Countries []CountryCount // most signatories first
	Types     []TypeCount    // most signatories first
	Hidden    bool

	byCountry     map[string]int64
	byType        map[string]int64
	byCountryType map[string]int64 // "FR:ngo"
}

// CountryCount is the number of signatories from one country.
type CountryCount struct {
	Country
	N int64
}

// TypeCount is the number of signatories of one organisation type.
type TypeCount struct {
	Type  string // code
	Label string
	N     int64
}

// Counts returns the statement's public counts.
func (l *Lister) Counts(ctx context.Context, st *models.Statement) (*Counts, error) {
	e, err := l.cache.Fill(st.Slug, "data:counts", func() (int64, *Entry, error) {
		c, err := l.counts(ctx, st)
		return st.ID, &Entry{Value: c}, err
	})
	if err != nil {
		return nil, err
	}
	return e.Value.(*Counts), nil
}

// maxTypes bounds the organisation types read; the sign form offers a
// handful, so a statement has few, and few combinations with countries.
const maxTypes = 200

func (l *Lister) counts(ctx context.Context, st *models.Statement) (*Counts, error) {
	if st.ListHidden(l.now()) {
		return &Counts{Hidden: true}, nil
	}
	byCountry, total, err := l.store.ApprovedCounts(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	types, err := l.store.ApprovedTallies(ctx, st.ID, store.TallyType, maxTypes)
	if err != nil {
		return nil, err
	}
	combos, err := l.store.ApprovedTallies(ctx, st.ID, store.TallyCountryType, maxTypes*len(byCountry)+1)
	if err != nil {
		return nil, err
	}
	c := &Counts{Total: total, byCountry: byCountry, byType: make(map[string]int64, len(types)),
		byCountryType: make(map[string]int64, len(combos))}
	for _, t := range combos {
		c.byCountryType[t.Key] = t.N
	}
	for code, n := range byCountry {
		c.Countries = append(c.Countries, CountryCount{Country: CountryOf(code), N: n})
	}
	sort.Slice(c.Countries, func(i, j int) bool {
		a, b := c.Countries[i], c.Countries[j]
		return a.N > b.N || a.N == b.N && a.Name < b.Name
	})
	for _, t := range types {
		c.byType[t.Key] = t.N
		if t.Key != "" {
			c.Types = append(c.Types, TypeCount{Type: CleanText(t.Key), Label: CleanText(signing.OrgTypeLabel(t.Key)), N: t.N})
		}
	}
	sort.Slice(c.Types, func(i, j int) bool {
		a, b := c.Types[i], c.Types[j]
		return a.N > b.N || a.N == b.N && a.Label < b.Label
	})
	return c, nil
}

// DayCount is the number of signatures approved on one UTC day.
type DayCount struct {
	Day time.Time
	N   int64
}

// Daily returns the approvals of the last `days` days, oldest first, with
// zero days filled in. The window ends today, or on the last day anyone was
// approved when that is longer ago than the window.
func (l *Lister) Daily(ctx context.Context, st *models.Statement, days int) ([]DayCount, error) {
	e, err := l.cache.Fill(st.Slug, "data:daily:"+strconv.Itoa(days), func() (int64, *Entry, error) {
		d, err := l.daily(ctx, st, days)
		return st.ID, &Entry{Value: d}, err
	})
	if err != nil {
		return nil, err
	}
	return e.Value.([]DayCount), nil
}

func (l *Lister) daily(ctx context.Context, st *models.Statement, days int) ([]DayCount, error) {
	if st.ListHidden(l.now()) {
		return nil, nil
	}
	tallies, err := l.store.ApprovedTallies(ctx, st.ID, store.TallyDay, days)
	if err != nil || len(tallies) == 0 {
		return nil, err
	}
	byDay := make(map[string]int64, len(tallies))
	for _, t := range tallies {
		byDay[t.Key] = t.N
	}
	end := l.now().UTC().Truncate(24 * time.Hour)
	if last, err := time.Parse(time.DateOnly, tallies[0].Key); err == nil && last.Before(end.AddDate(0, 0, -days+1)) {
		end = last
	}
	out := make([]DayCount, days)
	for i := range out {
		day := end.AddDate(0, 0, i-days+1)
		out[i] = DayCount{Day: day, N: byDay[day.Format(time.DateOnly)]}
	}
	return out, nil
}

// Query is a validated request for a page of the list.
type Query struct {
	Country string // ISO code, upper case
	Type    string
	Search  string // normalised like name_norm
	Limit   int
	After   *Cursor
}

// InvalidError names the query parameter that is wrong and says why.
type InvalidError struct {
	Param string
	Msg   string
}

func (e *InvalidError) Error() string { return e.Param + ": " + e.Msg }

// Limits of a query's parameters.
const (
	maxSearchLen = 100
	maxTypeLen   = 80
)

// QueryParams are the raw query-string values of a list request.
type QueryParams struct {
	Country, Type, Q, Limit, Cursor string
}

// ParseQuery validates a request's parameters; limit defaults to def and
// may not exceed max.
func ParseQuery(p QueryParams, def, max int) (Query, error) {
	q := Query{Limit: def}
	if c := strings.ToUpper(strings.TrimSpace(p.Country)); c != "" {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return q, &InvalidError{"country", "must be a two-letter country code"}
		}
		q.Country = c
	}
	if t := strings.TrimSpace(p.Type); t != "" {
		if len(t) > maxTypeLen || !utf8.ValidString(t) {
			return q, &InvalidError{"type", "is not an organisation type"}
		}
		q.Type = t
	}
	if utf8.RuneCountInString(p.Q) > maxSearchLen {
		return q, &InvalidError{"q", "must be at most " + strconv.Itoa(maxSearchLen) + " characters"}
	}
	q.Search = NormalizeSearch(p.Q)
	if p.Limit != "" {
		n, err := strconv.Atoi(p.Limit)
		if err != nil || n < 1 || n > max {
			return q, &InvalidError{"limit", "must be a number from 1 to " + strconv.Itoa(max)}
		}
		q.Limit = n
	}
	if p.Cursor != "" {
		c, err := DecodeCursor(p.Cursor)
		if err != nil {
			return q, &InvalidError{"cursor", "is not a cursor this list gave out"}
		}
		q.After = &c
	}
	return q, nil
}

// Filtered tells whether the query narrows the list.
func (q Query) Filtered() bool { return q.Country != "" || q.Type != "" || q.Search != "" }

func (q Query) filter(statementID int64) store.PublicFilter {
	f := store.PublicFilter{StatementID: statementID, Country: q.Country, OrgType: q.Type, NameContains: q.Search}
	if q.After != nil {
		f.AfterAt, f.AfterID = q.After.At, q.After.ID
	}
	return f
}

// key identifies the query in the cache.
func (q Query) key() string {
	cursor := ""
	if q.After != nil {
		cursor = q.After.Encode()
	}
	return strings.Join([]string{q.Country, q.Type, q.Search, strconv.Itoa(q.Limit), cursor}, "\x00")
}

// Key identifies the query, for caches of answers built from it.
func (q Query) Key() string { return q.key() }
