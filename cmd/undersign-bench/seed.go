package main

import (
	"context"
	"fmt"
	"gorm.io/gorm"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

var (
	countries = []string{"DE", "FR", "GB", "US", "UA", "RU", "CN", "HK", "TW", "ES", "IT", "PL", "BR", "AR", "MX",
		"IN", "JP", "KR", "ZA", "NG", "EG", "TR", "IR", "CA", "AU", "SE", "NO", "FI", "DK", "NL", "BE", "AT", "CH",
		"CZ", "HU", "RO", "GR", "PT", "IE", "CL", "CO", "PE", "PH", "ID", "MY", "TH", "VN", "PK", "BD", "KE"}
	orgTypes = []string{"union", "party", "ngo", "collective", "media", "academic", "other"}
	words    = []string{"Workers", "Solidarity", "Socialist", "Union", "Collective", "League", "Committee", "Network",
		"Federation", "Alliance", "Council", "Circle", "Front", "Association", "Group", "Assembly"}
)

// signatureColumns are the columns the bulk seed writes.
var signatureColumns = []string{"statement_id", "kind", "status", "version", "name", "name_norm", "website",
	"website_domain", "org_type", "country", "city", "contact_name", "contact_role", "show_contact", "affiliation",
	"email", "email_domain", "comment", "domain_verified", "version_hash", "user_agent", "sends",
	"confirmed_at", "approved_at", "created_at", "updated_at"}

// approvedRow is the i-th seeded approved signature; approval times grow
// with i and spread over the last year.
func approvedRow(statementID int64, hash string, i, total int) []any {
	now := time.Now().UTC()
	at := now.Add(-365 * 24 * time.Hour).Add(time.Duration(float64(i) / float64(total+1) * float64(364*24*time.Hour)))
	name := fmt.Sprintf("%s %s %s %d", words[i%len(words)], words[(i/7)%len(words)], words[(i/53)%len(words)], i)
	domain := fmt.Sprintf("org%d.example", i)
	return []any{statementID, "organisation", "approved", 1, name, strings.ToLower(name), "https://" + domain + "/",
		domain, orgTypes[i%len(orgTypes)], countries[(i*31)%len(countries)], "City", "Contact " + fmt.Sprint(i), "",
		false, "", fmt.Sprintf("contact%d@%s", i, domain), domain, "", i%3 == 0, hash, "bench", 1,
		at, at, at, at}
}

// seedApproved adds approved signatures numbered from..to-1; the count
// triggers record them as for any approval.
func seedApproved(ctx context.Context, d *db.DB, dsn string, statementID int64, hash string, from, to, total int) error {
	var err error
	if d.Dialect == db.Postgres {
		err = copyPostgres(ctx, dsn, statementID, hash, from, to, total)
	} else {
		err = insertBatches(ctx, d, statementID, hash, from, to, total)
	}
	return err
}

func copyPostgres(ctx context.Context, dsn string, statementID int64, hash string, from, to, total int) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	i := from
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"signatures"}, signatureColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			if i >= to {
				return nil, nil
			}
			row := approvedRow(statementID, hash, i, total)
			i++
			return row, nil
		}))
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "ANALYZE signatures")
	return err
}

