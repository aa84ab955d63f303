package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// stdJSON is v as huma's own JSON format writes it: encoding/json without HTML escaping.
func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := huma.DefaultJSONFormat.Marshal(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The list of time entries is written by app.Page's appender; its body must be what
// encoding/json writes for the same page, byte for byte.
func TestTimeEntryListBodyIsEncodingJSON(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/time-entries", token: tn.token("admin"),
		body: `{"description":"<b>\"quoted\" & \\ tab\t é \u2028","started_at":"2025-11-04T08:00:00.123456+01:00","stopped_at":"2025-11-04T09:00:00+01:00"}`})
	a, err := e.svc.Authenticate(context.Background(), tn.token("admin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{2, 50} {
		got := e.must(t, http.StatusOK, req{method: "GET", path: fmt.Sprintf("/v1/time-entries?limit=%d", limit), token: tn.token("admin")})
		page, err := e.svc.TimeEntries(context.Background(), a, app.EntryQuery{ListParams: app.ListParams{Limit: limit}})
		if err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, page); !bytes.Equal(got.body, want) {
			t.Errorf("limit %d: body\n%s\nwant\n%s", limit, got.body, want)
		}
	}
}

// A create, get or change of one time entry answers with the entry appended by
// app.AppendTimeEntryJSON: what encoding/json writes for it, byte for byte.
func TestTimeEntryBodyIsEncodingJSON(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	created := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/time-entries", token: tn.token("admin"),
		body: `{"description":"<b>\"quoted\" & \\ tab\t é \u2028","started_at":"2025-11-04T08:00:00.123456+01:00","stopped_at":"2025-11-04T09:00:00+01:00"}`})
	a, err := e.svc.Authenticate(context.Background(), tn.token("admin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var id struct{ ID uuid.UUID }
	if err := json.Unmarshal(created.body, &id); err != nil {
		t.Fatal(err)
	}
	entry, err := e.svc.TimeEntry(context.Background(), a, id.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries/" + id.ID.String(), token: tn.token("admin")})
	for name, body := range map[string][]byte{"create": created.body, "get": got.body} {
		if want := stdJSON(t, entry); !bytes.Equal(body, want) {
			t.Errorf("%s: body\n%s\nwant\n%s", name, body, want)
		}
	}
}

// Bodies without an appender, or whose appender declines, are marshalled as before.
func TestAppendingMarshalFallsBack(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	marshal := appendingMarshal(huma.DefaultJSONFormat.Marshal)
	tests := []struct {
		name    string
		body    any
		wantErr bool
	}{
		{"plain struct", map[string]any{"a": "<b>"}, false},
		{"page of another type", app.Page[app.Tag]{Items: []app.Tag{{Name: "<x>"}}, NextCursor: "c"}, false},
		{"page encoding/json refuses", app.Page[app.TimeEntry]{Items: []app.TimeEntry{{StartedAt: far}}}, true},
		{"entry encoding/json refuses", app.TimeEntry{StartedAt: far}, true},
		{"type embedding an entry", app.DayEntry{TimeEntry: app.TimeEntry{Description: "<x>"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			err := marshal(&got, tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if want := stdJSON(t, tt.body); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("got %s, want %s", got.Bytes(), want)
			}
		})
	}
}

// A single time entry and a page of them are appended, never handed to encoding/json.
func TestAppendingMarshalAppendsEntries(t *testing.T) {
	marshal := appendingMarshal(func(io.Writer, any) error {
		t.Error("encoding/json was asked to marshal a body with an appender")
		return nil
	})
	at := time.Date(2025, 11, 4, 8, 0, 0, 0, time.UTC)
	entry := app.TimeEntry{ID: app.NewID(), Description: "d", StartedAt: at, Meta: app.Meta{Version: 1, CreatedAt: at, UpdatedAt: at}}
	for _, body := range []any{entry, app.Page[app.TimeEntry]{Items: []app.TimeEntry{entry}}} {
		var got bytes.Buffer
		if err := marshal(&got, body); err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, body); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("got %s, want %s", got.Bytes(), want)
		}
	}
}
