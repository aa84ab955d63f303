package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func entry(start, stop time.Time) app.TimeEntry {
	return app.TimeEntry{StartedAt: start.UTC(), StoppedAt: &stop}
}

// TestSplitByDay cuts entries at local midnights, across zones and DST changes.
func TestSplitByDay(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	ny := mustLoc(t, "America/New_York")
	kolkata := mustLoc(t, "Asia/Kolkata")
	lordHowe := mustLoc(t, "Australia/Lord_Howe") // 30-minute DST shift
	type share struct {
		date string
		dur  time.Duration
	}
	cases := []struct {
		name  string
		e     app.TimeEntry
		loc   *time.Location
		want  []share
		total time.Duration
	}{
		{"crosses midnight", entry(time.Date(2026, 11, 23, 22, 0, 0, 0, berlin), time.Date(2026, 11, 24, 1, 30, 0, 0, berlin)), berlin,
			[]share{{"2026-11-23", 2 * time.Hour}, {"2026-11-24", 90 * time.Minute}}, 210 * time.Minute},
		{"same instant seen from New York stays on one day", entry(time.Date(2026, 11, 23, 22, 0, 0, 0, berlin), time.Date(2026, 11, 24, 1, 30, 0, 0, berlin)), ny,
			[]share{{"2026-11-23", 210 * time.Minute}}, 210 * time.Minute},
		{"spring forward: 23-hour day, 01:00-04:00 local is 2h", entry(time.Date(2026, 3, 29, 1, 0, 0, 0, berlin), time.Date(2026, 3, 29, 4, 0, 0, 0, berlin)), berlin,
			[]share{{"2026-03-29", 2 * time.Hour}}, 2 * time.Hour},
		{"fall back: 01:00-04:00 local is 4h", entry(time.Date(2026, 10, 25, 1, 0, 0, 0, berlin), time.Date(2026, 10, 25, 4, 0, 0, 0, berlin)), berlin,
			[]share{{"2026-10-25", 4 * time.Hour}}, 4 * time.Hour},
		{"whole spring-forward day is 23h", entry(time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), time.Date(2026, 3, 30, 12, 0, 0, 0, berlin)), berlin,
			[]share{{"2026-03-28", 12 * time.Hour}, {"2026-03-29", 23 * time.Hour}, {"2026-03-30", 12 * time.Hour}}, 47 * time.Hour},
		{"whole fall-back day is 25h", entry(time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 26, 12, 0, 0, 0, berlin)), berlin,
			[]share{{"2026-10-24", 12 * time.Hour}, {"2026-10-25", 25 * time.Hour}, {"2026-10-26", 12 * time.Hour}}, 49 * time.Hour},
		{"US fall back crossing midnight", entry(time.Date(2026, 10, 31, 23, 0, 0, 0, ny), time.Date(2026, 11, 1, 3, 0, 0, 0, ny)), ny,
			[]share{{"2026-10-31", time.Hour}, {"2026-11-01", 4 * time.Hour}}, 5 * time.Hour},
		{"half-hour zone", entry(time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)), kolkata,
			[]share{{"2026-11-23", 30 * time.Minute}, {"2026-11-24", 30 * time.Minute}}, time.Hour},
		{"Lord Howe half-hour DST", entry(time.Date(2026, 4, 5, 1, 0, 0, 0, lordHowe), time.Date(2026, 4, 5, 3, 0, 0, 0, lordHowe)), lordHowe,
			[]share{{"2026-04-05", 150 * time.Minute}}, 150 * time.Minute},
		{"UTC new year", entry(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 1, 0, 0, time.UTC)), time.UTC,
			[]share{{"2026-12-31", time.Minute}, {"2027-01-01", time.Minute}}, 2 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := app.SplitByDay(c.e, c.loc, time.Time{})
			var gs []share
			var total time.Duration
			for _, s := range got {
				gs = append(gs, share{s.Date, s.Span})
				total += s.Span
				if s.Seconds != int64(s.Span/time.Second) {
					t.Errorf("seconds %d vs span %v", s.Seconds, s.Span)
				}
			}
			if !slices.Equal(gs, c.want) || total != c.total {
				t.Fatalf("got %v (total %v), want %v (total %v)", gs, total, c.want, c.total)
			}
			if total != c.e.Duration(time.Time{}) {
				t.Fatalf("shares add up to %v, entry lasts %v", total, c.e.Duration(time.Time{}))
			}
		})
	}
	// A running entry is measured up to now.
	running := app.TimeEntry{StartedAt: time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)}
	got := app.SplitByDay(running, time.UTC, time.Date(2026, 11, 24, 0, 30, 0, 0, time.UTC))
	if len(got) != 2 || got[1].Span != 30*time.Minute {
		t.Fatalf("running split: %+v", got)
	}
}

