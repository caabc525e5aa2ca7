package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// openAPISpec describes every route under /api/v1; a test keeps it in step
// with the router.
//
//go:embed openapi.json
var openAPISpec []byte

// apiRoutes are the read-only routes of API v1. The signing handlers add
// the CAPTCHA and the sign POST under the same prefix.
func (s *Server) apiRoutes(app *fiber.App) {
	spec := s.openAPIEntry()
	api := app.Group("/api/v1")
	api.Get("/openapi.json", s.apiGET, func(c *fiber.Ctx) error { return s.sendEntry(c, spec) })
	api.Get("/statements", s.apiGET, s.apiStatements)
	api.Get("/statements/:slug", s.apiGET, s.apiStatement)
	api.Get("/statements/:slug/signatories", s.apiGET, s.apiSignatories)
}

// openAPIEntry is the OpenAPI file with this instance's address as server.
func (s *Server) openAPIEntry() *listing.Entry {
	var doc map[string]any
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		panic(fmt.Sprintf("openapi.json: %v", err)) // embedded: a build defect
	}
	doc["servers"] = []map[string]string{{"url": s.cfg.BaseURL}}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return &listing.Entry{Body: body, ETag: etagOf(body), ContentType: fiber.MIMEApplicationJSONCharsetUTF8}
}

// apiStatementSummary is a statement in the list of statements.
type apiStatementSummary struct {
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Lang        string  `json:"lang"`
	Status      string  `json:"status"`
	URL         string  `json:"url"`
	APIURL      string  `json:"api_url"`
	VersionHash string  `json:"version_hash"`
	PublishedOn *string `json:"published_on"`
	Signatories int64   `json:"signatories"`
	ListHidden  bool    `json:"list_hidden"`
}

// apiStatements lists the public statements.
func (s *Server) apiStatements(c *fiber.Ctx) error {
	return s.serveCached(c, "", "api:statements", func() (int64, *listing.Entry, error) {
		ctx := c.UserContext()
		all, err := s.store.Statements(ctx, models.StatementOpen, models.StatementClosed)
		if err != nil {
			return 0, nil, err
		}
		items := make([]apiStatementSummary, 0, len(all))
		for i := range all {
			st := &all[i]
			counts, err := s.list.Lister.Counts(ctx, st)
			if err != nil {
				return 0, nil, err
			}
			items = append(items, apiStatementSummary{
				Slug: st.Slug, Title: st.Title, Lang: st.Lang, Status: string(st.Status),
				URL: s.absURL("/s/" + st.Slug), APIURL: s.absURL("/api/v1/statements/" + st.Slug),
				VersionHash: st.VersionHash, PublishedOn: isoDate(st.PublishedOn),
				Signatories: counts.Total, ListHidden: counts.Hidden,
			})
		}
		e, err := jsonEntry(map[string]any{"items": items})
		return 0, e, err
	})
}

// apiStatementDetail is one statement with its counts.
type apiStatementDetail struct {
	Slug                 string     `json:"slug"`
	Title                string     `json:"title"`
	Author               string     `json:"author"`
	Lang                 string     `json:"lang"`
	Status               string     `json:"status"`
	URL                  string     `json:"url"`
	SignatoriesURL       string     `json:"signatories_url"`
	VersionHash          string     `json:"version_hash"`
	PublishedOn          *string    `json:"published_on"`
	AcceptsOrganisations bool       `json:"accepts_organisations"`
	AcceptsIndividuals   bool       `json:"accepts_individuals"`
	AcceptsSignatures    bool       `json:"accepts_signatures"`
	OpensAt              *time.Time `json:"opens_at"`
	ClosesAt             *time.Time `json:"closes_at"`
	ListHidden           bool       `json:"list_hidden"`
	ListPublishedAt      *time.Time `json:"list_published_at"`
	Counts               apiCounts  `json:"counts"`
}

type apiCounts struct {
	Total     int64            `json:"total"`
	ByCountry map[string]int64 `json:"by_country"`
	ByType    map[string]int64 `json:"by_type"`
}

