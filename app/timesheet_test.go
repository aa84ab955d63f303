package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestTimesheetWeekGrid puts entries on a DST week and checks each cell and both totals.
func TestTimesheetWeekGrid(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup() // organization zone Europe/Berlin
	berlin := mustLoc(t, "Europe/Berlin")
	e.clock.Set(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	web := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "website"}))
	acme := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Acme"}))
	gone := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Gone"}))
	add := func(p *app.Project, start time.Time, d time.Duration) {
		t.Helper()
		stop := start.Add(d)
		in := app.TimeEntryInput{StartedAt: start, StoppedAt: &stop}
		if p != nil {
			in.ProjectID = &p.ID
		}
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, in))
	}
	// Week of Monday 2026-10-19; Sunday 2026-10-25 is the 25-hour fall-back day.
	add(&acme, time.Date(2026, 10, 19, 9, 0, 0, 0, berlin), 2*time.Hour)
	add(&web, time.Date(2026, 10, 20, 23, 0, 0, 0, berlin), 2*time.Hour)  // Tue 1h, Wed 1h
	add(&acme, time.Date(2026, 10, 25, 1, 0, 0, 0, berlin), 3*time.Hour)  // 01:00-03:00 CET is 3h on Sunday
	add(nil, time.Date(2026, 10, 25, 23, 30, 0, 0, berlin), time.Hour)    // Sun 30m, next Monday 30m (outside)
	add(&gone, time.Date(2026, 10, 18, 23, 0, 0, 0, berlin), 2*time.Hour) // Sunday before 1h (outside), Mon 1h
	add(&web, time.Date(2026, 10, 12, 10, 0, 0, 0, berlin), time.Hour)    // previous week
	must[app.Project](t)(e.svc.UpdateProject(e.ctx, owner, acme.ID, app.ProjectPatch{Archived: ptrTo(true)}, 0))
	if err := e.svc.DeleteProject(e.ctx, owner, gone.ID, 0); err != nil {
		t.Fatal(err)
	}

	ts := must[app.Timesheet](t)(e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{Date: "2026-10-22"}))
	if ts.Timezone != "Europe/Berlin" || ts.Days[0] != "2026-10-19" || ts.Days[6] != "2026-10-25" {
		t.Fatalf("week: %s %v", ts.Timezone, ts.Days)
	}
	h := int64(3600)
	type row struct {
		name    string
		seconds [7]int64
	}
	var got []row
	for _, r := range ts.Rows {
		name := r.Name
		switch {
		case r.ProjectID == nil:
			name = "(none)"
		case r.Missing:
			name = "(deleted)"
		}
		got = append(got, row{name, r.Seconds})
		var sum int64
		for _, s := range r.Seconds {
			sum += s
		}
		if sum != r.TotalSeconds {
			t.Errorf("row %s total %d, cells add to %d", name, r.TotalSeconds, sum)
		}
	}
	want := []row{
		{"Acme", [7]int64{2 * h, 0, 0, 0, 0, 0, 3 * h}},
		{"website", [7]int64{0, h, h, 0, 0, 0, 0}},
		{"(none)", [7]int64{0, 0, 0, 0, 0, 0, h / 2}},
		{"(deleted)", [7]int64{h, 0, 0, 0, 0, 0, 0}},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("rows\n got %v\nwant %v", got, want)
	}
	if !ts.Rows[0].Archived {
		t.Error("archived project not marked")
	}
	if ts.DayTotals != [7]int64{3 * h, h, h, 0, 0, 0, 3*h + h/2} || ts.TotalSeconds != 8*h+h/2 {
		t.Fatalf("day totals %v total %d", ts.DayTotals, ts.TotalSeconds)
	}
	// The same week seen from New York moves the late-evening entries.
	ny := must[app.Timesheet](t)(e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{Date: "2026-10-22", Timezone: "America/New_York"}))
	if ny.TotalSeconds == ts.TotalSeconds && ny.DayTotals == ts.DayTotals {
		t.Fatal("a different zone should cut days differently")
	}
	// Default date is this week; a running entry counts up to now.
	e.clock.Set(time.Date(2026, 10, 21, 10, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &web.ID}))
	e.clock.Advance(90 * time.Minute)
	now := must[app.Timesheet](t)(e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{}))
	if now.Days[0] != "2026-10-19" || now.DayTotals[2] != h+90*60 {
		t.Fatalf("running entry: %v %v", now.Days, now.DayTotals)
	}
	if _, err := e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{Date: "last week"}); !slices.Contains(fields(err), "date") {
		t.Fatalf("bad date: %v", err)
	}
	if _, err := e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{Timezone: "Mars/Olympus"}); !slices.Contains(fields(err), "timezone") {
		t.Fatalf("bad zone: %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }
