package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1h30m", "90", "1:30", "1:30:15", "1.5h", "-1h", "1e308", "::", "9999999999:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := app.ParseDuration(s)
		if err == nil && (d < 0 || d > 1000*time.Hour) {
			t.Fatalf("ParseDuration(%q) = %v out of range", s, d)
		}
	})
}

func FuzzParseTimeArg(f *testing.F) {
	for _, s := range []string{"today", "2026-11-23", "14:05", "2026-11-23 14:05", "2026-11-23T14:05:00+01:00", "24:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC)
	loc, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := app.ParseTimeArg(s, now, loc)
		if err == nil && tm.IsZero() {
			t.Fatalf("ParseTimeArg(%q) returned a zero time without error", s)
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(app.Cursor{ID: uuid.New()}.Encode())
	f.Add("")
	f.Add("e30")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := app.DecodeCursor(s)
		if err == nil && c != nil && c.ID == uuid.Nil {
			t.Fatalf("cursor %q decoded with nil id", s)
		}
	})
}

func FuzzParsePHC(f *testing.F) {
	h, _ := app.Argon2id{Memory: 64, Time: 1, Threads: 1}.Hash("pw")
	f.Add(h)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5")
	f.Fuzz(func(t *testing.T, s string) {
		p, _, _, err := app.ParsePHC(s)
		if err == nil && (p.Memory > 1<<20 || p.Time > 16 || p.Threads > 16) {
			t.Fatalf("unbounded parameters accepted: %+v", p)
		}
	})
}

// FuzzTimeEntryJSON decodes arbitrary JSON into the entry patch shape the API accepts and
// checks the three states of a Nullable field against a plain reading of the same document
// (json.RawMessage fields under the same names, so encoding/json matches keys the same way):
// an absent key leaves the field unset, null sets it without a value, anything else sets the
// value the JSON holds. A document the reading accepts is refused only for a value that is
// not of the field's type. What decodes encodes (omitzero, as the API's body type) and
// decodes again to the same patch.
func FuzzTimeEntryJSON(f *testing.F) {
	for _, s := range []string{
		`{"project_id": null, "task_id": "0195f0c4-0000-7000-8000-000000000000", "tag_ids": []}`,
		`{"project_id": 5}`,
		`{}`,
		`{"project_id": "0195f0c4-0000-7000-8000-000000000001", "task_id": null}`,
		`{"PROJECT_ID": null, "project_id": "0195f0c4-0000-7000-8000-000000000001"}`,
		`{"tag_ids": null, "task_id": "not a uuid"}`,
		`{"project_id": 5, "Project_Id": null}`,
		`[]`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	type patch struct {
		ProjectID app.Nullable[uuid.UUID] `json:"project_id,omitzero"`
		TaskID    app.Nullable[uuid.UUID] `json:"task_id,omitzero"`
		TagIDs    *[]uuid.UUID            `json:"tag_ids,omitempty"`
	}
	type plain struct {
		ProjectID json.RawMessage `json:"project_id"`
		TaskID    json.RawMessage `json:"task_id"`
		TagIDs    json.RawMessage `json:"tag_ids"`
	}
	// field checks one Nullable against the raw value of its key (nil: absent).
	field := func(t *testing.T, name string, got app.Nullable[uuid.UUID], raw json.RawMessage) {
		t.Helper()
		switch {
		case raw == nil:
			if got.Set || got.Value != nil {
				t.Fatalf("%s absent but decoded as set (value %v)", name, got.Value)
			}
		case string(raw) == "null":
			if !got.Set || got.Value != nil {
				t.Fatalf("%s null but decoded as set %t, value %v", name, got.Set, got.Value)
			}
		default:
			var want uuid.UUID
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s %s is no UUID (%v) but decoded", name, raw, err)
			}
			if !got.Set || got.Value == nil || *got.Value != want {
				t.Fatalf("%s %s decoded as set %t, value %v", name, raw, got.Set, got.Value)
			}
		}
	}
	// wrongType reports whether any value the document gives the key (encoding/json matches
	// keys without regard to case, and a repeated key decodes each time) is neither null nor
	// of v's type.
	wrongType := func(b []byte, key string, v any) bool {
		dec := json.NewDecoder(bytes.NewReader(b))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return false
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return false
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return false
			}
			if k, _ := tok.(string); strings.EqualFold(k, key) && string(raw) != "null" && json.Unmarshal(raw, v) != nil {
				return true
			}
		}
		return false
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ref plain
		refErr := json.Unmarshal(b, &ref)
		var v patch
		err := json.Unmarshal(b, &v)
		switch {
		case refErr != nil:
			if err == nil {
				t.Fatalf("%q decoded as a patch but is no JSON object: %v", b, refErr)
			}
			return
		case err != nil:
			var id uuid.UUID
			var ids []uuid.UUID
			if !wrongType(b, "project_id", &id) && !wrongType(b, "task_id", &id) && !wrongType(b, "tag_ids", &ids) {
				t.Fatalf("%q refused (%v) though every field holds a value of its type", b, err)
			}
			return
		}
		field(t, "project_id", v.ProjectID, ref.ProjectID)
		field(t, "task_id", v.TaskID, ref.TaskID)

		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("encode %+v: %v", v, err)
		}
		var again patch
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("decode own encoding %s: %v", out, err)
		}
		for _, c := range []struct {
			name      string
			got, want app.Nullable[uuid.UUID]
		}{{"project_id", again.ProjectID, v.ProjectID}, {"task_id", again.TaskID, v.TaskID}} {
			if c.got.Set != c.want.Set || (c.got.Value == nil) != (c.want.Value == nil) ||
				(c.got.Value != nil && *c.got.Value != *c.want.Value) {
				t.Fatalf("%s: %q encodes as %s, which decodes to set %t, value %v; want set %t, value %v",
					c.name, b, out, c.got.Set, c.got.Value, c.want.Set, c.want.Value)
			}
		}
	})
}
