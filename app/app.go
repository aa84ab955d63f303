// Package app is Stint's domain: the types, validation, permissions and use cases (services)
// shared by every front end. The HTTP server, the CLI and the desktop UI all call the same
// Service methods, so they behave the same. Persistence sits behind the small interfaces in
// store.go; app imports no storage, HTTP or UI package.
package app

import (
	"github.com/google/uuid"
)

// NewID returns a fresh UUIDv7: time-ordered, born where the row is made, never renumbered.
func NewID() uuid.UUID {
	return uuid.Must(uuid.NewV7())
}

// ParseID parses a UUID from outside input, reporting a field error on failure.
func ParseID(field, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, Invalid(field, "must be a UUID")
	}
	return id, nil
}
