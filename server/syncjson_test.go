package server

import (
	"bytes"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// A pull page is written by its appender; its body must be what encoding/json writes for
// the same page, byte for byte, whatever kinds it holds.
func TestSyncPullPageAppendJSONIsEncodingJSON(t *testing.T) {
	id := uuid.MustParse("0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	other := uuid.MustParse("ffffffff-0000-4000-8000-00000000000a")
	utc := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	zoned := time.Date(2026, 3, 29, 2, 30, 0, 999, time.FixedZone("", -(3*3600+30*60)))
	deleted := utc.Add(time.Hour)
	meta := app.Meta{Version: 7, CreatedAt: utc, UpdatedAt: zoned, HLC: `0000001-0000000002-node "<&>"`}
	full := app.TimeEntry{ID: id, TenantID: other, OrganizationID: id, UserID: other, ProjectID: &other, TaskID: &id,
		Description: "design <review> & \"notes\"\\ \n\t\x00 é 日本 \u2028 \xff end", StartedAt: utc, StoppedAt: &zoned,
		Timezone: "America/St_Johns", Billable: true, Source: app.SourceTimer, TagIDs: []uuid.UUID{id, other},
		Meta: app.Meta{Version: 42, CreatedAt: utc, UpdatedAt: zoned, DeletedAt: &deleted, HLC: "0000000000001-0000000000-a"}}
	bare := app.TimeEntry{ID: other, StartedAt: utc, Meta: app.Meta{CreatedAt: utc, UpdatedAt: utc}}
	rows := []syncRow{
		{Kind: app.SyncOrganization, ID: id, Version: 1, HLC: meta.HLC, Row: app.Organization{ID: id, Name: "<Team>", Timezone: "UTC", Meta: meta}},
		{Kind: app.SyncUser, ID: other, Version: 2, HLC: meta.HLC, Row: app.User{ID: other, Email: "a&b@example.com", Name: "Ada", Meta: meta}},
		{Kind: app.SyncMembership, ID: id, Version: 3, HLC: meta.HLC, Row: app.Membership{ID: id, UserID: other, Role: app.RoleMember, Meta: meta}},
		{Kind: app.SyncClient, ID: id, Version: 4, HLC: meta.HLC, Row: app.Client{ID: id, Name: "Acme <&>", Meta: meta}},
		{Kind: app.SyncTimeEntry, ID: id, Version: 5, HLC: full.HLC, Row: full},
		{Kind: app.SyncProject, ID: other, Version: 6, HLC: meta.HLC, Row: app.Project{ID: other, Name: "Rocket", ClientID: &id, Meta: meta}},
		{Kind: app.SyncTask, ID: id, Version: 7, HLC: meta.HLC, Row: app.Task{ID: id, ProjectID: other, Name: "Engine", Meta: meta}},
		{Kind: app.SyncTag, ID: other, Version: 8, HLC: meta.HLC, Row: app.Tag{ID: other, Name: "deep", Meta: meta}},
		{Kind: app.SyncTimeEntry, ID: other, Version: 9, HLC: "", Row: bare},
	}
	tests := []struct {
		name string
		page syncPullPage
	}{
		{"nil rows", syncPullPage{Cursor: 3, Head: 3}},
		{"reset", syncPullPage{Rows: []syncRow{}, More: true, Reset: true}},
		{"every kind", syncPullPage{Rows: rows, Cursor: 9, Head: 120, More: true}},
		{"entries only", syncPullPage{Rows: []syncRow{rows[4], rows[8]}, Cursor: 120, Head: 120}},
	}
	marshal := appendingMarshal(huma.DefaultJSONFormat.Marshal)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := tt.page.AppendJSON([]byte("prefix"))
			if !ok {
				t.Fatal("AppendJSON declined the page")
			}
			want := stdJSON(t, tt.page)
			if got := b[len("prefix"):]; !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
			}
			var body bytes.Buffer
			if err := marshal(&body, tt.page); err != nil || !bytes.Equal(body.Bytes(), want) {
				t.Errorf("the response body is %s (%v), want %s", body.Bytes(), err, want)
			}
		})
	}
	// An entry encoding/json refuses (a year past 9999) fails the page as encoding/json
	// would fail it, leaving the buffer as it was.
	far := bare
	far.StartedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	page := syncPullPage{Rows: []syncRow{rows[0], {Kind: app.SyncTimeEntry, ID: other, Row: far}}}
	if b, ok := page.AppendJSON([]byte("prefix")); ok || string(b) != "prefix" {
		t.Errorf("AppendJSON of a page with a year-10000 entry = %q, %v; want the buffer unchanged and false", b, ok)
	}
	if err := marshal(&bytes.Buffer{}, page); err == nil {
		t.Error("a page with a year-10000 entry was written")
	}
}
