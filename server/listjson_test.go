package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

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