// apiStatement describes one statement: metadata, version hash and counts.
func (s *Server) apiStatement(c *fiber.Ctx) error {
	return s.serveStatementCached(c, "api:statement", func(st *models.Statement) (*listing.Entry, error) {
		counts, err := s.list.Lister.Counts(c.UserContext(), st)
		if err != nil {
			return nil, err
		}
		d := apiStatementDetail{
			Slug: st.Slug, Title: st.Title, Author: st.Author, Lang: st.Lang, Status: string(st.Status),
			URL: s.absURL("/s/" + st.Slug), SignatoriesURL: s.absURL("/api/v1/statements/" + st.Slug + "/signatories"),
			VersionHash: st.VersionHash, PublishedOn: isoDate(st.PublishedOn),
			AcceptsOrganisations: st.AcceptsOrganisations, AcceptsIndividuals: st.AcceptsIndividuals,
			AcceptsSignatures: st.AcceptsSignatures(time.Now()),
			OpensAt:           utcOrNil(st.OpensAt), ClosesAt: utcOrNil(st.ClosesAt),
			ListHidden: counts.Hidden, ListPublishedAt: utcOrNil(st.EmbargoUntil),
			Counts: apiCounts{Total: counts.Total, ByCountry: map[string]int64{}, ByType: map[string]int64{}},
		}
		for _, cc := range counts.Countries {
			d.Counts.ByCountry[cc.Code] = cc.N
		}
		for _, tc := range counts.Types {
			d.Counts.ByType[tc.Type] = tc.N
		}
		return jsonEntry(d)
	})
}

// apiSignatory is a public signatory in JSON: never an email, and a contact
// person only when the signer chose to show one.
type apiSignatory struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	Kind           string      `json:"kind"`
	Type           string      `json:"type"`
	TypeLabel      string      `json:"type_label"`
	Country        string      `json:"country"`
	CountryName    string      `json:"country_name"`
	City           string      `json:"city"`
	Affiliation    string      `json:"affiliation"`
	Website        string      `json:"website"`
	DomainVerified bool        `json:"domain_verified"`
	ApprovedAt     string      `json:"approved_at"` // RFC 3339, as time.Time would write it, without its reflective marshaller
	Contact        *apiContact `json:"contact,omitempty"`
}

type apiContact struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

func apiSignatoryOf(sig listing.Signatory) apiSignatory {
	a := apiSignatory{
		ID: sig.ID, Name: sig.Name, Kind: sig.Kind, Type: sig.Type, TypeLabel: sig.TypeLabel, Country: sig.Country.Code,
		CountryName: sig.Country.Name, City: sig.City, Affiliation: sig.Affiliation, Website: sig.Website,
		DomainVerified: sig.DomainVerified, ApprovedAt: sig.ApprovedAt.Format(time.RFC3339Nano),
	}
	if sig.ContactName != "" {
		a.Contact = &apiContact{Name: sig.ContactName, Role: sig.ContactRole}
	}
	return a
}

type apiSignatoryPage struct {
	Items      []apiSignatory `json:"items"`
	NextCursor *string        `json:"next_cursor"`
	Total      int64          `json:"total"`
	TotalExact bool           `json:"total_exact"`
	ListHidden bool           `json:"list_hidden"`
}

// apiSignatories pages through the public signatories of a statement.
func (s *Server) apiSignatories(c *fiber.Ctx) error {
	q, err := listing.ParseQuery(listParams(c), pageSize, maxPageSize)
	if err != nil {
		return badQuery(err)
	}
	return s.serveStatementCached(c, "api:signatories:"+q.Key(), func(st *models.Statement) (*listing.Entry, error) {
		page, err := s.list.Lister.Page(c.UserContext(), st, q)
		if err != nil {
			return nil, err
		}
		return jsonEntry(apiPageOf(page))
	})
}

// apiPageOf is a page of the list as the API (and the script widget)
// reads it.
func apiPageOf(page *listing.Page) apiSignatoryPage {
	out := apiSignatoryPage{Items: make([]apiSignatory, 0, len(page.Items)), Total: page.Total,
		TotalExact: page.TotalExact, ListHidden: page.Hidden}
	for _, sig := range page.Items {
		out.Items = append(out.Items, apiSignatoryOf(sig))
	}
	if page.Next != nil {
		next := page.Next.Encode()
		out.NextCursor = &next
	}
	return out
}

// jsonEntry encodes v as a ready JSON response. encoding/json escapes <, >
// and & too, so the body is inert even if a client mistakes it for HTML.
func jsonEntry(v any) (*listing.Entry, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &listing.Entry{Body: body, ContentType: fiber.MIMEApplicationJSONCharsetUTF8}, nil
}

func isoDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
