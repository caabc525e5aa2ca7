package web

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

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

// feed is an Atom feed of the newest approved signatories. encoding/xml
// escapes every value and replaces characters XML cannot carry.
func (s *Server) feed(c *fiber.Ctx) error {
	return s.serveStatementCached(c, "feed", func(st *models.Statement) (*listing.Entry, error) {
		page, err := s.list.Lister.Page(c.UserContext(), st, listing.Query{Limit: feedSize})
		if err != nil {
			return nil, err
		}
		listURL := s.absURL("/s/" + st.Slug + "/signatories")
		f := atomFeed{
			Lang: st.Lang, ID: s.absURL("/s/" + st.Slug + "/feed.atom"),
			Title: "New signatories: " + st.Title, Updated: atomTime(st.UpdatedAt),
			Links: []atomLink{
				{Rel: "self", Type: "application/atom+xml", Href: s.absURL("/s/" + st.Slug + "/feed.atom")},
				{Rel: "alternate", Type: "text/html", Href: listURL},
			},
			Author: atomAuthor{Name: s.feedAuthor(st)},
		}
		if page.Hidden {
			f.Subtitle = listing.PhrasesFor("en", "").Hidden(*st.EmbargoUntil)
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
				Content: atomText{Type: "text", Text: feedSummary(st, sig)},
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

func feedSummary(st *models.Statement, sig listing.Signatory) string {
	who := sig.Name + " (" + sig.Country.Name
	if sig.TypeLabel != "" {
		who += ", " + sig.TypeLabel
	}
	return who + ") signed “" + st.Title + "” on " + sig.ApprovedAt.Format("2 January 2006") + "."
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
