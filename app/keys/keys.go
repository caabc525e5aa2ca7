// Package keys derives undersign's working keys from the one secret key:
// an HMAC key for pseudonymising IP addresses and a sealing key for data
// that must not sit in the database in clear (outgoing mail with links).
package keys

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"

	"golang.org/x/crypto/hkdf"
)

// Ring holds the keys derived from the secret key.
type Ring struct {
	mac  []byte
	aead cipher.AEAD
}

// New derives a ring from secret.
func New(secret string) (*Ring, error) {
	if len(secret) < 32 {
		return nil, errors.New("secret key must be at least 32 characters")
	}
	mac := derive(secret, "undersign hmac v1")
	block, err := aes.NewCipher(derive(secret, "undersign seal v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Ring{mac: mac, aead: aead}, nil
}

func derive(secret, purpose string) []byte {
	k := make([]byte, 32)
	r := hkdf.New(sha256.New, []byte(secret), nil, []byte(purpose))
	if _, err := io.ReadFull(r, k); err != nil {
		panic(err) // hkdf can always produce 32 bytes
	}
	return k
}

// MAC returns the hex HMAC-SHA256 of value within a purpose, so that the
// same IP gives different values in different contexts.
func (r *Ring) MAC(purpose, value string) string {
	h := hmac.New(sha256.New, r.mac)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return hex.EncodeToString(h.Sum(nil))
}

// Seal encrypts and authenticates plaintext.
func (r *Ring) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, r.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return r.aead.Seal(nonce, nonce, plaintext, nil), nil
}

// Open decrypts what Seal produced.
func (r *Ring) Open(sealed []byte) ([]byte, error) {
	n := r.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed data too short")
	}
	return r.aead.Open(nil, sealed[:n], sealed[n:], nil)
}

// Settings is where a generated development key is kept.
type Settings interface {
	SettingOrInit(ctx context.Context, key, value string) (string, error)
}

// DevSecretSetting names the setting that holds the generated key.
const DevSecretSetting = "dev_secret_key" // #nosec G101 -- the name of a setting, not a credential

// DevSecret returns the development secret key kept in the database,
// generating it on first use; every instance on the database shares it.
func DevSecret(ctx context.Context, s Settings) (string, error) {
	return s.SettingOrInit(ctx, DevSecretSetting, RandomToken(32))
}

// RandomToken returns n random bytes, base64url encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the hex SHA-256 of a token, the form tokens are stored in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
