package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// seedWeek writes entries around the test week (Monday 2026-11-23, Berlin): one on Monday on
// Acme, one from Tuesday 23:00 to Wednesday 01:00 without a project, one on Wednesday on Acme,
// and one in the week before.
func seedWeek(t *testing.T, h *harness) app.Project {
	t.Helper()
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, loc) }
	var acme app.Project
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		var err error
		if acme, err = svc.CreateProject(ctx, a, app.ProjectInput{Name: "Acme"}); err != nil {
			t.Fatal(err)
		}
		for _, e := range []struct {
			start, stop time.Time
			project     bool
			description string
		}{
			{at(23, 9, 0), at(23, 10, 30), true, "design"},
			{at(24, 23, 0), at(25, 1, 0), false, ""},
			{at(25, 9, 0), at(25, 9, 30), true, "review"},
			{at(16, 10, 0), at(16, 11, 0), false, "last week"},
		} {
			in := app.TimeEntryInput{StartedAt: e.start, StoppedAt: &e.stop, Description: e.description, Timezone: berlin}
			if e.project {
				in.ProjectID = &acme.ID
			}
			if _, err := svc.CreateTimeEntry(ctx, a, in); err != nil {
				t.Fatal(err)
			}
		}
	})
	return acme
}

func TestEntriesHuman(t *testing.T) {
	h := newHarness(t)
	seedWeek(t, h)
	want := `Mon 2026-11-23  total 1:30:00
  09:00–10:30     1:30:00  Acme  design

Tue 2026-11-24  total 1:00:00
  23:00–01:00+1   2:00:00  -

Wed 2026-11-25  total 1:30:00
  09:00–09:30     0:30:00  Acme  review

Total 4:00:00 from 2026-11-23 to 2026-11-29 (Europe/Berlin)
`
	if got := h.ok("entries"); got != want {
		t.Errorf("entries:\n%s\nwant:\n%s", got, want)
	}

	// A running timer shows up with its live duration and counts in the totals.
	h.ok("timer", "start", "--project", "acme", "live")
	h.clock.Advance(15 * time.Minute)
	got := h.ok("entries", "--from", "today")
	// The midnight-crossing entry started before --from: it is not listed, and its part after
	// midnight is outside the list, so it does not count either.
	want = `Wed 2026-11-25  total 0:45:00
  09:00–09:30     0:30:00  Acme  review
  11:00–now       0:15:00  Acme  live  (running)

Total 0:45:00 from 2026-11-25 to 2026-11-29 (Europe/Berlin)
`
	if got != want {
		t.Errorf("entries --from today:\n%s\nwant:\n%s", got, want)
	}

	if got, want := h.ok("entries", "--from", "2026-11-01", "--to", "2026-11-02"), "No entries from 2026-11-01 to 2026-11-02.\n"; got != want {
		t.Errorf("empty range: got %q, want %q", got, want)
	}
}

func TestEntriesJSON(t *testing.T) {
	h := newHarness(t)
	acme := seedWeek(t, h)
	var week []app.TimeEntry
	h.okJSON(&week, "entries", "--json")
	if len(week) != 3 {
		t.Fatalf("this week: got %d entries, want 3", len(week))
	}
	if week[0].Description != "review" || week[2].Description != "design" {
		t.Errorf("entries should be newest first: %q … %q", week[0].Description, week[2].Description)
	}

	var last []app.TimeEntry
	h.okJSON(&last, "entries", "--json", "--from", "2026-11-16", "--to", "2026-11-22")
	if len(last) != 1 || last[0].Description != "last week" {
		t.Errorf("last week (--to a date includes it): %+v", last)
	}

	var onAcme []app.TimeEntry
	h.okJSON(&onAcme, "entries", "--json", "--project", "acme", "--from", "2026-11-01")
	if len(onAcme) != 2 {
		t.Fatalf("--project acme: got %d entries, want 2", len(onAcme))
	}
	for _, e := range onAcme {
		if e.ProjectID == nil || *e.ProjectID != acme.ID {
			t.Errorf("entry %q is not on Acme", e.Description)
		}
	}

	var none []app.TimeEntry
	h.okJSON(&none, "entries", "--json", "--from", "2026-01-01", "--to", "2026-01-01 12:00")
	if none == nil || len(none) != 0 {
		t.Errorf("an empty range prints [], got %v", none)
	}
}

