package models

import "time"

// StatementTranslation is a statement's text in another language. Readers
// may read it, but only the original text is signed: signatures record the
// hash of the original (Statement.VersionHash), never of a translation.
type StatementTranslation struct {
	ID          int64
	StatementID int64
	Lang        string // BCP 47 tag, canonical form ("uk", "zh-Hans")
	Title       string
	Preface     string
	Body        string // Markdown
	VersionHash string // BodyHash of Body
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ShortHash is the first characters of the translation's body hash.
func (t *StatementTranslation) ShortHash() string { return ShortHash(t.VersionHash) }
