package store

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// PublicSignatory is the part of an approved signature the public list
// shows. The contact fields are empty unless the signer chose to show them:
// the query itself leaves them out.
type PublicSignatory struct {
	ID             int64
	Kind           string
	Name           string
	Website        string
	OrgType        string
	Country        string
	City           string
	Affiliation    string
	DomainVerified bool
	ApprovedAt     time.Time
	ContactName    *string
	ContactRole    string
}

// publicColumns are the columns of PublicSignatory; the contact person only
// leaves the database when show_contact is set.
const publicColumns = "id, kind, name, website, org_type, country, city, affiliation, domain_verified, approved_at, " +
	"CASE WHEN show_contact THEN contact_name ELSE NULL END AS contact_name, " +
	"CASE WHEN show_contact THEN contact_role ELSE '' END AS contact_role"

// PublicFilter selects approved signatures of one statement, newest
// approval first. After, when set, continues a listing after the row with
// that approval time and id (key-based pagination).
type PublicFilter struct {
	StatementID int64
	Country     string
	OrgType     string
	// NameContains matches name_norm as a substring; LIKE wildcards in it
	// are matched literally.
	NameContains string
	AfterAt      time.Time
	AfterID      int64
	Limit        int
}

func (f PublicFilter) apply(q *gorm.DB, sqliteFTS bool) *gorm.DB {
	// The status is written out, not bound, so that PostgreSQL can match the
	// partial trigram index (WHERE status = 'approved') even with a generic
	// plan of a cached prepared statement.
	q = q.Where("statement_id = ? AND status = '"+string(models.StatusApproved)+"'", f.StatementID)
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if f.OrgType != "" {
		q = q.Where("org_type = ?", f.OrgType)
	}
	if f.NameContains != "" {
		q = q.Where(`name_norm LIKE ? ESCAPE '\'`, "%"+likeLiteral(f.NameContains)+"%")
		if sqliteFTS && utf8.RuneCountInString(f.NameContains) >= 3 {
			// The trigram index finds the candidates; the LIKE above keeps
			// the answer exact.
			q = q.Where("id IN (SELECT rowid FROM signatures_name_fts WHERE signatures_name_fts MATCH ?)", ftsPhrase(f.NameContains))
		}
	}
	return q
}

// PublicSignatories lists approved signatures by the filter, at most
// f.Limit of them, through the signatures_public* indexes.
func (s *Store) PublicSignatories(ctx context.Context, f PublicFilter) ([]PublicSignatory, error) {
	q := f.apply(s.reader(ctx).Table("signatures").Select(publicColumns), s.Dialect() == db.SQLite)
	if f.AfterID > 0 {
		q = q.Where("(approved_at, id) < (?, ?)", f.AfterAt, f.AfterID)
	}
	rows, err := q.Order("approved_at DESC, id DESC").Limit(f.Limit).Rows()
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	// Scanned by hand: GORM's reflective Scan was two fifths of a list
	// page's CPU.
	out := make([]PublicSignatory, 0, f.Limit)
	for rows.Next() {
		var p PublicSignatory
		if err := rows.Scan(&p.ID, &p.Kind, &p.Name, &p.Website, &p.OrgType, &p.Country, &p.City, &p.Affiliation,
			&p.DomainVerified, &p.ApprovedAt, &p.ContactName, &p.ContactRole); err != nil {
			return nil, db.Normalize(err)
		}
		out = append(out, p)
	}
	return out, db.Normalize(rows.Err())
}

// CountPublicSignatories counts the approved signatures the filter
// selects, stopping at max: the count of a search must not read the whole
// table. Unfiltered and single-country counts come from ApprovedCounts.
func (s *Store) CountPublicSignatories(ctx context.Context, f PublicFilter, max int) (int64, error) {
	sub := f.apply(s.reader(ctx).Table("signatures").Select("1"), s.Dialect() == db.SQLite).Limit(max)
	var n int64
	err := s.reader(ctx).Raw("SELECT COUNT(*) FROM (?) AS matches", sub).Scan(&n).Error
	return n, db.Normalize(err)
}

// Tally is one count of approved signatures, by day ("2006-01-02"), by
// organisation type, or by country and type ("FR:ngo").
type Tally struct {
	Key string
	N   int64
}

// Tally dimensions kept in approved_tallies.
const (
	TallyDay         = "day"
	TallyType        = "type"
	TallyCountryType = "country_type"
)

// ApprovedTallies returns a statement's non-zero tallies of one dimension,
// greatest key first, at most limit of them: the folded tallies plus the
// changes not folded yet (see FoldCountDeltas), never a scan of
// signatures.
func (s *Store) ApprovedTallies(ctx context.Context, statementID int64, dimension string, limit int) ([]Tally, error) {
	var rows []Tally
	err := s.reader(ctx).Table("approved_tallies").Select("key, n").
		Where("statement_id = ? AND dimension = ?", statementID, dimension).Scan(&rows).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	counts := make(map[string]int64, len(rows))
	for _, r := range rows {
		counts[r.Key] = r.N
	}
	if err := s.addDeltas(ctx, statementID, dimension, counts); err != nil {
		return nil, err
	}
	out := make([]Tally, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, Tally{Key: k, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key > out[j].Key })
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ftsPhrase quotes s as one FTS5 phrase, which the trigram tokenizer
// matches as a substring.
func ftsPhrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// likeLiteral escapes LIKE's wildcards and the escape character itself, for
// a pattern written with ESCAPE '\'.
func likeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
