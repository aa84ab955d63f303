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
	"sync"
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

// jsonFormat is huma's JSON format with the strict decoder, which keeps what it learns of
// the body types in types.
func jsonFormat(types *jsonTypes) huma.Format {
	return huma.Format{Marshal: huma.DefaultJSONFormat.Marshal, Unmarshal: types.unmarshal}
}

// jsonTypes remembers the fields of each struct type the strict decoder has checked keys
// against (jsonFields), for every later body: working them out again costs a create more
// than the rest of the key check.
type jsonTypes struct {
	fields sync.Map // reflect.Type → map[string]jsonField
}

func (c *jsonTypes) fieldsOf(t reflect.Type) map[string]jsonField {
	if f, ok := c.fields.Load(t); ok {
		return f.(map[string]jsonField)
	}
	f := jsonFields(t)
	c.fields.Store(t, f)
	return f
}

// strictUnmarshal is json.Unmarshal for bodies that are valid UTF-8, have no unpaired
// surrogate escapes, no key twice in one object (for a struct compared case-insensitively,
// as encoding/json matches them to fields), and no key that matches a struct field only
// case-insensitively. huma calls it twice: into any to validate, then into the body's type.
func strictUnmarshal(data []byte, v any) error {
	return new(jsonTypes).unmarshal(data, v)
}

// unmarshal is strictUnmarshal with the fields of struct types kept in c.
func (c *jsonTypes) unmarshal(data []byte, v any) error {
	if !utf8.Valid(data) {
		return strictError("is not valid UTF-8")
	}
	var t reflect.Type
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		t = rv.Type().Elem()
	}
	if json.Valid(data) {
		// Well-formed: the keys are checked in one pass over the bytes (jsonScan).
		// The decoder's tokens below say the same and cost a push of 500 rows several
		// times its decoding.
		sc := jsonScan{data: data, types: c}
		if err := sc.value(t); err != nil {
			return err
		}
	} else {
		// Malformed: the decoder's walk finds what is wrong, or a key error before it.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := checkJSONValue(dec, t); err != nil {
			return err
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return errors.New("invalid character after top-level value")
		}
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
	o := newObjectKeys(t, jsonFields)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		next, err := o.key(key)
		if err != nil {
			return err
		}
		if err := checkJSONValue(dec, next); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// objectKeys checks the keys of one object as they come, for a value of type t.
type objectKeys struct {
	fields map[string]jsonField
	elem   reflect.Type
	seen   map[string]string // compared key → key as sent
}

func newObjectKeys(t reflect.Type, fieldsOf func(reflect.Type) map[string]jsonField) objectKeys {
	o := objectKeys{seen: map[string]string{}}
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			o.fields = fieldsOf(t)
		case reflect.Map:
			o.elem = t.Elem()
		}
	}
	return o
}

// key checks the next key and returns the type its value will be decoded into (nil when
// not known). Keys are compared as encoding/json will match them: case-insensitively for a
// struct, exactly for a map or a value of unknown type.
func (o objectKeys) key(key string) (reflect.Type, error) {
	fk := key
	if o.fields != nil {
		fk = foldKey(key)
	}
	if prev, dup := o.seen[fk]; dup {
		if prev == key {
			return nil, strictError("key %s appears twice", quoteKey(key))
		}
		return nil, strictError("keys %s and %s differ only in case", quoteKey(prev), quoteKey(key))
	}
	o.seen[fk] = key
	next := o.elem
	if f, ok := o.fields[fk]; ok {
		if f.name != key {
			return nil, strictError("key %s must be spelled %s", quoteKey(key), quoteKey(f.name))
		}
		next = f.typ
	}
	return next, nil
}

// jsonScan is checkJSONValue over bytes already known to be valid JSON: the same key
// checks in the same order, with the keys read off the bytes instead of out of decoder
// tokens, and the fields of struct types from types.
type jsonScan struct {
	data  []byte
	i     int
	types *jsonTypes
}

func (s *jsonScan) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value checks the value at s.i and moves past it.
func (s *jsonScan) value(t reflect.Type) error {
	s.skipSpace()
	switch s.data[s.i] {
	case '{':
		return s.object(plainType(t))
	case '[':
		var elem reflect.Type
		if t = plainType(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		s.i++
		for {
			s.skipSpace()
			if s.data[s.i] == ']' {
				s.i++
				return nil
			}
			if s.data[s.i] == ',' {
				s.i++
			}
			if err := s.value(elem); err != nil {
				return err
			}
		}
	case '"':
		s.str()
	default: // a number, true, false or null
		for s.i < len(s.data) && !strings.ContainsRune(",]} \t\n\r", rune(s.data[s.i])) {
			s.i++
		}
	}
	return nil
}

func (s *jsonScan) object(t reflect.Type) error {
	o := newObjectKeys(t, s.types.fieldsOf)
	s.i++
	for {
		s.skipSpace()
		switch s.data[s.i] {
		case '}':
			s.i++
			return nil
		case ',':
			s.i++
			s.skipSpace()
		}
		raw := s.str()
		key := string(raw[1 : len(raw)-1])
		if bytes.IndexByte(raw, '\\') >= 0 {
			if err := json.Unmarshal(raw, &key); err != nil {
				return err
			}
		}
		next, err := o.key(key)
		if err != nil {
			return err
		}
		s.skipSpace()
		s.i++ // the colon
		if err := s.value(next); err != nil {
			return err
		}
	}
}

// str moves past the string at s.i and returns it with its quotes.
func (s *jsonScan) str() []byte {
	start := s.i
	for s.i++; s.data[s.i] != '"'; s.i++ {
		if s.data[s.i] == '\\' {
			s.i++
		}
	}
	s.i++
	return s.data[start:s.i]
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

// foldKey maps keys that strings.EqualFold considers equal to one string: each rune to the
// least of those it folds to. Of an ASCII letter's, that is its upper case (k, K and the
// Kelvin sign give K), so an ASCII key is upper-cased without looking runes up.
func foldKey(s string) string {
	ascii, lower := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		lower = lower || ('a' <= c && c <= 'z')
	}
	if ascii {
		if !lower {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'a' <= c && c <= 'z' {
				b[i] = c - ('a' - 'A')
			}
		}
		return string(b)
	}
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
