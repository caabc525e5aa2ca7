// Package models holds undersign's persistent types and their pure methods.
// It imports nothing from the module; storing them is app/store's job.
package models

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// StatementStatus is where a statement is in its life.
type StatementStatus string

// Statement statuses.
const (
	StatementDraft  StatementStatus = "draft"
	StatementOpen   StatementStatus = "open"
	StatementClosed StatementStatus = "closed"
)

// Valid tells whether s is a known status.
func (s StatementStatus) Valid() bool {
	return s == StatementDraft || s == StatementOpen || s == StatementClosed
}

// Statement is a public text that organisations co-sign.
type Statement struct {
	ID                   int64
	Slug                 string
	Title                string
	Author               string
	Lang                 string
	PublishedOn          *time.Time
	Preface              string
	Body                 string // Markdown
	VersionHash          string // Hash of the current Body
	Status               StatementStatus
	AcceptsOrganisations bool
	AcceptsIndividuals   bool
	RequiresModeration   bool
	OpensAt              *time.Time
	ClosesAt             *time.Time
	EmbargoUntil         *time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// IsPublic tells whether the public may read the statement.
func (s *Statement) IsPublic() bool { return s.Status != StatementDraft }

// AcceptsSignatures tells whether the statement takes new signatures at now.
func (s *Statement) AcceptsSignatures(now time.Time) bool {
	if s.Status != StatementOpen {
		return false
	}
	if s.OpensAt != nil && now.Before(*s.OpensAt) {
		return false
	}
	return s.ClosesAt == nil || now.Before(*s.ClosesAt)
}

// ListHidden tells whether the public list is under embargo at now.
func (s *Statement) ListHidden(now time.Time) bool {
	return s.EmbargoUntil != nil && now.Before(*s.EmbargoUntil)
}

// ShortHash is the first characters of the version hash, for display.
func (s *Statement) ShortHash() string { return ShortHash(s.VersionHash) }

// StatementVersion is one text a statement has had. Signatures record the
// hash of the version they were given to sign.
type StatementVersion struct {
	ID          int64
	StatementID int64
	Hash        string
	Title       string
	Body        string
	CreatedAt   time.Time
}

// Setting is an instance-wide value shared by every instance.
type Setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}

// CanonicalBody normalises a Markdown body so that editors' whitespace
// habits (CRLF, trailing spaces, surrounding blank lines) do not make a new
// version: only a change a reader could see does.
func CanonicalBody(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

// BodyHash is the hex SHA-256 of the canonical body.
func BodyHash(body string) string {
	sum := sha256.Sum256([]byte(CanonicalBody(body)))
	return hex.EncodeToString(sum[:])
}

// ShortHash shortens a hex hash for display.
func ShortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
