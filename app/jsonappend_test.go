package app_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// encodeStd is the page as the API's encoding/json encoder writes it, without the newline.
func encodeStd(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestPageAppendJSONMatchesEncodingJSON(t *testing.T) {
	id := uuid.MustParse("0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	other := uuid.MustParse("ffffffff-0000-4000-8000-00000000000a")
	utc := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	nanos := time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC)
	zoned := time.Date(2026, 3, 29, 2, 30, 0, 999, time.FixedZone("", -(3*3600+30*60)))
	deleted := utc.Add(time.Hour)
	full := app.TimeEntry{ID: id, TenantID: other, OrganizationID: id, UserID: other, ProjectID: &other, TaskID: &id,
		Description: "design <review> & \"notes\"\\ \n\t\r\b\f\x00\x1f é 日本 \u2028\u2029 \xff\xfe end", StartedAt: nanos,
		StoppedAt: &zoned, Timezone: "America/St_Johns", Billable: true, Source: app.SourceTimer,
		TagIDs: []uuid.UUID{id, other}, Meta: app.Meta{Version: 42, CreatedAt: utc, UpdatedAt: zoned, DeletedAt: &deleted, HLC: "x"}}
	bare := app.TimeEntry{ID: id, StartedAt: utc, Meta: app.Meta{CreatedAt: utc, UpdatedAt: utc}}
	empty := bare
	empty.TagIDs = []uuid.UUID{}
	tests := []struct {
		name string
		page app.Page[app.TimeEntry]
	}{
		{"nil items", app.Page[app.TimeEntry]{}},
		{"no items", app.Page[app.TimeEntry]{Items: []app.TimeEntry{}, NextCursor: "abc_-"}},
		{"every field set", app.Page[app.TimeEntry]{Items: []app.TimeEntry{full}}},
		{"nil and empty tags", app.Page[app.TimeEntry]{Items: []app.TimeEntry{bare, empty, full}, NextCursor: "eyJ0Ijoi"}},
		{"zero times", app.Page[app.TimeEntry]{Items: []app.TimeEntry{{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.page.AppendJSON([]byte("prefix"))
			if !ok {
				t.Fatal("AppendJSON declined a page of entries")
			}
			want := append([]byte("prefix"), encodeStd(t, tt.page)...)
			if !bytes.Equal(got, want) {
				t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestPageAppendJSONDeclines(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		page interface{ AppendJSON([]byte) ([]byte, bool) }
	}{
		{"not time entries", app.Page[app.Tag]{Items: []app.Tag{{Name: "x"}}}},
		{"year past 9999", app.Page[app.TimeEntry]{Items: []app.TimeEntry{{StartedAt: far}}}},
		{"deleted past 9999", app.Page[app.TimeEntry]{Items: []app.TimeEntry{{Meta: app.Meta{DeletedAt: &far}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.page.AppendJSON([]byte("prefix"))
			if ok || string(got) != "prefix" {
				t.Errorf("AppendJSON = %q, %v; want the buffer unchanged and false", got, ok)
			}
		})
	}
}

// FuzzAppendJSONString checks any description against encoding/json (run the seeds with
// go test; go test -fuzz FuzzAppendJSONString explores further).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\x00\x7f\x80", "\xed\xa0\x80", "a\u2028b\u2029", "\"\\/", "€\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := app.Page[app.TimeEntry]{Items: []app.TimeEntry{{Description: s, Timezone: s}}, NextCursor: s}
		got, ok := p.AppendJSON(nil)
		if want := encodeStd(t, p); !ok || !bytes.Equal(got, want) {
			t.Errorf("AppendJSON(%q):\n got %s\nwant %s", s, got, want)
		}
	})
}

// AppendTimeEntryJSON writes one entry as encoding/json does, and declines what only
// encoding/json can judge, leaving the buffer as it was.
func TestAppendTimeEntryJSON(t *testing.T) {
	id := uuid.MustParse("0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	utc := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	stop := utc.Add(time.Hour)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range []app.TimeEntry{
		{},
		{ID: id, TenantID: id, ProjectID: &id, Description: "a <b> & \"c\" \u2028 \xff", StartedAt: utc, StoppedAt: &stop,
			Timezone: "Europe/Paris", Billable: true, Source: app.SourceManual, TagIDs: []uuid.UUID{id},
			Meta: app.Meta{Version: 3, CreatedAt: utc, UpdatedAt: stop, DeletedAt: &stop, HLC: "x"}},
	} {
		got, ok := app.AppendTimeEntryJSON([]byte("prefix"), &e)
		if want := append([]byte("prefix"), encodeStd(t, e)...); !ok || !bytes.Equal(got, want) {
			t.Errorf("AppendTimeEntryJSON = %s, %v; want %s", got, ok, want)
		}
	}
	if got, ok := app.AppendTimeEntryJSON([]byte("prefix"), &app.TimeEntry{StartedAt: far}); ok || string(got) != "prefix" {
		t.Errorf("AppendTimeEntryJSON of a year-10000 entry = %q, %v; want the buffer unchanged and false", got, ok)
	}
}
