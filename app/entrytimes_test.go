package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestEntryTimes(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, berlin) }
	cases := []struct {
		in         app.EntryTimes
		requireEnd bool
		start      time.Time
		stop       *time.Time // nil: running
		bad        []string
	}{
		{app.EntryTimes{"2026-11-23", "09:00", "10:30"}, true, at(2026, 11, 23, 9, 0), ptrTo(at(2026, 11, 23, 10, 30)), nil},
		{app.EntryTimes{"2026-11-23", "9", "1030"}, true, at(2026, 11, 23, 9, 0), ptrTo(at(2026, 11, 23, 10, 30)), nil},
		{app.EntryTimes{"2026-11-23", "9:15 am", "2pm"}, true, at(2026, 11, 23, 9, 15), ptrTo(at(2026, 11, 23, 14, 0)), nil},
		{app.EntryTimes{"2026-11-23", "12am", "12pm"}, true, at(2026, 11, 23, 0, 0), ptrTo(at(2026, 11, 23, 12, 0)), nil},
		{app.EntryTimes{"2026-11-23", "22:00", "01:30"}, true, at(2026, 11, 23, 22, 0), ptrTo(at(2026, 11, 24, 1, 30)), nil},
		{app.EntryTimes{"2026-11-23", "22:00", "+1h45m"}, true, at(2026, 11, 23, 22, 0), ptrTo(at(2026, 11, 23, 23, 45)), nil},
		{app.EntryTimes{"2026-10-25", "01:00", "04:00"}, true, at(2026, 10, 25, 1, 0), ptrTo(at(2026, 10, 25, 4, 0)), nil}, // 4h on the fall-back day
		{app.EntryTimes{"2026-11-23", "09:00", ""}, false, at(2026, 11, 23, 9, 0), nil, nil},
		{app.EntryTimes{"2026-11-23", "09:00", ""}, true, time.Time{}, nil, []string{"stopped_at"}},
		{app.EntryTimes{"23.11.2026", "25:00", "soon"}, true, time.Time{}, nil, []string{"date", "started_at", "stopped_at"}},
		{app.EntryTimes{"2026-11-23", "9:5", "+0"}, true, time.Time{}, nil, []string{"started_at", "stopped_at"}},
		{app.EntryTimes{"2026-11-23", "13pm", "10:60"}, true, time.Time{}, nil, []string{"started_at", "stopped_at"}},
	}
	for _, c := range cases {
		start, stop, err := c.in.Parse(berlin, c.requireEnd)
		if c.bad != nil {
			if got := fields(err); !slices.Equal(got, c.bad) {
				t.Errorf("%+v: fields %v, want %v", c.in, got, c.bad)
			}
			continue
		}
		if err != nil || !start.Equal(c.start) || (stop == nil) != (c.stop == nil) || (stop != nil && !stop.Equal(*c.stop)) {
			t.Errorf("%+v: got %v %v %v", c.in, start, stop, err)
			continue
		}
		// Round trip through the form.
		e := app.TimeEntry{StartedAt: start.UTC(), StoppedAt: stop}
		s2, st2, err := app.FormEntryTimes(e, berlin).Parse(berlin, false)
		if err != nil || !s2.Equal(start) || (stop != nil && !st2.Equal(*stop)) {
			t.Errorf("%+v: round trip %v %v %v", c.in, s2, st2, err)
		}
	}
	long := app.TimeEntry{StartedAt: at(2026, 11, 23, 9, 0), StoppedAt: ptrTo(at(2026, 11, 24, 10, 0))}
	if f := app.FormEntryTimes(long, berlin); f.End != "+25h0m0s" {
		t.Fatalf("long entry form: %+v", f)
	}
}
