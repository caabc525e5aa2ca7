package auth

import (
	"context"
	"errors"
	"time"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
)

// SessionStorage keeps dashboard sessions in the database, shared by every
// instance. It implements fiber.Storage. Rows are keyed by the SHA-256 of
// the session id, so the table holds no usable cookie; expiry is enforced
// when reading, and Cleanup removes what expired.
type SessionStorage struct {
	store *store.Store
}

// NewSessionStorage returns the session storage over s.
func NewSessionStorage(s *store.Store) *SessionStorage { return &SessionStorage{store: s} }

// sessionTimeout bounds each storage call: fiber.Storage has no context.
const sessionTimeout = 5 * time.Second

func sessionCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), sessionTimeout)
}

// Get returns a live session's data, or nil when there is none.
func (s *SessionStorage) Get(id string) ([]byte, error) {
	if id == "" {
		return nil, nil
	}
	ctx, cancel := sessionCtx()
	defer cancel()
	data, err := s.store.SessionData(ctx, keys.HashToken(id), time.Now().UTC())
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	return data, err
}

// Set stores a session's data for exp.
func (s *SessionStorage) Set(id string, val []byte, exp time.Duration) error {
	if id == "" || len(val) == 0 {
		return nil
	}
	ctx, cancel := sessionCtx()
	defer cancel()
	return s.store.SaveSession(ctx, keys.HashToken(id), val, time.Now().UTC().Add(exp))
}

// Delete removes a session.
func (s *SessionStorage) Delete(id string) error {
	if id == "" {
		return nil
	}
	ctx, cancel := sessionCtx()
	defer cancel()
	return s.store.DeleteSession(ctx, keys.HashToken(id))
}

// Reset removes every session.
func (s *SessionStorage) Reset() error {
	ctx, cancel := sessionCtx()
	defer cancel()
	return s.store.DeleteAllSessions(ctx)
}

// Close does nothing: the database belongs to the instance.
func (s *SessionStorage) Close() error { return nil }
