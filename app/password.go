package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordHasher hashes and verifies passwords.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Argon2id hashes passwords with argon2id and encodes them in the PHC string format, so
// parameters can be raised later without breaking stored hashes.
type Argon2id struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordHasher returns argon2id with OWASP's recommended parameters
// (19 MiB, 2 passes, 1 lane).
func DefaultPasswordHasher() Argon2id {
	return Argon2id{Memory: 19 * 1024, Time: 2, Threads: 1}
}

const argonKeyLen = 32

// Hash returns the PHC-encoded argon2id hash of password with a fresh salt.
func (a Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, a.Time, a.Memory, a.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, a.Memory, a.Time,
		a.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks password against a PHC-encoded hash using the parameters stored in it.
func (a Argon2id) Verify(password, encoded string) (bool, error) {
	p, salt, key, err := ParsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

var errBadPHC = errors.New("malformed argon2id hash")

// ParsePHC decodes "$argon2id$v=19$m=…,t=…,p=…$salt$key". It bounds the parameters so a
// corrupted or hostile row cannot make verification allocate without limit.
func ParsePHC(s string) (Argon2id, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Argon2id{}, nil, nil, errBadPHC
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Argon2id{}, nil, nil, errBadPHC
	}
	var p Argon2id
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 {
		return Argon2id{}, nil, nil, errBadPHC
	}
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 16 || threads < 1 || threads > 16 {
		return Argon2id{}, nil, nil, errBadPHC
	}
	p.Threads = uint8(threads)
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return Argon2id{}, nil, nil, errBadPHC
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Argon2id{}, nil, nil, errBadPHC
	}
	return p, salt, key, nil
}