func TestWeekStartAndDayBounds(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	// Sunday 2026-03-29 (spring forward) belongs to the week of Monday 2026-03-23.
	ws := app.WeekStart(time.Date(2026, 3, 29, 12, 0, 0, 0, berlin), berlin)
	if ws.Format(app.DateLayout) != "2026-03-23" || ws.Hour() != 0 {
		t.Fatalf("week start %v", ws)
	}
	start, end, err := app.DayBounds("2026-03-29", berlin)
	if err != nil || end.Sub(start) != 23*time.Hour {
		t.Fatalf("spring-forward day lasts %v (%v)", end.Sub(start), err)
	}
	start, end, _ = app.DayBounds("2026-10-25", berlin)
	if end.Sub(start) != 25*time.Hour {
		t.Fatalf("fall-back day lasts %v", end.Sub(start))
	}
	if _, _, err := app.DayBounds("2026-13-01", berlin); err == nil {
		t.Fatal("bad date accepted")
	}
}

// TestSummaryAcrossZones stores one entry and reports it in two zones: the days differ, the
// total does not.
func TestSummaryAcrossZones(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	e.clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P"}))
	start := time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC) // 23:30 in Berlin, 17:30 in New York
	stop := start.Add(2 * time.Hour)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	// An entry from before the range that runs into it counts only its part inside.
	early := time.Date(2026, 11, 21, 22, 0, 0, 0, time.UTC)
	earlyStop := early.Add(3 * time.Hour)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: early, StoppedAt: &earlyStop}))

	berlin := must[app.Summary](t)(e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-11-22", To: "2026-11-24", Timezone: "Europe/Berlin"}))
	ny := must[app.Summary](t)(e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-11-22", To: "2026-11-24", Timezone: "America/New_York"}))
	days := func(s app.Summary) map[string]int64 {
		m := map[string]int64{}
		for _, d := range s.Days {
			m[d.Date] = d.Seconds
		}
		return m
	}
	// Berlin: early entry 23:00 Nov 21 – 02:00 Nov 22 → 2h on the 22nd; main entry 30m on the 23rd, 90m on the 24th.
	if got := days(berlin); got["2026-11-22"] != 7200 || got["2026-11-23"] != 1800 || got["2026-11-24"] != 5400 || berlin.TotalSeconds != 4*3600 {
		t.Fatalf("berlin: %+v total %d", got, berlin.TotalSeconds)
	}
	// New York: early entry 17:00–20:00 Nov 21 is outside; main entry all on the 23rd.
	if got := days(ny); len(got) != 1 || got["2026-11-23"] != 7200 || ny.TotalSeconds != 7200 {
		t.Fatalf("new york: %+v", got)
	}
	if len(berlin.Projects) != 2 || berlin.Projects[0].Seconds != 7200 {
		t.Fatalf("projects: %+v", berlin.Projects)
	}
	// Default zone is the organization's (Europe/Berlin from signup).
	def := must[app.Summary](t)(e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-11-22", To: "2026-11-24"}))
	if def.Timezone != "Europe/Berlin" || def.TotalSeconds != berlin.TotalSeconds {
		t.Fatalf("default zone: %s %d", def.Timezone, def.TotalSeconds)
	}
	_, err := e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-11-24", To: "2026-11-22", Timezone: "Nowhere/Land"})
	if f := fields(err); !slices.Contains(f, "timezone") {
		t.Fatalf("bad summary query: %v", err)
	}
}

// TestReportsCountLongRunningEntries: a running entry that started three days before the
// range still counts in full for the range's days, in the summary, the day log and the
// timesheet totals; the range here is the 23-hour spring-forward day in Berlin.
func TestReportsCountLongRunningEntries(t *testing.T) {
	e := newEnv(t)
	berlin := mustLoc(t, "Europe/Berlin")
	owner, _ := e.signup()
	e.clock.Set(time.Date(2026, 3, 26, 9, 0, 0, 0, berlin))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "forgot to stop"}))
	e.clock.Set(time.Date(2026, 3, 30, 12, 0, 0, 0, berlin))
	// An entry that ended exactly at the range's start adds nothing.
	start, stop := time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), time.Date(2026, 3, 29, 0, 0, 0, 0, berlin)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{Description: "evening", StartedAt: start, StoppedAt: &stop}))
	sum := must[app.Summary](t)(e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-03-29", To: "2026-03-29", Timezone: "Europe/Berlin"}))
	if sum.TotalSeconds != 23*3600 {
		t.Errorf("summary of the spring-forward day: %d s, want %d", sum.TotalSeconds, 23*3600)
	}
	log := must[app.DayLog](t)(e.svc.DayLog(e.ctx, owner, app.DayLogQuery{From: "2026-03-29", To: "2026-03-29", Timezone: "Europe/Berlin"}))
	if log.TotalSeconds != 23*3600 {
		t.Errorf("day log of the spring-forward day: %d s, want %d", log.TotalSeconds, 23*3600)
	}
}
