package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h := HashPassword("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry the OWASP parameters", h)
	}
	if h == HashPassword("correct horse battery staple") {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := VerifyPassword(h, pw); ok != want || err != nil {
			t.Errorf("verify %q: %v %v", pw, ok, err)
		}
	}
	if _, err := VerifyPassword("$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA", "x"); err == nil {
		t.Error("an absurd memory parameter was accepted")
	}
	if CheckPassword("eleven char") == nil || CheckPassword("twelve chars") != nil {
		t.Error("the 12-character minimum is not enforced")
	}
}
