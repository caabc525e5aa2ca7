package listing

import (
	"encoding/base64"
	"testing"
	"time"
)

func TestCursorRoundTripsAndRejectsForgeries(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.UTC)
	c := Cursor{At: at, ID: 42}
	got, err := DecodeCursor(c.Encode())
	if err != nil || !got.At.Equal(at) || got.ID != 42 {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	enc := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	valid := []byte(c.Encode())
	bad := []string{
		"", "x", c.Encode() + "A", c.Encode()[1:], "!!!!!!!!!!!!!!!!!!!!!!!",
		enc(append([]byte{2}, make([]byte, 16)...)), // unknown version
		enc(append([]byte{1}, make([]byte, 16)...)), // id 0, year 1970
		Cursor{At: at, ID: -1}.Encode(),
		Cursor{At: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1}.Encode(),
		base64.URLEncoding.EncodeToString(valid[:17]),
	}
	for _, s := range bad {
		if _, err := DecodeCursor(s); err == nil {
			t.Errorf("DecodeCursor(%q) accepted a cursor it did not make", s)
		}
	}
}
