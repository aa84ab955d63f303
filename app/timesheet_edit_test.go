package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestSetTimesheetCell types durations into a cell and checks the entries that result, then
// that Undo brings back exactly the entries there were.
func TestSetTimesheetCell(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, berlin) }
	type seed struct {
		start, stop time.Time // stop zero: a timer started at start and stopped at the clock's now
		timer       bool
		other       bool // on the other project
	}
	tests := []struct {
		name    string
		seeds   []seed
		running bool // a timer on the project runs from 15:00 to now
		set     string
		want    []string // the project's entries on the day after the edit, "hh:mm-hh:mm source"
		wantErr bool
	}{
		{name: "empty cell starts at nine", set: "1:30", want: []string{"09:00-10:30 manual"}},
		{name: "decimal hours", set: "1.5", want: []string{"09:00-10:30 manual"}},
		{name: "raise adds after the last entry", seeds: []seed{{start: at(10, 0), stop: at(11, 0)}, {start: at(13, 0), stop: at(14, 0), other: true}},
			set: "2h", want: []string{"10:00-11:00 manual", "11:00-12:00 manual"}},
		{name: "raise near midnight moves earlier", seeds: []seed{{start: at(22, 0), stop: at(23, 0)}},
			set: "3:00", want: []string{"22:00-23:00 manual", "22:00-24:00 manual"}},
		{name: "lower shortens the latest first", seeds: []seed{{start: at(9, 0), stop: at(10, 0)}, {start: at(10, 0), stop: at(11, 0)}, {start: at(13, 0), stop: at(14, 0)}},
			set: "1:30", want: []string{"09:00-10:00 manual", "10:00-10:30 manual"}},
		{name: "zero deletes manual entries", seeds: []seed{{start: at(9, 0), stop: at(10, 0)}, {start: at(13, 0), stop: at(14, 0), other: true}},
			set: "0", want: nil},
		{name: "timer entries are kept", seeds: []seed{{start: at(8, 0), stop: at(10, 0), timer: true}, {start: at(11, 0), stop: at(12, 0)}},
			set: "2:30", want: []string{"08:00-10:00 timer", "11:00-11:30 manual"}},
		{name: "below the timer's time is refused", seeds: []seed{{start: at(8, 0), stop: at(10, 0), timer: true}, {start: at(11, 0), stop: at(12, 0)}},
			set: "1:00", wantErr: true, want: []string{"08:00-10:00 timer", "11:00-12:00 manual"}},
		{name: "a running entry is never touched", seeds: []seed{{start: at(9, 0), stop: at(10, 0)}}, running: true,
			set: "2:30", want: []string{"09:00-09:30 manual", "15:00-running timer"}},
		{name: "same value changes nothing", seeds: []seed{{start: at(9, 0), stop: at(10, 0)}},
			set: "60m", want: []string{"09:00-10:00 manual"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			owner, _ := e.signup() // organization zone Europe/Berlin
			e.clock.Set(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
			p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Website"}))
			q := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Other"}))
			for _, s := range tc.seeds {
				pid := &p.ID
				if s.other {
					pid = &q.ID
				}
				if s.timer {
					e.clock.Set(s.start)
					must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: pid}))
					e.clock.Set(s.stop)
					must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, owner))
					continue
				}
				must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: pid, StartedAt: s.start, StoppedAt: &s.stop}))
			}
			if tc.running {
				e.clock.Set(at(15, 0))
				must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &p.ID}))
			}
			e.clock.Set(at(17, 0))
			before := dayEntries(t, e, owner, nil)

			d, err := app.ParseCellDuration(tc.set)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := e.svc.SetTimesheetCell(e.ctx, owner, app.CellEdit{Date: "2026-11-20", ProjectID: &p.ID, Duration: d})
			if (err != nil) != tc.wantErr {
				t.Fatalf("set %s: err %v, want error %v", tc.set, err, tc.wantErr)
			}
			if got := dayEntries(t, e, owner, &p.ID); !slices.Equal(got, tc.want) {
				t.Fatalf("entries after setting %s:\n got %q\nwant %q", tc.set, got, tc.want)
			}
			if !tc.wantErr {
				sheet := must[app.Timesheet](t)(e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{Date: "2026-11-20"}))
				for _, r := range sheet.Rows {
					if r.ProjectID != nil && *r.ProjectID == p.ID && time.Duration(r.Seconds[4])*time.Second != d && !tc.running {
						t.Fatalf("cell shows %ds, want %s", r.Seconds[4], d)
					}
				}
			}
			if err := e.svc.UndoTimesheetCell(e.ctx, owner, ch); err != nil {
				t.Fatalf("undo: %v", err)
			}
			if got := dayEntries(t, e, owner, nil); !slices.Equal(got, before) {
				t.Fatalf("after undo:\n got %q\nwant %q", got, before)
			}
		})
	}
}

