package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// StatusCount is how many signatures of a statement have one status.
type StatusCount struct {
	StatementID int64
	Status      models.SignatureStatus
	N           int64
}

// SignatureStatusCounts counts every statement's signatures by status.
func (s *Store) SignatureStatusCounts(ctx context.Context) ([]StatusCount, error) {
	var out []StatusCount
	err := s.conn(ctx).Model(&models.Signature{}).
		Select("statement_id, status, COUNT(*) AS n").
		Group("statement_id, status").Scan(&out).Error
	return out, db.Normalize(err)
}

// SignatureTimes returns when a statement's signatures since a time were
// created, at most limit of them, for the arrivals chart.
func (s *Store) SignatureTimes(ctx context.Context, statementID int64, since time.Time, limit int) ([]time.Time, error) {
	var out []time.Time
	err := s.conn(ctx).Model(&models.Signature{}).
		Where("statement_id = ? AND created_at >= ?", statementID, since).
		Order("id DESC").Limit(limit).Pluck("created_at", &out).Error
	return out, db.Normalize(err)
}

// QueueFilter selects the rows of the moderation queue.
type QueueFilter struct {
	StatementID int64
	Status      models.SignatureStatus // empty: every status
	Country     string
	Kind        models.SignerKind
	Verified    *bool
	From, To    *time.Time // created_at >= From, < To
	Search      string     // in name or email, case-insensitive
	After       int64      // key-based pagination: the last id seen
	Limit       int
}

// Ascending tells whether the queue runs oldest first: the pending queue
// does, so that nobody waits for ever; other views show the newest first.
func (f QueueFilter) Ascending() bool { return f.Status == models.StatusPending }

// QueueRow is the part of a signature the queue shows.
type QueueRow struct {
	ID             int64
	Status         models.SignatureStatus
	Version        int
	Kind           models.SignerKind
	Name           string
	NameNorm       string
	Website        string
	WebsiteDomain  string
	OrgType        string
	Country        string
	City           string
	Email          *string
	EmailDomain    string
	Comment        string
	DomainVerified bool
	IPHMAC         *string `gorm:"column:ip_hmac"`
	ReasonCode     string
	CreatedAt      time.Time
}

