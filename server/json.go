package server

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// Request bodies are decoded strictly. encoding/json, which huma uses by default, replaces
// invalid UTF-8 and unpaired surrogates with U+FFFD, lets the last of two equal keys win and
// matches keys to fields case-insensitively, so a body could mean something other than what
// any reader of it sees. strictUnmarshal refuses such bodies instead: huma answers 400, and
// humaProblem names the problem.

// strictPrefix starts every error strictUnmarshal makes about a body that is valid JSON
// syntax but not acceptable; humaProblem recognises it.
const strictPrefix = "request body: "

// jsonFormat is huma's JSON format with the strict decoder.
func jsonFormat() huma.Format {
	return huma.Format{Marshal: huma.DefaultJSONFormat.Marshal, Unmarshal: strictUnmarshal}
}

// strictUnmarshal is json.Unmarshal for bodies that are valid UTF-8, have no unpaired
// surrogate escapes, no key twice in one object (for a struct compared case-insensitively,
// as encoding/json matches them to fields), and no key that matches a struct field only
// case-insensitively. huma calls it twice: into any to validate, then into the body's type.
func strictUnmarshal(data []byte, v any) error {
	if !utf8.Valid(data) {
		return strictError("is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var t reflect.Type
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		t = rv.Type().Elem()
	}
	if err := checkJSONValue(dec, t); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("invalid character after top-level value")
	}
	if err := checkSurrogates(data); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func strictError(format string, args ...any) error {
	return fmt.Errorf(strictPrefix+format, args...)
}

// checkJSONValue reads one value from dec; t is the Go type it will be decoded into, or
// nil when that is not known (any, or a type with its own UnmarshalJSON).
func checkJSONValue(dec *json.Decoder, t reflect.Type) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	t = plainType(t)
	switch d {
	case '{':
		return checkJSONObject(dec, t)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := checkJSONValue(dec, elem); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

func checkJSONObject(dec *json.Decoder, t reflect.Type) error {
	var fields map[string]jsonField
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	// Keys are compared as encoding/json will match them: case-insensitively for a struct,
	// exactly for a map or a value of unknown type.
	seen := map[string]string{} // compared key → key as sent
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		fk := key
		if fields != nil {
			fk = foldKey(key)
		}
		if prev, dup := seen[fk]; dup {
			if prev == key {
				return strictError("key %s appears twice", quoteKey(key))
			}
			return strictError("keys %s and %s differ only in case", quoteKey(prev), quoteKey(key))
		}
		seen[fk] = key
		next := elem
		if f, ok := fields[fk]; ok {
			if f.name != key {
				return strictError("key %s must be spelled %s", quoteKey(key), quoteKey(f.name))
			}
			next = f.typ
		}
		if err := checkJSONValue(dec, next); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields maps the folded JSON names of t's fields, promoted ones included, to the
// names as declared.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				if ft := plainType(f.Type); ft != nil && ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, ok := out[foldKey(name)]; !ok {
				out[foldKey(name)] = jsonField{name: name, typ: f.Type}
			}
		}
	}
	walk(t)
	return out
}

// plainType dereferences t; it is nil for types that decode themselves (their keys are
// theirs to judge) and for interfaces.
func plainType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(reflect.TypeFor[json.Unmarshaler]()) || pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		return nil
	}
	return t
}

// foldKey maps keys that strings.EqualFold considers equal to one string.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		return min
	}, s)
}

// quoteKey quotes a key for an error message, cut to a readable length.
func quoteKey(k string) string {
	if utf8.RuneCountInString(k) > 64 {
		k = string([]rune(k)[:64]) + "…"
	}
	b, _ := json.Marshal(k)
	return string(b)
}

// checkSurrogates refuses \u escapes that encode half of a UTF-16 surrogate pair without
// the other half: they stand for no character. Backslashes occur only inside strings in
// JSON that has already been checked, so every one starts an escape.
func checkSurrogates(data []byte) error {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		i++
		if i >= len(data) || data[i] != 'u' {
			continue
		}
		r := hex4(data, i+1)
		i += 4
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if i+6 < len(data) && data[i+1] == '\\' && data[i+2] == 'u' {
				if lo := hex4(data, i+3); lo >= 0xdc00 && lo < 0xe000 {
					i += 6
					continue
				}
			}
			return strictError("has an unpaired UTF-16 surrogate escape")
		case r >= 0xdc00 && r < 0xe000:
			return strictError("has an unpaired UTF-16 surrogate escape")
		}
	}
	return nil
}

// hex4 reads four hex digits at data[i:]; -1 if they are not there.
func hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}
