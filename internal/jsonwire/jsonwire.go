// Package jsonwire is a cursor over JSON text for the decoders of sync's hot paths: the
// server reading a pushed batch and a device reading a pulled page. Those decoders take
// only the shape Stint itself writes (known keys, strings without escapes, plain integers)
// and leave anything else to encoding/json, so every method answers false rather than
// guess at a form it does not read.
package jsonwire

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Reader reads JSON text from the start of B.
type Reader struct {
	B []byte
	I int
}

// New returns a Reader at the start of b.
func New(b []byte) *Reader { return &Reader{B: b} }

// WS passes over white space.
func (r *Reader) WS() {
	for r.I < len(r.B) {
		switch r.B[r.I] {
		case ' ', '\t', '\n', '\r':
			r.I++
		default:
			return
		}
	}
}

// Byte consumes c, after white space.
func (r *Reader) Byte(c byte) bool {
	r.WS()
	if r.I < len(r.B) && r.B[r.I] == c {
		r.I++
		return true
	}
	return false
}

// Peek is the next byte after white space, 0 at the end.
func (r *Reader) Peek() byte {
	r.WS()
	if r.I < len(r.B) {
		return r.B[r.I]
	}
	return 0
}

// End reports whether only white space is left.
func (r *Reader) End() bool {
	r.WS()
	return r.I == len(r.B)
}

// Str reads a string without escapes that is valid UTF-8, and returns its contents (a
// slice of B).
func (r *Reader) Str() ([]byte, bool) {
	if !r.Byte('"') {
		return nil, false
	}
	start := r.I
	for r.I < len(r.B) {
		c := r.B[r.I]
		switch {
		case c == '"':
			s := r.B[start:r.I]
			r.I++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		r.I++
	}
	return nil, false
}

// Quoted reads a string as Str does and returns it with its quotes, as an UnmarshalJSON
// method takes it.
func (r *Reader) Quoted() ([]byte, bool) {
	r.WS()
	start := r.I
	if _, ok := r.Str(); !ok {
		return nil, false
	}
	return r.B[start:r.I], true
}

// Literal consumes word (null, true, false).
func (r *Reader) Literal(word string) bool {
	r.WS()
	if bytes.HasPrefix(r.B[r.I:], []byte(word)) {
		r.I += len(word)
		return true
	}
	return false
}

// Int reads an integer as encoding/json reads one into an int64: no fraction, no exponent.
func (r *Reader) Int() (int64, bool) {
	r.WS()
	start := r.I
	for r.I < len(r.B) && (r.B[r.I] == '-' || (r.B[r.I] >= '0' && r.B[r.I] <= '9')) {
		r.I++
	}
	if r.I < len(r.B) {
		switch r.B[r.I] {
		case '.', 'e', 'E', '+':
			return 0, false
		}
	}
	v, err := strconv.ParseInt(string(r.B[start:r.I]), 10, 64)
	return v, err == nil
}

// ID reads a UUID in any form its UnmarshalText takes, as encoding/json reads one.
func (r *Reader) ID(dst *uuid.UUID) bool {
	s, ok := r.Str()
	return ok && dst.UnmarshalText(s) == nil
}

// Skip passes over one value of valid JSON and returns its text (a slice of B).
func (r *Reader) Skip() ([]byte, bool) {
	r.WS()
	start, depth := r.I, 0
	for r.I < len(r.B) {
		c := r.B[r.I]
		if depth == 0 && r.I > start {
			switch c {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return r.B[start:r.I], true
			}
		}
		switch c {
		case '"':
			r.I++
			for r.I < len(r.B) && r.B[r.I] != '"' {
				if r.B[r.I] == '\\' {
					r.I++
				}
				r.I++
			}
			if r.I >= len(r.B) {
				return nil, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth < 0 {
				return nil, false
			}
		}
		r.I++
	}
	if depth != 0 || r.I == start {
		return nil, false
	}
	return r.B[start:r.I], true
}

// Object reads an object, calling field for each key (a string without escapes) with the
// cursor at its value; field reads the value and reports whether to go on.
func (r *Reader) Object(field func(key []byte) bool) bool {
	if !r.Byte('{') {
		return false
	}
	if r.Byte('}') {
		return true
	}
	for {
		key, ok := r.Str()
		if !ok || !r.Byte(':') || !field(key) {
			return false
		}
		if r.Byte('}') {
			return true
		}
		if !r.Byte(',') {
			return false
		}
	}
}

// Array reads an array, calling elem with the cursor at each element; elem reads it and
// reports whether to go on.
func (r *Reader) Array(elem func() bool) bool {
	if !r.Byte('[') {
		return false
	}
	if r.Byte(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if r.Byte(']') {
			return true
		}
		if !r.Byte(',') {
			return false
		}
	}
}
