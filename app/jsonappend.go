package app

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The list of time entries is the API's largest and most frequent response. encoding/json
// spends most of its time there on reflection and on re-validating what time.Time and
// uuid.UUID marshal, so a page of entries is appended directly instead, byte for byte as
// encoding/json writes it without HTML escaping (as the API encodes responses). Whatever the
// appender cannot write exactly so (a time outside the years 0–9999, which encoding/json
// refuses) is reported, and the caller falls back to encoding/json.

// AppendJSON appends the page as encoding/json would encode it with HTML escaping off (no
// trailing newline) and reports true, or reports false when it has no appender for T or
// the page holds a value only encoding/json can judge; then b is returned unchanged.
func (p Page[T]) AppendJSON(b []byte) ([]byte, bool) {
	items, ok := any(p.Items).([]TimeEntry)
	if !ok {
		return b, false
	}
	out := append(b, `{"items":`...)
	if items == nil {
		out = append(out, "null"...)
	} else {
		out = append(out, '[')
		for i := range items {
			if i > 0 {
				out = append(out, ',')
			}
			if out, ok = items[i].appendJSON(out); !ok {
				return b, false
			}
		}
		out = append(out, ']')
	}
	out = append(out, `,"next_cursor":`...)
	out = appendJSONString(out, p.NextCursor)
	return append(out, '}'), true
}

// AppendTimeEntryJSON appends e as encoding/json encodes it with HTML escaping off (no
// trailing newline) and reports true, or reports false with b unchanged when only
// encoding/json can judge it, as Page.AppendJSON does for each item. It is a function, not
// a method, so that the types embedding TimeEntry (DayLogEntry, ReportEntry) do not take it
// for their own encoding.
func AppendTimeEntryJSON(b []byte, e *TimeEntry) ([]byte, bool) {
	out, ok := e.appendJSON(b)
	if !ok {
		return b, false
	}
	return out, true
}

// appendJSON appends e as encoding/json encodes a TimeEntry (fields in declaration order,
// Meta's inlined, HLC left out, deleted_at omitted when nil).
func (e *TimeEntry) appendJSON(b []byte) ([]byte, bool) {
	ok := true
	b = append(b, `{"id":`...)
	b = appendJSONID(b, e.ID)
	b = append(b, `,"tenant_id":`...)
	b = appendJSONID(b, e.TenantID)
	b = append(b, `,"organization_id":`...)
	b = appendJSONID(b, e.OrganizationID)
	b = append(b, `,"user_id":`...)
	b = appendJSONID(b, e.UserID)
	b = append(b, `,"project_id":`...)
	b = appendJSONNullID(b, e.ProjectID)
	b = append(b, `,"task_id":`...)
	b = appendJSONNullID(b, e.TaskID)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, e.Description)
	b = append(b, `,"started_at":`...)
	b = appendJSONTime(b, e.StartedAt, &ok)
	b = append(b, `,"stopped_at":`...)
	if e.StoppedAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONTime(b, *e.StoppedAt, &ok)
	}
	b = append(b, `,"timezone":`...)
	b = appendJSONString(b, e.Timezone)
	b = append(b, `,"billable":`...)
	b = strconv.AppendBool(b, e.Billable)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, string(e.Source))
	b = append(b, `,"tag_ids":`...)
	if e.TagIDs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, id := range e.TagIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONID(b, id)
		}
		b = append(b, ']')
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, e.Version, 10)
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, e.CreatedAt, &ok)
	b = append(b, `,"updated_at":`...)
	b = appendJSONTime(b, e.UpdatedAt, &ok)
	if e.DeletedAt != nil {
		b = append(b, `,"deleted_at":`...)
		b = appendJSONTime(b, *e.DeletedAt, &ok)
	}
	return append(b, '}'), ok
}

const jsonHex = "0123456789abcdef"

// appendJSONID appends id as its MarshalText string: 36 lower-case characters.
func appendJSONID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	for i, c := range id {
		switch i {
		case 4, 6, 8, 10:
			b = append(b, '-')
		}
		b = append(b, jsonHex[c>>4], jsonHex[c&0x0f])
	}
	return append(b, '"')
}

func appendJSONNullID(b []byte, id *uuid.UUID) []byte {
	if id == nil {
		return append(b, "null"...)
	}
	return appendJSONID(b, *id)
}

// appendJSONTime appends t as time.Time's MarshalJSON does (RFC 3339 with nanoseconds as
// needed); a time MarshalJSON refuses clears ok.
func appendJSONTime(b []byte, t time.Time, ok *bool) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		*ok = false
		return b
	}
	if _, off := t.Zone(); off <= -24*60*60 || off >= 24*60*60 {
		*ok = false
		return b
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendJSONString appends s quoted as encoding/json does with HTML escaping off: '"', '\\'
// and control characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