func TestEntryRange(t *testing.T) {
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	now := testNow()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, loc) }
	tests := []struct {
		from, to string
		lo, hi   time.Time
	}{
		{"", "", day(11, 23), day(11, 30)},
		{"today", "", day(11, 25), day(11, 30)},
		{"2026-11-01", "", day(11, 1), day(11, 30)},
		{"2026-12-08", "", day(12, 8), day(12, 14)},
		{"2026-11-01", "2026-11-02", day(11, 1), day(11, 3)},
		{"yesterday", "today", day(11, 24), day(11, 26)},
		{"2026-11-24 08:00", "14:30", day(11, 24).Add(8 * time.Hour), day(11, 25).Add(14*time.Hour + 30*time.Minute)},
		{"", "now", day(11, 23), now},
		// The day after a DST change still ends at local midnight.
		{"2026-10-24", "2026-10-25", day(10, 24), day(10, 26)},
	}
	for _, tc := range tests {
		lo, hi, err := entryRange(tc.from, tc.to, now, loc)
		if err != nil {
			t.Errorf("from %q to %q: %v", tc.from, tc.to, err)
			continue
		}
		if !lo.Equal(tc.lo) || !hi.Equal(tc.hi) {
			t.Errorf("from %q to %q: got [%v, %v), want [%v, %v)", tc.from, tc.to, lo, hi, tc.lo, tc.hi)
		}
	}
}

// TestOutputEscapesControls checks that names and descriptions written to the store by
// another program, around the app's validation, reach the terminal without the escape
// sequences they hold, in listings, in sentences, in errors and in JSON.
func TestOutputEscapesControls(t *testing.T) {
	h := newHarness(t)
	acme := seedWeek(t, h)
	const evil = "Ac\x1b[2Jme\u009b31m\u202e"
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		err := svc.Store().Write(ctx, func(tx app.Tx) error {
			p, err := tx.Projects().Get(ctx, a.Scope(), acme.ID)
			if err != nil {
				return err
			}
			p.Name = evil
			p.Version++
			return tx.Projects().Update(ctx, a.Scope(), p, p.Version-1)
		})
		if err != nil {
			t.Fatal(err)
		}
		stop := testNow().Add(-time.Minute)
		en, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &acme.ID, StartedAt: stop.Add(-time.Hour), StoppedAt: &stop, Timezone: berlin})
		if err != nil {
			t.Fatal(err)
		}
		err = svc.Store().Write(ctx, func(tx app.Tx) error {
			e, err := tx.TimeEntries().Get(ctx, a.Scope(), en.ID)
			if err != nil {
				return err
			}
			e.Description = "line\x1b]0;pwned\x07\u0085two\nthree\xff"
			e.Version++
			return tx.TimeEntries().Update(ctx, a.Scope(), e, e.Version-1)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	for _, args := range [][]string{{"entries"}, {"projects"}, {"projects", "--json"}, {"entries", "--json"}} {
		r := h.run(args...)
		if r.code != 0 {
			t.Fatalf("stint %v: exit %d: %s", args, r.code, r.stderr)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u0085", "\u202e"} {
			if strings.Contains(r.stdout+r.stderr, bad) {
				t.Errorf("stint %v prints %q:\n%s", args, bad, r.stdout)
			}
		}
		if args[len(args)-1] == "--json" && !json.Valid([]byte(r.stdout)) {
			t.Errorf("stint %v: not JSON:\n%s", args, r.stdout)
		}
		if !strings.Contains(r.stdout, "pwned") && !strings.Contains(r.stdout, "Ac") {
			t.Errorf("stint %v lost the name:\n%s", args, r.stdout)
		}
	}
	if out := h.ok("entries"); !strings.Contains(out, `Ac\x1b[2Jme\u009b31m\u202e`) || !strings.Contains(out, "line\\x1b]0;pwned\\x07 two three\ufffd") {
		t.Errorf("escapes not shown as text:\n%s", out)
	}
	// A project name in an error message is escaped too.
	r := h.run("timer", "start", "--project", evil)
	if strings.ContainsAny(r.stderr+r.stdout, "\x1b\u009b") {
		t.Errorf("timer start prints an escape: %q %q", r.stdout, r.stderr)
	}
}
