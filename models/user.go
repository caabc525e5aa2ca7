package models

import "time"

// Role is what a dashboard user may do.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RoleModerator Role = "moderator"
)

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleModerator }

// User is a moderator or an admin of the dashboard.
type User struct {
	ID              int64
	Email           string
	Role            Role
	PasswordHash    string
	TOTPSecret      string `gorm:"column:totp_secret"`
	TOTPEnabled     bool   `gorm:"column:totp_enabled"`
	TOTPLastCounter int64  `gorm:"column:totp_last_counter"`
	DisabledAt      *time.Time
	LastLoginAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Active tells whether the user may log in.
func (u *User) Active() bool { return u.DisabledAt == nil }

// IsAdmin tells whether the user is an admin.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// UserToken is an invite or a password-reset token; only its hash is kept.
type UserToken struct {
	ID        int64
	Kind      string
	TokenHash string
	UserID    *int64
	Email     string
	Role      Role
	CreatedBy *int64
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// RecoveryCode is a single-use second-factor code; only its hash is kept.
type RecoveryCode struct {
	ID       int64
	UserID   int64
	CodeHash string
	UsedAt   *time.Time
}

// Session is a stored dashboard session, keyed by the hash of its id.
type Session struct {
	KeyHash   string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt time.Time
}

// ReasonCode is an admin-managed reason for rejecting a signature.
type ReasonCode struct {
	ID        int64
	Code      string
	Label     string
	Active    bool
	CreatedAt time.Time
}

// AuditEvent records one decision or change; rows are never updated.
type AuditEvent struct {
	ID          int64
	ActorID     *int64
	ActorEmail  string
	Action      string
	TargetType  string
	TargetID    *int64
	StatementID *int64
	BeforeJSON  string `gorm:"column:before_json"`
	AfterJSON   string `gorm:"column:after_json"`
	IPHMAC      string `gorm:"column:ip_hmac"`
	CreatedAt   time.Time
}
