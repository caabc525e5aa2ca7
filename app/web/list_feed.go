package web

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// feedSize is how many of the newest signatories the feed carries.
const feedSize = 50

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomAuthor  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     atomText `xml:"title"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published"`
	Link      atomLink `xml:"link"`
	Content   atomText `xml:"content"`
}

// feed is an Atom feed of the newest approved signatories, in the language
// ?lang= asks for or else the statement's. encoding/xml escapes every value
// and replaces characters XML cannot carry.
func (s *Server) feed(c *fiber.Ctx) error {
	lang := sharedLang(c.Query("lang"))
	return s.serveStatementCached(c, "feed:"+lang, func(st *models.Statement) (*listing.Entry, error) {
		page, err := s.list.Lister.Page(c.UserContext(), st, listing.Query{Limit: feedSize})
		if err != nil {
			return nil, err
		}
		loc := s.sharedLocale(lang, st.Lang)
		listURL := s.absURL("/s/" + st.Slug + "/signatories")
		f := atomFeed{
			Lang: loc.Code(), ID: s.absURL("/s/" + st.Slug + "/feed.atom"),
			Title: loc.T("feed.title", "Title", st.Title), Updated: atomTime(st.UpdatedAt),
			Links: []atomLink{
				{Rel: "self", Type: "application/atom+xml", Href: s.absURL("/s/" + st.Slug + "/feed.atom")},
				{Rel: "alternate", Type: "text/html", Href: listURL},
			},
			Author: atomAuthor{Name: s.feedAuthor(st)},
		}
		if page.Hidden {
			f.Subtitle = hiddenText(loc, *st.EmbargoUntil)
		}
		for _, sig := range page.Items {
			if sig.ApprovedAt.After(st.UpdatedAt) && f.Updated < atomTime(sig.ApprovedAt) {
				f.Updated = atomTime(sig.ApprovedAt)
			}
			f.Entries = append(f.Entries, atomEntry{
				ID:      s.tagURI(st, "signatory/"+strconv.FormatInt(sig.ID, 10)),
				Title:   atomText{Type: "text", Text: sig.Name},
				Updated: atomTime(sig.ApprovedAt), Published: atomTime(sig.ApprovedAt),
				Link:    atomLink{Rel: "alternate", Type: "text/html", Href: listURL},
				Content: atomText{Type: "text", Text: feedSummary(loc, st, sig)},
			})
		}
		var b bytes.Buffer
		b.WriteString(xml.Header)
		if err := xml.NewEncoder(&b).Encode(f); err != nil {
			return nil, err
		}
		return &listing.Entry{Body: b.Bytes(), ContentType: "application/atom+xml; charset=utf-8"}, nil
	})
}

func feedSummary(loc *i18n.Locale, st *models.Statement, sig listing.Signatory) string {
	args := []any{"Name", sig.Name, "Country", countriesIn(loc).name(sig.Country.Code), "Title", st.Title,
		"Date", loc.Date(sig.ApprovedAt)}
	if sig.Type != "" {
		return loc.T("feed.entry_typed", append(args, "Type", orgTypeLabel(loc, sig.Type))...)
	}
	return loc.T("feed.entry", args...)
}

// sharedLang is a ?lang= fit for a cache key: short, and only letters and
// hyphens; anything else counts as not asked.
func sharedLang(lang string) string {
	lang = strings.ToLower(lang)
	if len(lang) > 16 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz-") != "" {
		return ""
	}
	return lang
}

func (s *Server) feedAuthor(st *models.Statement) string {
	if st.Author != "" {
		return st.Author
	}
	return "undersign"
}

// tagURI is a stable Atom id (RFC 4151) under this instance's host.
func (s *Server) tagURI(st *models.Statement, specific string) string {
	host := "undersign"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + st.CreatedAt.UTC().Format(time.DateOnly) + ":" + url.PathEscape(st.Slug) + "/" + specific
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