// TestUndoTimesheetCellRefusesChangedEntries: an entry edited after the cell was set is not
// overwritten by Undo, and nothing else is undone either.
func TestUndoTimesheetCellRefusesChangedEntries(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	berlin := mustLoc(t, "Europe/Berlin")
	e.clock.Set(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Website"}))
	for _, h := range []int{9, 13} {
		start, stop := time.Date(2026, 11, 20, h, 0, 0, 0, berlin), time.Date(2026, 11, 20, h+1, 0, 0, 0, berlin)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	}
	ch := must[app.CellChange](t)(e.svc.SetTimesheetCell(e.ctx, owner, app.CellEdit{Date: "2026-11-20", ProjectID: &p.ID, Duration: 30 * time.Minute}))
	if len(ch.After) != 2 {
		t.Fatalf("changed %d entries, want 2", len(ch.After))
	}
	edited := ch.After[1] // the 09:00 entry, shortened to 30 minutes
	desc := "edited"
	must[app.TimeEntry](t)(e.svc.UpdateTimeEntry(e.ctx, owner, edited.ID, app.TimeEntryPatch{Description: &desc}, 0))
	want := dayEntries(t, e, owner, nil)
	if err := e.svc.UndoTimesheetCell(e.ctx, owner, ch); err == nil {
		t.Fatal("undo over a changed entry succeeded")
	}
	if got := dayEntries(t, e, owner, nil); !slices.Equal(got, want) {
		t.Fatalf("a refused undo changed entries:\n got %q\nwant %q", got, want)
	}
}

func TestParseCellDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "", want: 0},
		{in: "–", want: 0},
		{in: "1:30", want: 90 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1.5", want: 90 * time.Minute},
		{in: "1,25", want: 75 * time.Minute},
		{in: "0.33", want: 20 * time.Minute},
		{in: "8", want: 8 * time.Hour},
		{in: "45m", want: 45 * time.Minute},
		{in: "25", bad: true},
		{in: "-1", bad: true},
		{in: "soon", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := app.ParseCellDuration(tc.in)
			if (err != nil) != tc.bad || got != tc.want {
				t.Fatalf("ParseCellDuration(%q) = %s, %v; want %s, error %v", tc.in, got, err, tc.want, tc.bad)
			}
		})
	}
}

// dayEntries lists the owner's entries starting on 2026-11-20 in Berlin (of one project, or
// all with their project), sorted, as "hh:mm-hh:mm source".
func dayEntries(t *testing.T, e *env, a app.Actor, project *uuid.UUID) []string {
	t.Helper()
	berlin := mustLoc(t, "Europe/Berlin")
	from, to := time.Date(2026, 11, 20, 0, 0, 0, 0, berlin), time.Date(2026, 11, 21, 0, 0, 0, 0, berlin)
	page := must[app.Page[app.TimeEntry]](t)(e.svc.TimeEntries(e.ctx, a, app.EntryQuery{ListParams: app.ListParams{Limit: app.MaxPageLimit}, From: &from, To: &to, ProjectID: project}))
	var out []string
	for _, te := range page.Items {
		stop := "running"
		if te.StoppedAt != nil {
			stop = te.StoppedAt.In(berlin).Format("15:04")
			if !te.StoppedAt.Before(to) {
				stop = "24:00"
			}
		}
		s := fmt.Sprintf("%s-%s %s", te.StartedAt.In(berlin).Format("15:04"), stop, te.Source)
		if project == nil {
			s += fmt.Sprintf(" %s %s", te.ProjectID, strings.TrimSpace(te.Description))
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
