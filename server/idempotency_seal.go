package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/stinthq/stint/app"
)

// A recorded first response can hold a secret shown only once: a new API token, an
// invitation code. The record keeps neither the Idempotency-Key nor the answer in the clear,
// so a copy of the database (a backup, a replica, a stolen disk) reveals neither: the record
// is found by a hash of the key, and the answer is sealed (AES-256-GCM) with a second key
// derived from it, which only the client that holds the Idempotency-Key can present again.
// The request's fingerprint is an HMAC under a third derived key, so it does not give away
// the request body (a member's password, say) to a guess either. A key is as strong as the
// client makes it: UUIDs, as clients usually send, are out of reach of guessing.

// sealedPrefix marks a record's key as the hash of the Idempotency-Key.
const sealedPrefix = "s1:"

// idemSeal is what one Idempotency-Key derives: the record's id, the sealing cipher and the
// fingerprint key.
type idemSeal struct {
	id   string
	aead cipher.AEAD
	mac  []byte
}

// sealFor derives the seal of an Idempotency-Key.
func sealFor(key string) idemSeal {
	derive := func(purpose string) []byte {
		h := sha256.New()
		h.Write([]byte("stint idempotency " + purpose + "\x00"))
		h.Write([]byte(key))
		return h.Sum(nil)
	}
	block, err := aes.NewCipher(derive("seal"))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return idemSeal{
		id:   sealedPrefix + base64.RawURLEncoding.EncodeToString(derive("id")),
		aead: aead,
		mac:  derive("request"),
	}
}

// seal encrypts a response body for the record: nonce, then ciphertext and tag. The record's
// id is the additional data, so a sealed body cannot be moved to another record.
func (s idemSeal) seal(body []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(body)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return s.aead.Seal(nonce, nonce, body, []byte(s.id))
}

// open decrypts a sealed body.
func (s idemSeal) open(sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("idempotency record: sealed body too short")
	}
	body, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(s.id))
	if err != nil {
		return nil, errors.New("idempotency record: sealed body does not open with this key")
	}
	return body, nil
}

// requestHash identifies a request for replay: method, path with query, organization and
// body, under the key's fingerprint key. A key reused for anything else is refused rather
// than answered with the wrong record.
func (s idemSeal) requestHash(method, target string, a app.Actor, body []byte) []byte {
	h := hmac.New(sha256.New, s.mac)
	for _, part := range []string{method, target, a.OrgID.String()} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return h.Sum(nil)
}
