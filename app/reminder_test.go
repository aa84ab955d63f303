package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestRemindDue(t *testing.T) {
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	on := app.DefaultReminders()
	on.Remind = true
	weekend := on
	weekend.Days[time.Saturday] = true
	b := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, berlin) }
	var never time.Time
	tests := []struct {
		name     string
		r        app.Reminders
		loc      *time.Location
		now      time.Time
		running  bool
		lastStop time.Time
		reminded time.Time
		want     bool
	}{
		{"off", app.DefaultReminders(), berlin, b(2026, 11, 23, 10, 0), false, never, never, false},
		{"monday 09:30, idle since 09:00", on, berlin, b(2026, 11, 23, 9, 30), false, never, never, true},
		{"monday 09:29 is too early", on, berlin, b(2026, 11, 23, 9, 29), false, never, never, false},
		{"a timer runs", on, berlin, b(2026, 11, 23, 11, 0), true, never, never, false},
		{"before working hours", on, berlin, b(2026, 11, 23, 8, 45), false, never, never, false},
		{"at the end of working hours", on, berlin, b(2026, 11, 23, 17, 0), false, never, never, false},
		{"saturday", on, berlin, b(2026, 11, 28, 11, 0), false, never, never, false},
		{"saturday as a working day", weekend, berlin, b(2026, 11, 28, 11, 0), false, never, never, true},
		{"stopped 20 minutes ago", on, berlin, b(2026, 11, 23, 11, 0), false, b(2026, 11, 23, 10, 40), never, false},
		{"stopped 30 minutes ago", on, berlin, b(2026, 11, 23, 11, 10), false, b(2026, 11, 23, 10, 40), never, true},
		{"stopped yesterday evening", on, berlin, b(2026, 11, 24, 9, 30), false, b(2026, 11, 23, 19, 0), never, true},
		{"once per idle stretch", on, berlin, b(2026, 11, 23, 11, 0), false, never, b(2026, 11, 23, 9, 30), false},
		{"a new stretch after a timer stopped", on, berlin, b(2026, 11, 23, 12, 30), false, b(2026, 11, 23, 12, 0), b(2026, 11, 23, 9, 30), true},
		{"a new day is a new stretch", on, berlin, b(2026, 11, 24, 9, 30), false, never, b(2026, 11, 23, 9, 30), true},
		// 09:30 in New York is 15:30 in Berlin: the user's zone decides, not UTC or Berlin.
		{"zone: 09:30 in New York", on, ny, time.Date(2026, 11, 23, 9, 30, 0, 0, ny), false, never, never, true},
		{"zone: 08:30 in New York", on, ny, time.Date(2026, 11, 23, 8, 30, 0, 0, ny), false, never, never, false},
		// Berlin moves its clocks on 29 March and 25 October 2026, both Sundays; the
		// Mondays after keep 09:00 local.
		{"day after spring forward", on, berlin, b(2026, 3, 30, 9, 30), false, never, never, true},
		{"day after fall back", on, berlin, b(2026, 10, 26, 9, 29), false, never, never, false},
		{"day after fall back 09:30", on, berlin, b(2026, 10, 26, 9, 30), false, never, never, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.RemindDue(tc.now, tc.loc, tc.running, tc.lastStop, tc.reminded); got != tc.want {
				t.Fatalf("RemindDue(%s) = %v, want %v", tc.now.In(tc.loc).Format(time.RFC3339), got, tc.want)
			}
		})
	}
}

