package app

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/internal/jsonwire"
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

// wire is a cursor over JSON text, with the readers of the types a pulled row holds.
type wire struct{ jsonwire.Reader }

func (w *wire) nullID(dst **uuid.UUID) bool {
	if w.Peek() == 'n' {
		*dst = nil
		return w.Literal("null")
	}
	var id uuid.UUID
	if !w.ID(&id) {
		return false
	}
	*dst = &id
	return true
}

func (w *wire) time(dst *time.Time) bool {
	q, ok := w.Quoted()
	return ok && dst.UnmarshalJSON(q) == nil
}

func (w *wire) nullTime(dst **time.Time) bool {
	if w.Peek() == 'n' {
		*dst = nil
		return w.Literal("null")
	}
	var t time.Time
	if !w.time(&t) {
		return false
	}
	*dst = &t
	return true
}

func (w *wire) string(dst *string) bool {
	s, ok := w.Str()
	*dst = string(s)
	return ok
}

func (w *wire) bool(dst *bool) bool {
	switch w.Peek() {
	case 't':
		*dst = true
		return w.Literal("true")
	case 'f':
		*dst = false
		return w.Literal("false")
	}
	return false
}

func (w *wire) ids(dst *[]uuid.UUID) bool {
	if w.Peek() == 'n' {
		*dst = nil
		return w.Literal("null")
	}
	ids := []uuid.UUID{}
	ok := w.Array(func() bool {
		var id uuid.UUID
		ids = append(ids, id)
		return w.ID(&ids[len(ids)-1])
	})
	*dst = ids
	return ok
}

// decodeRemotePage decodes a page the way the server writes it; false leaves it to
// encoding/json. The rows' JSON are slices of data.
func decodeRemotePage(data []byte) (RemotePage, bool) {
	w := &wire{jsonwire.Reader{B: data}}
	var p RemotePage
	ok := w.Object(func(key []byte) bool {
		switch string(key) {
		case "rows":
			return w.rows(&p.Rows)
		case "cursor":
			v, ok := w.Int()
			p.Cursor = v
			return ok
		case "head":
			v, ok := w.Int()
			p.Head = v
			return ok
		case "more":
			return w.bool(&p.More)
		case "reset":
			return w.bool(&p.Reset)
		}
		return false
	})
	return p, ok && w.End()
}

func (w *wire) rows(dst *[]RemoteRow) bool {
	if w.Peek() == 'n' {
		*dst = nil
		return w.Literal("null")
	}
	rows := []RemoteRow{}
	ok := w.Array(func() bool {
		var r RemoteRow
		ok := w.Object(func(key []byte) bool {
			switch string(key) {
			case "kind":
				s, ok := w.Str()
				r.Kind = SyncKind(s)
				return ok
			case "id":
				return w.ID(&r.ID)
			case "server_version":
				v, ok := w.Int()
				r.Version = v
				return ok
			case "hlc":
				return w.string(&r.HLC)
			case "row":
				raw, ok := w.Skip()
				r.Row = raw
				return ok && string(raw) != "null" // json.RawMessage keeps null; leave it to encoding/json
			}
			return false
		})
		rows = append(rows, r)
		return ok
	})
	*dst = rows
	return ok
}

// decodeEntryFast decodes an entry the way the server writes it into e; false means it
// did not (e is then partly written).
func decodeEntryFast(data []byte, e *TimeEntry) bool {
	w := &wire{jsonwire.Reader{B: data}}
	ok := w.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return w.ID(&e.ID)
		case "tenant_id":
			return w.ID(&e.TenantID)
		case "organization_id":
			return w.ID(&e.OrganizationID)
		case "user_id":
			return w.ID(&e.UserID)
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
			v, ok := w.Int()
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
	return ok && w.End()
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
	w := &wire{jsonwire.Reader{B: data}}
	var id, org bool
	ok := w.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			if id {
				return false
			}
			id = true
			return w.ID(&h.ID)
		case "organization_id":
			if org {
				return false
			}
			org = true
			return w.ID(&h.OrganizationID)
		}
		if bytes.EqualFold(key, []byte("id")) || bytes.EqualFold(key, []byte("organization_id")) {
			return false
		}
		_, ok := w.Skip()
		return ok
	})
	return ok && w.End()
}
