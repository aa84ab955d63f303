package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestSyncConflictsCommand: on a server's own data directory, an edit pushed with a stamp
// older than the entry's last edit loses its description; 'stint sync conflicts' lists it
// with the value kept, as a table and as JSON, and for the entry alone.
func TestSyncConflictsCommand(t *testing.T) {
	h := newHarness(t)
	if out := h.ok("sync", "conflicts"); !strings.Contains(out, "No conflicts") {
		t.Errorf("an empty log: %q", out)
	}
	var entryID string
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		start := testNow().Add(-3 * time.Hour)
		stop := start.Add(time.Hour)
		e, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "kept here", StartedAt: start, StoppedAt: &stop})
		if err != nil {
			t.Fatal(err)
		}
		entryID = e.ID.String()
		stale := e
		stale.Description = "sent from the laptop"
		row, err := json.Marshal(stale)
		if err != nil {
			t.Fatal(err)
		}
		hlc := app.NewHLC(app.NewFixedClock(testNow().Add(-time.Hour)), "laptop").Now()
		out, err := svc.Push(ctx, a, app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "laptop", Mutations: []app.Mutation{
			{ID: app.NewID(), DeviceSeq: 1, HLC: hlc, Entity: app.EntityTimeEntry, EntityID: e.ID, Op: app.OpUpsert, Row: row}}})
		if err != nil || len(out) != 1 || len(out[0].Lost) != 1 {
			t.Fatalf("push: %+v, %v", out, err)
		}
	})
	out := h.ok("sync", "conflicts")
	for _, want := range []string{"FIELD", "time_entry", entryID[:8], "description", `"sent from the laptop"`, `"kept here"`} {
		if !strings.Contains(out, want) {
			t.Errorf("sync conflicts lacks %q:\n%s", want, out)
		}
	}
	var list []app.SyncConflict
	h.okJSON(&list, "sync", "conflicts", "--entry", entryID, "--json")
	if len(list) != 1 || string(list[0].Lost) != `"sent from the laptop"` || string(list[0].Kept) != `"kept here"` {
		t.Errorf("the entry's log as JSON: %+v", list)
	}
	if r := h.run("sync", "conflicts", "--entry", "nope"); r.code != 2 || !strings.Contains(r.stderr, "not an id") {
		t.Errorf("a bad --entry: %+v", r)
	}
}
