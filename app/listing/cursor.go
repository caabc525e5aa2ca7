package listing

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Cursor marks the last signatory of a page: the next page starts after it
// in (approved_at DESC, id DESC) order. Signatures approved meanwhile sort
// before it, so they never shift the pages that follow.
type Cursor struct {
	At time.Time
	ID int64
}

const cursorVersion = 1

// cursorLen is a version byte, the approval time in Unix nanoseconds and
// the id.
const cursorLen = 1 + 8 + 8

// ErrBadCursor is returned for a cursor this package did not make.
var ErrBadCursor = errors.New("invalid cursor")

// Encode returns the cursor in its opaque, URL-safe form.
func (c Cursor) Encode() string {
	var b [cursorLen]byte
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(c.At.UnixNano())) // #nosec G115 -- round-trips through DecodeCursor
	binary.BigEndian.PutUint64(b[9:], uint64(c.ID))             // #nosec G115 -- ids are positive
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Approval times a cursor may carry: anything outside is not ours.
var (
	minCursorTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxCursorTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// DecodeCursor reads a cursor made by Encode and rejects anything else.
func DecodeCursor(s string) (Cursor, error) {
	if len(s) != base64.RawURLEncoding.EncodedLen(cursorLen) {
		return Cursor{}, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != cursorLen || b[0] != cursorVersion {
		return Cursor{}, ErrBadCursor
	}
	nanos := int64(binary.BigEndian.Uint64(b[1:9])) // #nosec G115 -- range checked below
	id := int64(binary.BigEndian.Uint64(b[9:]))     // #nosec G115 -- range checked below
	at := time.Unix(0, nanos).UTC()
	if id <= 0 || at.Before(minCursorTime) || at.After(maxCursorTime) {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{At: at, ID: id}, nil
}
