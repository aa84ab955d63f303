package app

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A first sync decodes a hundred thousand pulled rows, and encoding/json spent about as
// much of the device's time on them as SQLite did writing them: reflection, and every
// string validated twice (the page, then each row). A pulled page and a pulled time entry
// are therefore decoded here when they have the shape the server writes (jsonappend.go's
// counterpart): known keys, strings without escapes. Anything else — an escape, a key
// this build does not know, a null where a value belongs, a number that is not a plain
// integer — is left to encoding/json, so the result is always what encoding/json would
// give, errors included.

// UnmarshalJSON decodes a pulled page, as encoding/json would.
func (p *RemotePage) UnmarshalJSON(data []byte) error {
	// data is only borrowed: the rows keep slices of one copy of it.
	if q, ok := decodeRemotePage(bytes.Clone(data)); ok {
		*p = q
		return nil
	}
	type plain RemotePage
	return json.Unmarshal(data, (*plain)(p))
}

// decodeEntry decodes a pulled time entry's JSON into a zero e as json.Unmarshal would,
// falling back to it for anything decodeEntryFast does not take.
func decodeEntry(data []byte, e *TimeEntry) error {
	if decodeEntryFast(data, e) {
		return nil
	}
	*e = TimeEntry{}
	return json.Unmarshal(data, e)
}

// wire is a cursor over JSON text.
type wire struct {
	b []byte
	i int
}

func (w *wire) ws() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// byte consumes c, after white space.
func (w *wire) byte(c byte) bool {
	w.ws()
	if w.i < len(w.b) && w.b[w.i] == c {
		w.i++
		return true
	}
	return false
}

// peek is the next byte after white space, 0 at the end.
func (w *wire) peek() byte {
	w.ws()
	if w.i < len(w.b) {
		return w.b[w.i]
	}
	return 0
}

