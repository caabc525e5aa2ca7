package listing

import (
	"encoding/base64"
	"testing"
	"time"
)

// FuzzDecodeCursor feeds the list's cursor parameter anything: nothing
// panics, and a string is accepted only when it is exactly what Encode
// makes of the cursor it decodes to, so that garbage gives an error.
func FuzzDecodeCursor(f *testing.F) {
	valid := Cursor{At: time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.UTC), ID: 42}.Encode()
	for _, s := range []string{
		valid, "", "x", valid + "A", valid[1:], "!!!!!!!!!!!!!!!!!!!!!!!",
		base64.RawURLEncoding.EncodeToString(append([]byte{2}, make([]byte, 16)...)),
		base64.URLEncoding.EncodeToString(make([]byte, 17)), // padded
		valid[:len(valid)-1] + "_",                          // non-canonical last character
		"' OR 1=1 --", "\x00\x00\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			if err != ErrBadCursor {
				t.Errorf("DecodeCursor(%q): %v, want ErrBadCursor", s, err)
			}
			return
		}
		if c.ID <= 0 || c.At.Before(minCursorTime) || c.At.After(maxCursorTime) || c.At.Location() != time.UTC {
			t.Errorf("DecodeCursor(%q) accepted %+v", s, c)
		}
		if again := c.Encode(); again != s {
			t.Errorf("DecodeCursor(%q) accepted a string Encode would write as %q", s, again)
		}
	})
}

// FuzzCursorRoundTrip encodes any cursor the list can make and decodes it
// back unchanged.
func FuzzCursorRoundTrip(f *testing.F) {
	f.Add(time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.UTC).UnixNano(), int64(42))
	f.Add(minCursorTime.UnixNano(), int64(1))
	f.Add(maxCursorTime.UnixNano(), int64(1<<62))
	f.Add(int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, nanos, id int64) {
		c := Cursor{At: time.Unix(0, nanos).UTC(), ID: id}
		got, err := DecodeCursor(c.Encode())
		valid := id > 0 && !c.At.Before(minCursorTime) && !c.At.After(maxCursorTime)
		switch {
		case valid && err != nil:
			t.Errorf("a cursor the list can make was refused: %+v: %v", c, err)
		case valid && (!got.At.Equal(c.At) || got.ID != c.ID):
			t.Errorf("round trip changed %+v into %+v", c, got)
		case !valid && err == nil:
			t.Errorf("a cursor out of range was accepted: %+v", c)
		}
	})
}