func insertBatches(ctx context.Context, d *db.DB, statementID int64, hash string, from, to, total int) error {
	const batch = 500
	placeholders := "(" + strings.TrimSuffix(strings.Repeat("?,", len(signatureColumns)), ",") + ")"
	for start := from; start < to; start += batch * 20 {
		err := d.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for b := start; b < min(start+batch*20, to); b += batch {
				end := min(b+batch, to)
				args := make([]any, 0, (end-b)*len(signatureColumns))
				rows := make([]string, 0, end-b)
				for i := b; i < end; i++ {
					args = append(args, approvedRow(statementID, hash, i, total)...)
					rows = append(rows, placeholders)
				}
				q := "INSERT INTO signatures (" + strings.Join(signatureColumns, ",") + ") VALUES " + strings.Join(rows, ",")
				if err := tx.Exec(q, args...).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return d.WithContext(ctx).Exec("ANALYZE").Error
}

// sampleCursors returns list cursors at about k places spread over the
// approved signatures.
func sampleCursors(ctx context.Context, d *db.DB, statementID int64, n, k int) ([]string, error) {
	var rows []struct {
		ID         int64
		ApprovedAt time.Time
	}
	step := max(n/k, 1)
	err := d.WithContext(ctx).Raw(`SELECT id, approved_at FROM signatures
		WHERE statement_id = ? AND status = 'approved' AND id % ? = 0 LIMIT ?`, statementID, step, k).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no approved signatures to take cursors from")
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = listing.Cursor{At: r.ApprovedAt, ID: r.ID}.Encode()
	}
	return out, nil
}

// challenge is a seeded CAPTCHA and its answer.
type challenge struct{ id, answer string }

// seedCaptchas stores n challenges with known digits, as if n visitors had
// loaded the form's image.
func seedCaptchas(ctx context.Context, d *db.DB, n int) ([]challenge, error) {
	out := make([]challenge, n)
	rows := make([]models.CaptchaChallenge, 0, 1000)
	exp := time.Now().UTC().Add(10 * time.Minute)
	for i := range n {
		digits := []byte{byte(i % 10), byte(i / 10 % 10), byte(i / 100 % 10), byte(i / 1000 % 10), byte(i / 10000 % 10), byte(i / 100000 % 10)}
		id := fmt.Sprintf("bench%015d", i)
		out[i] = challenge{id: id, answer: captcha.Answer(digits)}
		rows = append(rows, models.CaptchaChallenge{ID: id, Digits: digits, ExpiresAt: exp})
		if len(rows) == cap(rows) || i == n-1 {
			if err := d.WithContext(ctx).CreateInBatches(rows, 500).Error; err != nil {
				return nil, err
			}
			rows = rows[:0]
		}
	}
	return out, nil
}

// seedRows inserts n signatures made by row and returns their ids.
func seedRows(ctx context.Context, d *db.DB, n int, row func(i int) *models.Signature) ([]int64, error) {
	ids := make([]int64, 0, n)
	batch := make([]*models.Signature, 0, 500)
	for i := range n {
		batch = append(batch, row(i))
		if len(batch) == cap(batch) || i == n-1 {
			if err := d.WithContext(ctx).Omit("ID").Create(batch).Error; err != nil {
				return nil, err
			}
			for _, s := range batch {
				ids = append(ids, s.ID)
			}
			batch = batch[:0]
		}
	}
	return ids, nil
}

func benchSignature(st *models.Statement, status models.SignatureStatus, tag string, i int) *models.Signature {
	now := time.Now().UTC()
	email := fmt.Sprintf("%s-%d@bench-%s.example", tag, i, tag)
	name := fmt.Sprintf("Bench %s %d", tag, i)
	return &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: status, Version: 1,
		Name: name, NameNorm: strings.ToLower(name), Country: countries[i%len(countries)], OrgType: "union",
		Email: &email, EmailDomain: "bench-" + tag + ".example", VersionHash: st.VersionHash, Sends: 1,
		CreatedAt: now, UpdatedAt: now}
}

// seedUnconfirmed stores n unconfirmed signatures with known tokens.
func seedUnconfirmed(ctx context.Context, d *db.DB, st *models.Statement, n int) ([]string, error) {
	tokens := make([]string, n)
	exp := time.Now().UTC().Add(7 * 24 * time.Hour)
	_, err := seedRows(ctx, d, n, func(i int) *models.Signature {
		tokens[i] = keys.RandomToken(32)
		s := benchSignature(st, models.StatusUnconfirmed, "confirm", i)
		h := keys.HashToken(tokens[i])
		s.TokenHash, s.TokenExpiresAt = &h, &exp
		return s
	})
	return tokens, err
}

// seedPending stores n confirmed signatures waiting for moderation.
func seedPending(ctx context.Context, d *db.DB, st *models.Statement, n int) ([]int64, error) {
	now := time.Now().UTC()
	return seedRows(ctx, d, n, func(i int) *models.Signature {
		s := benchSignature(st, models.StatusPending, "pending", i)
		s.ConfirmedAt = &now
		return s
	})
}