func TestStopDue(t *testing.T) {
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	on := app.DefaultReminders()
	on.Stop = true
	early := on
	early.StopAt = 2*60 + 30 // 02:30, inside the spring-forward gap
	b := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, berlin) }
	tests := []struct {
		name    string
		r       app.Reminders
		loc     *time.Location
		started time.Time
		now     time.Time
		want    time.Time // zero: not due
	}{
		{"off", app.DefaultReminders(), berlin, b(11, 23, 9, 0), b(11, 23, 19, 0), time.Time{}},
		{"before the set time", on, berlin, b(11, 23, 9, 0), b(11, 23, 17, 59), time.Time{}},
		{"at the set time", on, berlin, b(11, 23, 9, 0), b(11, 23, 18, 0), b(11, 23, 18, 0)},
		{"found hours later", on, berlin, b(11, 23, 9, 0), b(11, 23, 23, 40), b(11, 23, 18, 0)},
		{"found the next morning", on, berlin, b(11, 23, 9, 0), b(11, 24, 8, 0), b(11, 23, 18, 0)},
		{"started after the set time runs to tomorrow's", on, berlin, b(11, 23, 19, 0), b(11, 23, 23, 0), time.Time{}},
		{"started after the set time stops tomorrow", on, berlin, b(11, 23, 19, 0), b(11, 24, 18, 5), b(11, 24, 18, 0)},
		{"started exactly at the set time", on, berlin, b(11, 23, 18, 0), b(11, 23, 18, 1), time.Time{}},
		{"user's zone, not the machine's", on, ny, time.Date(2026, 11, 23, 9, 0, 0, 0, ny), b(11, 24, 0, 0), time.Date(2026, 11, 23, 18, 0, 0, 0, ny)},
		{"overnight into fall back", on, berlin, b(10, 24, 19, 0), b(10, 25, 20, 0), b(10, 25, 18, 0)},
		{"overnight into spring forward", on, berlin, b(3, 28, 19, 0), b(3, 29, 20, 0), b(3, 29, 18, 0)},
		{"a set time inside the gap lands after it", early, berlin, b(3, 28, 19, 0), b(3, 29, 4, 0), b(3, 29, 3, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, due := tc.r.StopDue(tc.now, tc.loc, tc.started)
			if due != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Fatalf("StopDue = %v, %v; want %v", got.In(tc.loc), due, tc.want.In(tc.loc))
			}
			if due && got.Sub(tc.started) > 25*time.Hour {
				t.Fatalf("a stop %v after the start", got.Sub(tc.started))
			}
		})
	}
}

func TestStopTimerAt(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	start := e.clock.Now()
	run := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "report"}))
	e.clock.Advance(10 * time.Hour)
	set := start.Add(8 * time.Hour)

	// Another entry id: the timer changed meanwhile, nothing is stopped.
	other := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{Description: "old",
		StartedAt: start.Add(-3 * time.Hour), StoppedAt: ptr(start.Add(-2 * time.Hour))}))
	_, err := e.svc.StopTimerAt(e.ctx, owner, other.ID, set)
	wantErr(t, err, app.ErrConflict)

	got := must[app.TimeEntry](t)(e.svc.StopTimerAt(e.ctx, owner, run.ID, set))
	if got.StoppedAt == nil || !got.StoppedAt.Equal(set) {
		t.Fatalf("stopped at %v, want the set time %v", got.StoppedAt, set)
	}
	if r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner)); r != nil {
		t.Fatalf("still running: %+v", r)
	}
	_, err = e.svc.StopTimerAt(e.ctx, owner, run.ID, set)
	wantErr(t, err, app.ErrConflict)

	// Clamped: never before the start, never after now.
	run = must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "late"}))
	e.clock.Advance(time.Hour)
	got = must[app.TimeEntry](t)(e.svc.StopTimerAt(e.ctx, owner, run.ID, run.StartedAt.Add(-time.Hour)))
	if !got.StoppedAt.Equal(run.StartedAt) {
		t.Fatalf("stopped at %v, before its start %v", got.StoppedAt, run.StartedAt)
	}
	run = must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "future"}))
	got = must[app.TimeEntry](t)(e.svc.StopTimerAt(e.ctx, owner, run.ID, e.clock.Now().Add(time.Hour)))
	if !got.StoppedAt.Equal(e.clock.Now().Truncate(time.Second)) {
		t.Fatalf("stopped at %v, after now %v", got.StoppedAt, e.clock.Now())
	}
}
