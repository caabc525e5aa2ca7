package moderation

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/models"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// exportColumns are the columns of an export, personal data included.
var exportColumns = []string{
	"id", "status", "kind", "name", "website", "org_type", "country", "city", "contact_name", "contact_role",
	"show_contact", "affiliation", "email", "comment", "domain_verified", "version_hash", "created_at",
	"confirmed_at", "approved_at", "decided_at", "reason_code", "reason_note",
}

func exportRow(s *models.Signature) []string {
	return []string{
		strconv.FormatInt(s.ID, 10), string(s.Status), string(s.Kind), s.Name, s.Website, s.OrgType, s.Country,
		s.City, deref(s.ContactName), s.ContactRole, strconv.FormatBool(s.ShowContact), s.Affiliation,
		deref(s.Email), s.Comment, strconv.FormatBool(s.DomainVerified), s.VersionHash, stamp(&s.CreatedAt),
		stamp(s.ConfirmedAt), stamp(s.ApprovedAt), stamp(s.DecidedAt), s.ReasonCode, s.ReasonNote,
	}
}

// SafeCell neutralises a cell that a spreadsheet would run as a formula:
// one starting with = + - @, a tab or a carriage return gets a leading
// apostrophe, so that it is shown as text.
func SafeCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// Export writes every signature of st to w in format (csv or json) and
// records the export in the audit trail first: an export that fails
// half-way is still on record.
func (m *Service) Export(ctx context.Context, actor audit.Actor, st *models.Statement, format string, w io.Writer) error {
	sigs, err := m.store.SignaturesForExport(ctx, st.ID)
	if err != nil {
		return err
	}
	err = audit.Record(ctx, m.store, actor, audit.Entry{Action: audit.Exported, TargetType: audit.TargetStatement,
		TargetID: st.ID, StatementID: st.ID, After: map[string]any{"format": format, "rows": len(sigs)}})
	if err != nil {
		return err
	}
	if format == FormatJSON {
		return writeJSON(w, sigs)
	}
	return writeCSV(w, sigs)
}

func writeCSV(w io.Writer, sigs []models.Signature) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	for i := range sigs {
		row := exportRow(&sigs[i])
		for j := range row {
			row[j] = SafeCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes an array of objects with the export's columns; string
// values are made safe the same way, since JSON exports also end up in
// spreadsheets.
func writeJSON(w io.Writer, sigs []models.Signature) error {
	out := make([]map[string]string, 0, len(sigs))
	for i := range sigs {
		row := exportRow(&sigs[i])
		obj := make(map[string]string, len(row))
		for j, v := range row {
			obj[exportColumns[j]] = SafeCell(v)
		}
		out = append(out, obj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
