package app_test

import (
	"encoding/json"
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

// FuzzTimeEntryJSON decodes arbitrary JSON into the entry patch shape the API accepts.
func FuzzTimeEntryJSON(f *testing.F) {
	f.Add([]byte(`{"project_id": null, "task_id": "0195f0c4-0000-7000-8000-000000000000", "tag_ids": []}`))
	f.Add([]byte(`{"project_id": 5}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v struct {
			ProjectID app.Nullable[uuid.UUID] `json:"project_id"`
			TaskID    app.Nullable[uuid.UUID] `json:"task_id"`
			TagIDs    *[]uuid.UUID            `json:"tag_ids"`
		}
		if err := json.Unmarshal(b, &v); err == nil {
			if v.ProjectID.Value != nil && !v.ProjectID.Set {
				t.Fatal("value without Set")
			}
		}
	})
}
