package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// exportSlots bounds the exports streaming at once in this process: each
// reads the whole list, one batch at a time.
var exportSlots = make(chan struct{}, 4)

// exportTimeout bounds one export, which runs after its handler returned.
const exportTimeout = 5 * time.Minute

// exportWriter writes a statement's public list to w, flushing as it goes.
type exportWriter func(ctx context.Context, w *bufio.Writer, st *models.Statement) error

// exportCSV downloads the public list as CSV.
func (s *Server) exportCSV(c *fiber.Ctx) error {
	return s.export(c, "csv", "text/csv; charset=utf-8", s.writeCSV)
}

// exportJSON downloads the public list as JSON.
func (s *Server) exportJSON(c *fiber.Ctx) error {
	return s.export(c, "json", fiber.MIMEApplicationJSONCharsetUTF8, s.writeJSON)
}

// export streams a download of the whole public list. It streams instead of
// caching: a list may hold a million signatories.
func (s *Server) export(c *fiber.Ctx, ext, contentType string, write exportWriter) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+fileSafe(st.Slug)+`-signatories.`+ext+`"`)
	c.Set(fiber.HeaderCacheControl, s.publicCacheControl())
	if c.Method() == fiber.MethodHead {
		return nil // the headers are the whole answer; no need to read the list
	}
	select {
	case exportSlots <- struct{}{}:
	default:
		c.Response().Header.Del(fiber.HeaderContentDisposition)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return &Error{Status: fiber.StatusServiceUnavailable, Msg: "Many downloads are running; please try again in a minute."}
	}
	// The writer runs after this handler returns; the slot is given back
	// when it ends, also when the client leaves early (writes then fail).
	// A large list takes longer to send than the server's WriteTimeout,
	// which is meant for pages: this response gets the export's own.
	_ = c.Context().SetWriteDeadline(time.Now().Add(exportTimeout))
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer func() { <-exportSlots }()
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		if err := write(ctx, w, st); err != nil {
			s.log.Warn("export stopped", "statement", st.Slug, "format", ext, "err", err)
		}
	})
	return nil
}

var csvHeader = []string{"name", "kind", "type", "type_label", "country", "country_name", "city", "affiliation",
	"website", "domain_verified", "approved_at", "contact_name", "contact_role"}

func (s *Server) writeCSV(ctx context.Context, w *bufio.Writer, st *models.Statement) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	err := s.list.Lister.Each(ctx, st, func(batch []listing.Signatory) error {
		for _, sig := range batch {
			row := []string{sig.Name, sig.Kind, sig.Type, sig.TypeLabel, sig.Country.Code, sig.Country.Name, sig.City,
				sig.Affiliation, sig.Website, strconv.FormatBool(sig.DomainVerified),
				sig.ApprovedAt.Format(time.RFC3339), sig.ContactName, sig.ContactRole}
			for i := range row {
				row[i] = csvSafe(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return w.Flush()
	})
	cw.Flush()
	if err != nil {
		return err
	}
	if err := cw.Error(); err != nil {
		return err
	}
	return w.Flush()
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet: a
// cell that starts with = + - @ or a tab or carriage return gets a leading
// apostrophe.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func (s *Server) writeJSON(ctx context.Context, w *bufio.Writer, st *models.Statement) error {
	head, err := json.Marshal(map[string]any{
		"slug": st.Slug, "title": st.Title, "url": s.absURL("/s/" + st.Slug), "version_hash": st.VersionHash,
	})
	if err != nil {
		return err
	}
	if _, err := w.WriteString(`{"statement":` + string(head) + `,"generated_at":"` + time.Now().UTC().Format(time.RFC3339) + `","items":[`); err != nil {
		return err
	}
	first := true
	err = s.list.Lister.Each(ctx, st, func(batch []listing.Signatory) error {
		for _, sig := range batch {
			item, err := json.Marshal(apiSignatoryOf(sig))
			if err != nil {
				return err
			}
			if !first {
				_ = w.WriteByte(',')
			}
			first = false
			if _, err := w.Write(item); err != nil {
				return err
			}
		}
		return w.Flush()
	})
	if err != nil {
		return err // the document stays unterminated, so a client cannot mistake it for complete
	}
	if _, err := w.WriteString("]}\n"); err != nil {
		return err
	}
	return w.Flush()
}

// fileSafe keeps the letters, digits, dashes and underscores of a name for
// a Content-Disposition filename.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}
