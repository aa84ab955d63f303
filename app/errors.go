package app

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Front ends map them to their own vocabulary (HTTP status, CLI exit code,
// dialog text); their wrapped text is for logs.
var (
	// ErrNotFound: the row does not exist or is not visible to the caller (another tenant,
	// another organization, another member's entry). Never distinguish the two.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request cannot be applied to the current state (duplicate, nothing running…).
	ErrConflict = errors.New("conflict")
	// ErrPrecondition: the caller's expected version does not match the stored one.
	ErrPrecondition = errors.New("version mismatch")
	// ErrForbidden: the caller is a member of the organization but its role does not allow this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: missing, unknown, expired or revoked credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnavailable: the store cannot reach its database (a server down, a connection
	// refused or cut). Nothing was kept; the same request may succeed once it is back.
	ErrUnavailable = errors.New("store unavailable")
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of one input.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Invalid returns a ValidationError for a single field.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// ConflictError is ErrConflict with a message that is safe to show to the user.
type ConflictError struct{ Message string }

func (e *ConflictError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Conflict returns a ConflictError with a user-facing message.
func Conflict(format string, args ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, args...)}
}

// checker accumulates field errors so one response names every invalid field.
type checker struct{ fields []FieldError }

func (c *checker) add(field, format string, args ...any) {
	c.fields = append(c.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) check(ok bool, field, format string, args ...any) {
	if !ok {
		c.add(field, format, args...)
	}
}

func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.fields}
}