// Queue lists one page of signatures, paginated by id (no OFFSET).
func (s *Store) Queue(ctx context.Context, f QueueFilter) ([]QueueRow, error) {
	q := s.conn(ctx).Model(&models.Signature{}).
		Select("id, status, version, kind, name, name_norm, website, website_domain, org_type, country, city, "+
			"email, email_domain, comment, domain_verified, ip_hmac, reason_code, created_at").
		Where("statement_id = ?", f.StatementID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Verified != nil {
		q = q.Where("domain_verified = ?", *f.Verified)
	}
	if f.From != nil {
		q = q.Where("created_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("created_at < ?", *f.To)
	}
	if term := strings.ToLower(strings.TrimSpace(f.Search)); term != "" {
		like := "%" + escapeLike(term) + "%"
		q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR name_norm LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.Ascending() {
		if f.After > 0 {
			q = q.Where("id > ?", f.After)
		}
		q = q.Order("id ASC")
	} else {
		if f.After > 0 {
			q = q.Where("id < ?", f.After)
		}
		q = q.Order("id DESC")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var out []QueueRow
	return out, db.Normalize(q.Limit(f.Limit).Scan(&out).Error)
}

// GroupCount is a number of rows sharing one value.
type GroupCount struct {
	Grp string
	N   int64
}

// CountByIPHMAC counts the signatures created since a time from each of
// the given IP HMACs, on every statement.
func (s *Store) CountByIPHMAC(ctx context.Context, hmacs []string, since time.Time) (map[string]int64, error) {
	return s.countBy(ctx, "ip_hmac", hmacs, since)
}

// CountByEmailDomain counts the signatures created since a time from each
// of the given email domains, on every statement.
func (s *Store) CountByEmailDomain(ctx context.Context, domains []string, since time.Time) (map[string]int64, error) {
	return s.countBy(ctx, "email_domain", domains, since)
}

// countBy counts by one of the two allow-listed columns above.
func (s *Store) countBy(ctx context.Context, col string, keys []string, since time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	var rows []GroupCount
	err := s.conn(ctx).Model(&models.Signature{}).
		Select(col+" AS grp, COUNT(*) AS n").
		Where(col+" IN ? AND created_at >= ?", keys, since).
		Group(col).Scan(&rows).Error
	for _, r := range rows {
		out[r.Grp] = r.N
	}
	return out, db.Normalize(err)
}

// NameCandidate is a signature name that similar-name signals compare
// against.
type NameCandidate struct {
	ID       int64
	Name     string
	NameNorm string
	Status   models.SignatureStatus
}

// NameCandidates returns the newest limit names of a statement's pending
// and approved signatures.
func (s *Store) NameCandidates(ctx context.Context, statementID int64, limit int) ([]NameCandidate, error) {
	var out []NameCandidate
	err := s.conn(ctx).Model(&models.Signature{}).
		Select("id, name, name_norm, status").
		Where("statement_id = ? AND status IN ?", statementID,
			[]models.SignatureStatus{models.StatusPending, models.StatusApproved}).
		Order("id DESC").Limit(limit).Scan(&out).Error
	return out, db.Normalize(err)
}

// EditSignature writes a signature's corrected public fields if nobody
// changed it since the caller read it (db.ErrConflict otherwise). A change
// of country of an approved signature reaches the public counts through
// the count triggers.
func (s *Store) EditSignature(ctx context.Context, sig *models.Signature, cols map[string]any) error {
	return s.Transition(ctx, sig, sig.Status, cols)
}

// SignaturesForExport returns every signature of a statement, oldest first.
func (s *Store) SignaturesForExport(ctx context.Context, statementID int64) ([]models.Signature, error) {
	var out []models.Signature
	err := s.conn(ctx).Where("statement_id = ?", statementID).Order("id").Find(&out).Error
	return out, db.Normalize(err)
}

// CountPendingSince counts, per statement, the pending signatures that
// arrived (were confirmed, or created when no confirmation was needed)
// since a time.
func (s *Store) CountPendingSince(ctx context.Context, since time.Time) (map[int64]int64, error) {
	var rows []struct {
		StatementID int64
		N           int64
	}
	err := s.conn(ctx).Model(&models.Signature{}).
		Select("statement_id, COUNT(*) AS n").
		Where("status = ? AND COALESCE(confirmed_at, created_at) >= ?", models.StatusPending, since).
		Group("statement_id").Scan(&rows).Error
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.StatementID] = r.N
	}
	return out, db.Normalize(err)
}

// ReasonCodes lists the rejection reasons, only the active ones when
// activeOnly.
func (s *Store) ReasonCodes(ctx context.Context, activeOnly bool) ([]models.ReasonCode, error) {
	q := s.conn(ctx).Order("label")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	var out []models.ReasonCode
	return out, db.Normalize(q.Find(&out).Error)
}

// ReasonCodeByCode finds a rejection reason.
func (s *Store) ReasonCodeByCode(ctx context.Context, code string) (*models.ReasonCode, error) {
	var rc models.ReasonCode
	if err := s.conn(ctx).Where("code = ?", code).Take(&rc).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &rc, nil
}

// ReasonCodeByID finds a rejection reason.
func (s *Store) ReasonCodeByID(ctx context.Context, id int64) (*models.ReasonCode, error) {
	var rc models.ReasonCode
	if err := s.conn(ctx).Take(&rc, id).Error; err != nil {
		return nil, db.Normalize(err)
	}
	return &rc, nil
}

// CreateReasonCode adds a rejection reason; a taken code is db.ErrConflict.
func (s *Store) CreateReasonCode(ctx context.Context, rc *models.ReasonCode) error {
	rc.CreatedAt = time.Now().UTC()
	return db.Normalize(s.conn(ctx).Omit("ID").Create(rc).Error)
}

// SetReasonCodeActive switches a rejection reason on or off.
func (s *Store) SetReasonCodeActive(ctx context.Context, id int64, active bool) error {
	res := s.conn(ctx).Model(&models.ReasonCode{}).Where("id = ?", id).Update("active", active)
	if res.Error == nil && res.RowsAffected == 0 {
		return db.ErrNotFound
	}
	return db.Normalize(res.Error)
}

// SwapSetting sets a setting from old to new only if it still holds old
// (or does not exist when old is ""): instances racing for a periodic job
// agree on one winner.
func (s *Store) SwapSetting(ctx context.Context, key, old, new string) (bool, error) {
	now := time.Now().UTC()
	if old == "" {
		row := models.Setting{Key: key, Value: new, UpdatedAt: now}
		res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		return res.RowsAffected == 1, db.Normalize(res.Error)
	}
	res := s.conn(ctx).Model(&models.Setting{}).Where("key = ? AND value = ?", key, old).
		Updates(map[string]any{"value": new, "updated_at": now})
	return res.RowsAffected == 1, db.Normalize(res.Error)
}

// escapeLike escapes LIKE's wildcards with a backslash (ESCAPE '\').
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// SignaturesOfStatement returns the signatures of a statement among ids,
// by id; ids of other statements are left out.
func (s *Store) SignaturesOfStatement(ctx context.Context, statementID int64, ids []int64) (map[int64]*models.Signature, error) {
	var rows []*models.Signature
	err := s.conn(ctx).Where("statement_id = ? AND id IN ?", statementID, ids).Find(&rows).Error
	if err != nil {
		return nil, db.Normalize(err)
	}
	out := make(map[int64]*models.Signature, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}
