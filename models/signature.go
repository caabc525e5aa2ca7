package models

import "time"

// SignatureStatus is where a signature is in moderation.
type SignatureStatus string

// Signature statuses.
const (
	StatusUnconfirmed SignatureStatus = "unconfirmed"
	StatusPending     SignatureStatus = "pending"
	StatusApproved    SignatureStatus = "approved"
	StatusRejected    SignatureStatus = "rejected"
	StatusSpam        SignatureStatus = "spam"
	StatusWithdrawn   SignatureStatus = "withdrawn"
)

// SignerKind is who signs: an organisation or a person.
type SignerKind string

// Signer kinds.
const (
	KindOrganisation SignerKind = "organisation"
	KindIndividual   SignerKind = "individual"
)

// Signature is one endorsement of a statement. Email, ContactName and the IP
// HMACs are personal data: never public, erased on withdrawal.
type Signature struct {
	ID             int64
	StatementID    int64
	Kind           SignerKind
	Status         SignatureStatus
	Version        int // optimistic lock for moderation
	Name           string
	NameNorm       string
	Website        string
	WebsiteDomain  string
	OrgType        string
	Country        string
	City           string
	ContactName    *string
	ContactRole    string
	ShowContact    bool
	Affiliation    string
	Email          *string
	EmailDomain    string
	Comment        string
	DomainVerified bool
	VersionHash    string
	// Lang is the language the signer used, for the emails to them; empty
	// for signatures older than the column.
	Lang           string
	IPHMAC         *string `gorm:"column:ip_hmac"`
	UserAgent      string
	TokenHash      *string
	TokenExpiresAt *time.Time
	Sends          int
	LastSentAt     *time.Time
	ConfirmedAt    *time.Time
	ConfirmIPHMAC  *string `gorm:"column:confirm_ip_hmac"`
	ApprovedAt     *time.Time
	DecidedAt      *time.Time
	DecidedBy      *int64
	ReasonCode     string
	ReasonNote     string
	WithdrawnAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// IsPublic tells whether the signature belongs on the public list.
func (s *Signature) IsPublic() bool { return s.Status == StatusApproved }

// ApprovedCount is the number of approved signatures of a statement from
// one country.
type ApprovedCount struct {
	StatementID int64  `gorm:"primaryKey"`
	Country     string `gorm:"primaryKey"`
	N           int64
}
