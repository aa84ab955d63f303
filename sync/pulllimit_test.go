package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestPullFromAnOlderServerAsksForFewerRows: a device asks for pages of
// app.MaxSyncPullLimit rows; a server from before that size (its schema refused a limit
// above 1,000 with a 422 naming the limit) is asked again for 1,000, and from then on for
// no more, and the device still gets every row.
func TestPullFromAnOlderServerAsksForFewerRows(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	var mu sync.Mutex
	var asked []int
	tm.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/sync/pull" {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				t.Error(err)
			}
			var in struct {
				Limit int `json:"limit"`
			}
			if err := json.Unmarshal(body, &in); err != nil {
				t.Error(err)
			}
			mu.Lock()
			asked = append(asked, in.Limit)
			mu.Unlock()
			if in.Limit > 1000 {
				// As the older server: this one's own answer to a limit past its
				// schema's maximum.
				body = bytes.Replace(body, []byte(`"limit":`+strconv.Itoa(in.Limit)), []byte(`"limit":1000000`), 1)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		})
	})
	d := newDevice(t, tm, "deviceA") // logs in and syncs through a remote of its own
	mu.Lock()
	asked = nil
	mu.Unlock()
	from := time.Date(2025, 11, 2, 9, 0, 0, 0, time.UTC)
	add := func(i int) {
		start := from.Add(time.Duration(i) * time.Hour)
		stop := start.Add(time.Minute)
		if _, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop}); err != nil {
			t.Fatal(err)
		}
	}
	add(0)
	remote := d.remote()
	if _, err := d.svc.SyncRound(ctx, remote, nil); err != nil {
		t.Fatalf("first round: %v", err)
	}
	add(1)
	if _, err := d.svc.SyncRound(ctx, remote, nil); err != nil {
		t.Fatalf("second round: %v", err)
	}
	mu.Lock()
	got := slices.Clone(asked)
	mu.Unlock()
	if want := []int{app.MaxSyncPullLimit, 1000, 1000}; !slices.Equal(got, want) {
		t.Errorf("pulls asked for %v rows, want %v", got, want)
	}
	a, err := d.svc.LocalActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(entries(t, d.svc, a)); n != 2 {
		t.Errorf("the device has %d entries, want 2", n)
	}
}
