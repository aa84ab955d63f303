package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestDayLog(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup() // Europe/Berlin
	berlin := mustLoc(t, "Europe/Berlin")
	e.clock.Set(time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P"}))
	add := func(desc string, start time.Time, d time.Duration, project bool) app.TimeEntry {
		t.Helper()
		stop := start.Add(d)
		in := app.TimeEntryInput{Description: desc, StartedAt: start, StoppedAt: &stop}
		if project {
			in.ProjectID = &p.ID
		}
		return must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, in))
	}
	late := add("late night deploy", time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), 4*time.Hour, true) // crosses midnight into the spring-forward day
	add("Standup", time.Date(2026, 3, 29, 9, 0, 0, 0, berlin), 15*time.Minute, false)
	add("review", time.Date(2026, 3, 29, 10, 0, 0, 0, berlin), 30*time.Minute, true)
	add("old", time.Date(2026, 3, 20, 10, 0, 0, 0, berlin), time.Hour, true)

	log := must[app.DayLog](t)(e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-28", To: "2026-03-30"}))
	if len(log.Days) != 2 || log.Days[0].Date != "2026-03-29" || log.Days[1].Date != "2026-03-28" {
		t.Fatalf("days newest first: %+v", log.Days)
	}
	sun, sat := log.Days[0], log.Days[1]
	// 23:00 CET to 04:00 CEST is 4h: 1h on Saturday, 3h on Sunday (02:00-03:00 does not exist).
	if sat.TotalSeconds != 3600 || len(sat.Entries) != 1 || !sat.Entries[0].EndsLater || sat.Entries[0].StartsEarlier {
		t.Fatalf("saturday: %+v", sat)
	}
	if len(sun.Entries) != 3 || sun.Entries[0].Description != "review" || sun.Entries[2].ID != late.ID ||
		!sun.Entries[2].StartsEarlier || sun.Entries[2].EndsLater || sun.Entries[2].Seconds != 3*3600 {
		t.Fatalf("sunday entries: %+v", sun.Entries)
	}
	if sun.TotalSeconds != 3*3600+45*60 || log.TotalSeconds != sun.TotalSeconds+sat.TotalSeconds {
		t.Fatalf("totals: %d %d", sun.TotalSeconds, log.TotalSeconds)
	}
	if got := log.Day("2026-03-30"); got.Date != "2026-03-30" || len(got.Entries) != 0 {
		t.Fatalf("empty day: %+v", got)
	}
	// Filters: project and words in any order, any case.
	byProject := must[app.DayLog](t)(e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-28", To: "2026-03-30", ProjectID: &p.ID}))
	if byProject.TotalSeconds != 4*3600+30*60 {
		t.Fatalf("project filter total %d", byProject.TotalSeconds)
	}
	search := must[app.DayLog](t)(e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-01", To: "2026-03-31", Search: "DEPLOY night"}))
	if len(search.Days) != 2 || search.TotalSeconds != 4*3600 {
		t.Fatalf("search: %+v", search)
	}
	// A timer stopped within its first second still shows, with no time.
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "oops"}))
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, owner))
	today := must[app.DayLog](t)(e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-30", To: "2026-03-30"}))
	if len(today.Days) != 1 || today.Days[0].Entries[0].Description != "oops" || today.Days[0].TotalSeconds != 0 {
		t.Fatalf("zero-length entry: %+v", today.Days)
	}
	if _, err := e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-30", To: "2026-03-01"}); err == nil {
		t.Fatal("reversed range accepted")
	}
}
