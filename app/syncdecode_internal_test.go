package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// entryJSONs are entries as the server writes them and as it never does, for the decoders'
// tests and fuzz seeds.
func entryJSONs() []string {
	id := uuid.MustParse("0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	other := uuid.MustParse("ffffffff-0000-4000-8000-00000000000a")
	utc := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	zoned := time.Date(2026, 3, 29, 2, 30, 0, 999, time.FixedZone("", -(3*3600+30*60)))
	full := TimeEntry{ID: id, TenantID: other, OrganizationID: id, UserID: other, ProjectID: &other, TaskID: &id,
		Description: "design é 日本 review", StartedAt: utc, StoppedAt: &zoned, Timezone: "America/St_Johns", Billable: true,
		Source: SourceTimer, TagIDs: []uuid.UUID{id, other}, Meta: Meta{Version: 42, CreatedAt: utc, UpdatedAt: zoned, DeletedAt: &utc}}
	bare := TimeEntry{ID: id, StartedAt: utc, Meta: Meta{CreatedAt: utc, UpdatedAt: utc}}
	empty := bare
	empty.TagIDs = []uuid.UUID{}
	escaped := full
	escaped.Description = "a \"quoted\" <b> \\ \n \u2028 \xff"
	var out []string
	for _, e := range []TimeEntry{full, bare, empty, escaped} {
		b, ok := e.appendJSON(nil)
		if !ok {
			panic("appendJSON declined")
		}
		out = append(out, string(b))
	}
	return append(out,
		`{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b", "version" : 3 , "tag_ids" : [ "ffffffff-0000-4000-8000-00000000000a" ] }`,
		`{"id":"urn:uuid:0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","project_id":"{ffffffff-0000-4000-8000-00000000000a}"}`,
		`{"ID":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b"}`,
		`{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","later":{"a":[1,"]"]}}`,
		`{"id":null,"started_at":null,"billable":null,"description":null,"version":null}`,
		`{"version":1.0}`, `{"version":1e3}`, `{"version":-7}`, `{"version":99999999999999999999}`,
		`{"id":"not an id"}`, `{"started_at":"2026-13-01T00:00:00Z"}`, `{"started_at":"2026-01-01T00:00:00.5+01:00"}`,
		`{"tag_ids":null}`, `{"tag_ids":[null]}`, `{"tag_ids":[]}`, `{"billable":true,"billable":false}`,
		`{"description":"x","description":"y"}`, `{}`, `[]`, `null`, `{"stopped_at":null,"deleted_at":null,"task_id":null}`,
		`{"source":"\u0074imer"}`)
}

// TestDecodeEntryIsEncodingJSON: the entry decoder gives what json.Unmarshal gives, for
// the server's shape (which it decodes itself) and for anything else (which it leaves to
// encoding/json).
func TestDecodeEntryIsEncodingJSON(t *testing.T) {
	for i, s := range entryJSONs() {
		checkDecodeEntry(t, []byte(s))
		if i < 3 {
			var e TimeEntry
			if !decodeEntryFast([]byte(s), &e) {
				t.Errorf("the fast decoder declined an entry as the server writes it: %s", s)
			}
		}
	}
}

func checkDecodeEntry(t *testing.T, data []byte) {
	t.Helper()
	var got, want TimeEntry
	gerr, werr := decodeEntry(data, &got), json.Unmarshal(data, &want)
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("%s: error %v, encoding/json's %v", data, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", data, got, want)
	}
}

// pageJSONs are pulled pages, for the page decoder's tests and fuzz seeds.
func pageJSONs() []string {
	entries := entryJSONs()
	return []string{
		`{"rows":[{"kind":"time_entry","id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","server_version":12,"hlc":"0000000000001-0000000000-a","row":` +
			entries[0] + `},{"kind":"project","id":"ffffffff-0000-4000-8000-00000000000a","server_version":13,"hlc":"","row":{"name":"a \"b\" {]","x":[1,2,{"y":null}]}}],"cursor":13,"head":20,"more":true}`,
		`{"rows":[],"cursor":0,"head":0,"more":true,"reset":true}`,
		`{"rows":null,"cursor":5,"head":5,"more":false}`,
		` { "rows" : [ { "kind" : "tag" , "row" : 12 , "id" : "ffffffff-0000-4000-8000-00000000000a" } ] , "cursor" : 1 } `,
		`{"rows":[{"kind":"tag","row":"s"}],"more":true}`,
		`{"rows":[{"kind":"tag","row":null}]}`,
		`{"rows":[{"kind":"t\u0061g","row":true}]}`,
		`{"rows":[{"KIND":"tag"}],"unknown":1}`,
		`{"cursor":1.5}`, `{"rows":{}}`, `{}`, `null`, `[]`,
	}
}

// TestRemotePageDecodeIsEncodingJSON: a pulled page decodes as encoding/json decodes it
// without the page's own decoder.
func TestRemotePageDecodeIsEncodingJSON(t *testing.T) {
	for i, s := range pageJSONs() {
		checkDecodePage(t, []byte(s))
		if i < 3 {
			if _, ok := decodeRemotePage([]byte(s)); !ok {
				t.Errorf("the fast decoder declined a page as the server writes it: %s", s)
			}
		}
	}
}

func checkDecodePage(t *testing.T, data []byte) {
	t.Helper()
	type plain RemotePage
	var got RemotePage
	var want plain
	gerr, werr := json.Unmarshal(data, &got), json.Unmarshal(data, &want)
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("%s: error %v, encoding/json's %v", data, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, RemotePage(want)) {
		t.Fatalf("%s:\n got %+v\nwant %+v", data, got, want)
	}
}

// FuzzDecodeEntry checks the entry decoder against encoding/json on any valid JSON (a
// pulled row is a value of a page encoding/json has checked).
func FuzzDecodeEntry(f *testing.F) {
	for _, s := range entryJSONs() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		checkDecodeEntry(t, data)
	})
}

// FuzzRemotePageDecode checks the page decoder against encoding/json on any input.
func FuzzRemotePageDecode(f *testing.F) {
	for _, s := range pageJSONs() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodePage(t, data)
	})
}

// headerJSONs are pushed rows for the header decoder's tests and fuzz seeds: the entries'
// and the other shapes a header may come in.
func headerJSONs() []string {
	return append(entryJSONs(),
		`{"organization_id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b"}`,
		`{"Organization_ID":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b"}`,
		`{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","id":"ffffffff-0000-4000-8000-00000000000a"}`,
		`{"i\u0064":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b"}`,
		`{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","name":"a \"b\" }","n":[1,{"id":2}],"organization_id":null}`,
		`{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b","x":tru}`, `{"id":1}`, `"id"`, `{"id":"0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b"} x`)
}

// TestDecodeHeaderIsEncodingJSON: the header decoder gives what json.Unmarshal gives, and
// decodes the entries the server's devices push itself.
func TestDecodeHeaderIsEncodingJSON(t *testing.T) {
	for i, s := range headerJSONs() {
		checkDecodeHeader(t, []byte(s))
		if i < 3 {
			var h pushedHeader
			if !decodeHeaderFast([]byte(s), &h) {
				t.Errorf("the fast decoder declined an entry as a device pushes it: %s", s)
			}
		}
	}
}

func checkDecodeHeader(t *testing.T, data []byte) {
	t.Helper()
	var got, want pushedHeader
	gerr, werr := decodeHeader(data, &got), json.Unmarshal(data, &want)
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("%s: error %v, encoding/json's %v", data, gerr, werr)
	}
	if werr == nil && got != want {
		t.Fatalf("%s:\n got %+v\nwant %+v", data, got, want)
	}
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range headerJSONs() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeHeader(t, data)
	})
}
