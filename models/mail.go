package models

import "time"

// OutboxStatus is the delivery state of an outbox message.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending OutboxStatus = "pending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
)

// OutboxMessage is an email written in the same transaction as the change
// that caused it, and sent later by the mail worker.
type OutboxMessage struct {
	ID            int64
	Kind          string
	Recipient     string
	Payload       []byte // sealed rendered message; nil once sent
	Status        OutboxStatus
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   *time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// TableName keeps the table name singular-free and short.
func (OutboxMessage) TableName() string { return "outbox" }

// CaptchaChallenge is a CAPTCHA's expected digits, shared by every instance.
type CaptchaChallenge struct {
	ID        string `gorm:"primaryKey"`
	Digits    []byte
	ExpiresAt time.Time
}

// RateCounter counts events of one key in one fixed window.
type RateCounter struct {
	Key         string    `gorm:"primaryKey"`
	WindowStart time.Time `gorm:"primaryKey"`
	N           int
	ExpiresAt   time.Time
}
