package app_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

func TestOverlap(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	now := at(12, 0)
	for _, c := range []struct {
		name   string
		aStart time.Time
		aStop  *time.Time
		bStart time.Time
		bStop  *time.Time
		want   bool
	}{
		{"inside", at(9, 0), ptr(at(10, 0)), at(9, 15), ptr(at(9, 45)), true},
		{"partly", at(9, 0), ptr(at(10, 0)), at(9, 30), ptr(at(10, 30)), true},
		{"back to back", at(9, 0), ptr(at(10, 0)), at(10, 0), ptr(at(11, 0)), false},
		{"before", at(9, 0), ptr(at(10, 0)), at(7, 0), ptr(at(8, 0)), false},
		{"running b from before a", at(9, 0), ptr(at(10, 0)), at(8, 0), nil, true},
		{"running b after a", at(9, 0), ptr(at(10, 0)), at(11, 0), nil, false},
		{"running a", at(11, 0), nil, at(11, 30), ptr(at(11, 45)), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := app.Overlap(c.aStart, c.aStop, c.bStart, c.bStop, now); got != c.want {
				t.Fatalf("Overlap = %v, want %v", got, c.want)
			}
			if got := app.Overlap(c.bStart, c.bStop, c.aStart, c.aStop, now); got != c.want {
				t.Fatalf("Overlap swapped = %v, want %v", got, c.want)
			}
		})
	}
}

func TestOverlapsListsTheActorsOwnEntries(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other := e.member(owner, app.RoleMember)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	add := func(a app.Actor, desc string, start, stop time.Time) app.TimeEntry {
		return must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, a, app.TimeEntryInput{Description: desc, StartedAt: start, StoppedAt: &stop}))
	}
	first := add(owner, "first", at(20, 9, 0), at(20, 10, 0))
	second := add(owner, "second", at(20, 10, 0), at(20, 11, 0))
	add(other, "someone else's", at(20, 9, 30), at(20, 10, 30))
	names := func(es []app.TimeEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Description)
		}
		return out
	}
	for _, c := range []struct {
		name        string
		start, stop time.Time
		except      *uuid.UUID
		want        []string
	}{
		{"across both", at(20, 9, 30), at(20, 10, 15), nil, []string{"second", "first"}},
		{"editing one of them", at(20, 9, 30), at(20, 10, 15), &first.ID, []string{"second"}},
		{"back to back", at(20, 11, 0), at(20, 12, 0), nil, nil},
		{"its own times", at(20, 10, 0), at(20, 11, 0), &second.ID, nil},
		{"the next day", at(21, 9, 0), at(21, 10, 0), nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			stop := c.stop
			got := names(must[[]app.TimeEntry](t)(e.svc.Overlaps(e.ctx, owner, c.start, &stop, c.except)))
			if len(got) != len(c.want) {
				t.Fatalf("overlaps %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("overlaps %q, want %q", got, c.want)
				}
			}
		})
	}
	// A timer started long ago still overlaps a new entry in its span.
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "long run"}))
	e.clock.Advance(72 * time.Hour)
	now := e.clock.Now()
	stop := now.Add(-30 * time.Minute)
	got := names(must[[]app.TimeEntry](t)(e.svc.Overlaps(e.ctx, owner, now.Add(-time.Hour), &stop, nil)))
	if len(got) != 1 || got[0] != "long run" {
		t.Fatalf("overlaps with a long-running timer: %q", got)
	}
}