// str reads a string without escapes that is valid UTF-8, and returns its contents.
func (w *wire) str() ([]byte, bool) {
	if !w.byte('"') {
		return nil, false
	}
	start := w.i
	for w.i < len(w.b) {
		c := w.b[w.i]
		switch {
		case c == '"':
			s := w.b[start:w.i]
			w.i++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		w.i++
	}
	return nil, false
}

// literal consumes the word (null, true, false).
func (w *wire) literal(word string) bool {
	w.ws()
	if bytes.HasPrefix(w.b[w.i:], []byte(word)) {
		w.i += len(word)
		return true
	}
	return false
}

// int reads an integer as encoding/json reads one into an int64.
func (w *wire) int() (int64, bool) {
	w.ws()
	start := w.i
	for w.i < len(w.b) && (w.b[w.i] == '-' || (w.b[w.i] >= '0' && w.b[w.i] <= '9')) {
		w.i++
	}
	if w.i < len(w.b) {
		switch w.b[w.i] {
		case '.', 'e', 'E', '+':
			return 0, false
		}
	}
	v, err := strconv.ParseInt(string(w.b[start:w.i]), 10, 64)
	return v, err == nil
}

// skip passes over one value of valid JSON and returns its text.
func (w *wire) skip() ([]byte, bool) {
	w.ws()
	start, depth := w.i, 0
	for w.i < len(w.b) {
		c := w.b[w.i]
		if depth == 0 && w.i > start {
			switch c {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return w.b[start:w.i], true
			}
		}
		switch c {
		case '"':
			w.i++
			for w.i < len(w.b) && w.b[w.i] != '"' {
				if w.b[w.i] == '\\' {
					w.i++
				}
				w.i++
			}
			if w.i >= len(w.b) {
				return nil, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth < 0 {
				return nil, false
			}
		}
		w.i++
	}
	if depth != 0 || w.i == start {
		return nil, false
	}
	return w.b[start:w.i], true
}

// object reads an object, calling field for each key with the cursor at its value.
func (w *wire) object(field func(key []byte) bool) bool {
	if !w.byte('{') {
		return false
	}
	if w.byte('}') {
		return true
	}
	for {
		key, ok := w.str()
		if !ok || !w.byte(':') || !field(key) {
			return false
		}
		if w.byte('}') {
			return true
		}
		if !w.byte(',') {
			return false
		}
	}
}

// end reports whether only white space is left.
func (w *wire) end() bool {
	w.ws()
	return w.i == len(w.b)
}

func (w *wire) id(dst *uuid.UUID) bool {
	s, ok := w.str()
	return ok && dst.UnmarshalText(s) == nil
}

func (w *wire) nullID(dst **uuid.UUID) bool {
	if w.peek() == 'n' {
		*dst = nil
		return w.literal("null")
	}
	var id uuid.UUID
	if !w.id(&id) {
		return false
	}
	*dst = &id
	return true
}

func (w *wire) time(dst *time.Time) bool {
	w.ws()
	start := w.i
	if _, ok := w.str(); !ok {
		return false
	}
	return dst.UnmarshalJSON(w.b[start:w.i]) == nil
}

func (w *wire) nullTime(dst **time.Time) bool {
	if w.peek() == 'n' {
		*dst = nil
		return w.literal("null")
	}
	var t time.Time
	if !w.time(&t) {
		return false
	}
	*dst = &t
	return true
}

func (w *wire) string(dst *string) bool {
	s, ok := w.str()
	*dst = string(s)
	return ok
}

func (w *wire) bool(dst *bool) bool {
	switch w.peek() {
	case 't':
		*dst = true
		return w.literal("true")
	case 'f':
		*dst = false
		return w.literal("false")
	}
	return false
}

func (w *wire) ids(dst *[]uuid.UUID) bool {
	if w.peek() == 'n' {
		*dst = nil
		return w.literal("null")
	}
	if !w.byte('[') {
		return false
	}
	ids := []uuid.UUID{}
	if !w.byte(']') {
		for {
			var id uuid.UUID
			if !w.id(&id) {
				return false
			}
			ids = append(ids, id)
			if w.byte(']') {
				break
			}
			if !w.byte(',') {
				return false
			}
		}
	}
	*dst = ids
	return true
}

// decodeRemotePage decodes a page the way the server writes it; false leaves it to
// encoding/json. The rows' JSON are slices of data.
func decodeRemotePage(data []byte) (RemotePage, bool) {
	w := &wire{b: data}
	var p RemotePage
	ok := w.object(func(key []byte) bool {
		switch string(key) {
		case "rows":
			return w.rows(&p.Rows)
		case "cursor":
			v, ok := w.int()
			p.Cursor = v
			return ok
		case "head":
			v, ok := w.int()
			p.Head = v
			return ok
		case "more":
			return w.bool(&p.More)
		case "reset":
			return w.bool(&p.Reset)
		}
		return false
	})
	return p, ok && w.end()
}

func (w *wire) rows(dst *[]RemoteRow) bool {
	if w.peek() == 'n' {
		*dst = nil
		return w.literal("null")
	}
	if !w.byte('[') {
		return false
	}
	rows := []RemoteRow{}
	if !w.byte(']') {
		for {
			var r RemoteRow
			ok := w.object(func(key []byte) bool {
				switch string(key) {
				case "kind":
					s, ok := w.str()
					r.Kind = SyncKind(s)
					return ok
				case "id":
					return w.id(&r.ID)
				case "server_version":
					v, ok := w.int()
					r.Version = v
					return ok
				case "hlc":
					return w.string(&r.HLC)
				case "row":
					raw, ok := w.skip()
					r.Row = raw
					return ok && string(raw) != "null" // json.RawMessage keeps null; leave it to encoding/json
				}
				return false
			})
			if !ok {
				return false
			}
			rows = append(rows, r)
			if w.byte(']') {
				break
			}
			if !w.byte(',') {
				return false
			}
		}
	}
	*dst = rows
	return true
}

// decodeEntryFast decodes an entry the way the server writes it into e; false means it
// did not (e is then partly written).
func decodeEntryFast(data []byte, e *TimeEntry) bool {
	w := &wire{b: data}
	ok := w.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return w.id(&e.ID)
		case "tenant_id":
			return w.id(&e.TenantID)
		case "organization_id":
			return w.id(&e.OrganizationID)
		case "user_id":
			return w.id(&e.UserID)
		case "project_id":
			return w.nullID(&e.ProjectID)
		case "task_id":
			return w.nullID(&e.TaskID)
		case "description":
			return w.string(&e.Description)
		case "started_at":
			return w.time(&e.StartedAt)
		case "stopped_at":
			return w.nullTime(&e.StoppedAt)
		case "timezone":
			return w.string(&e.Timezone)
		case "billable":
			return w.bool(&e.Billable)
		case "source":
			var s string
			ok := w.string(&s)
			e.Source = EntrySource(s)
			return ok
		case "tag_ids":
			return w.ids(&e.TagIDs)
		case "version":
			v, ok := w.int()
			e.Version = v
			return ok
		case "created_at":
			return w.time(&e.CreatedAt)
		case "updated_at":
			return w.time(&e.UpdatedAt)
		case "deleted_at":
			return w.nullTime(&e.DeletedAt)
		}
		return false
	})
	return ok && w.end()
}

// decodeHeader decodes a pushed row's header into a zero h as json.Unmarshal would: every
// pushed mutation's row is checked for it before its entity's decoder reads the row again,
// and encoding/json cost a drain of 20,000 entries a good part of what decoding them did.
func decodeHeader(data []byte, h *pushedHeader) error {
	if decodeHeaderFast(data, h) {
		return nil
	}
	*h = pushedHeader{}
	return json.Unmarshal(data, h)
}

// decodeHeaderFast reads id and organization_id out of a valid JSON object, passing over
// the other keys' values; false (h then partly written) leaves it to encoding/json: a
// value of another shape, a key twice, an escaped key, or a key that matches one of the
// two only in another case, as encoding/json matches them.
func decodeHeaderFast(data []byte, h *pushedHeader) bool {
	if !json.Valid(data) {
		return false
	}
	w := &wire{b: data}
	var id, org bool
	ok := w.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			if id {
				return false
			}
			id = true
			return w.id(&h.ID)
		case "organization_id":
			if org {
				return false
			}
			org = true
			return w.id(&h.OrganizationID)
		}
		if bytes.EqualFold(key, []byte("id")) || bytes.EqualFold(key, []byte("organization_id")) {
			return false
		}
		_, ok := w.skip()
		return ok
	})
	return ok && w.end()
}
