package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestTimerIdleCommand(t *testing.T) {
	h := newHarness(t)
	if r := h.run("timer", "idle", "discard"); r.code == 0 || !strings.Contains(r.stderr, "no idle time is waiting") {
		t.Fatalf("nothing pending: code %d, %s", r.code, r.stderr)
	}
	if r := h.run("timer", "idle", "later"); r.code == 0 || !strings.Contains(r.stderr, "keep, discard or stop") {
		t.Fatalf("a wrong answer: code %d, %s", r.code, r.stderr)
	}
	h.ok("timer", "start", "deep", "work") // at 11:00 in Berlin
	h.clock.Advance(25 * time.Minute)
	// The desktop noticed 15 minutes away, from 11:05 to 11:20.
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		r, err := svc.RunningEntry(ctx, a)
		if err != nil || r == nil {
			t.Fatalf("running %+v, %v", r, err)
		}
		if _, err := svc.NoteIdle(ctx, a, r.ID, r.StartedAt.Add(5*time.Minute), r.StartedAt.Add(20*time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	out := h.ok("timer", "status")
	if !strings.Contains(out, "Running") || !strings.Contains(out, "Away 0:15:00 from 11:05 to 11:20") ||
		!strings.Contains(out, "stint timer idle keep|discard|stop") {
		t.Fatalf("status does not show the question:\n%s", out)
	}
	var st timerStatusJSON
	h.okJSON(&st, "timer", "status", "--json")
	if st.Idle == nil || !st.Running {
		t.Fatalf("status JSON %+v", st)
	}
	out = h.ok("timer", "idle", "keep")
	if !strings.Contains(out, "Kept the time away (11:05 to 11:20)") {
		t.Fatalf("keep:\n%s", out)
	}
	h.okJSON(&st, "timer", "status", "--json")
	if st.Idle != nil {
		t.Fatalf("still pending after keep: %+v", st.Idle)
	}

	// An hour-long entry this morning, 30 minutes of it away: discarded after the fact, the
	// entry is split around it.
	var entry app.TimeEntry
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		start := svc.Now().Add(-3 * time.Hour).Truncate(time.Minute)
		stop := start.Add(time.Hour)
		e, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "morning"})
		if err != nil {
			t.Fatal(err)
		}
		entry = e
		if _, err := svc.NoteIdle(ctx, a, e.ID, start.Add(10*time.Minute), start.Add(40*time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	var done app.IdleOutcome
	h.okJSON(&done, "timer", "idle", "discard", "--json")
	if done.Entry.ID != entry.ID || !done.Entry.StoppedAt.Equal(entry.StartedAt.Add(10*time.Minute)) || done.Resumed == nil ||
		!done.Resumed.StartedAt.Equal(entry.StartedAt.Add(40*time.Minute)) || !done.Resumed.StoppedAt.Equal(*entry.StoppedAt) {
		t.Fatalf("discard after the fact: %+v", done)
	}
}

// TestTimerIdleJSONNames: the entries "timer idle --json" prints carry their project and
// tag names beside the ids, as every entry the CLI prints in JSON does.
func TestTimerIdleJSONNames(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme")
	h.ok("tags", "add", "focus")
	h.ok("timer", "start", "--project", "Acme", "--tag", "focus", "deep", "work")
	h.clock.Advance(25 * time.Minute)
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		r, err := svc.RunningEntry(ctx, a)
		if err != nil || r == nil {
			t.Fatalf("running %+v, %v", r, err)
		}
		if _, err := svc.NoteIdle(ctx, a, r.ID, r.StartedAt.Add(5*time.Minute), r.StartedAt.Add(20*time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	var out struct {
		Entry, Resumed map[string]any
	}
	h.okJSON(&out, "timer", "idle", "discard", "--json")
	for name, e := range map[string]map[string]any{"entry": out.Entry, "resumed": out.Resumed} {
		tags, _ := e["tag_names"].([]any)
		if e["project_name"] != "Acme" || len(tags) != 1 || tags[0] != "focus" || e["project_id"] == nil {
			t.Errorf("%s lacks its names: %v", name, e)
		}
	}
}
