package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestDisplay(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := time.Date(2026, 11, 25, 13, 5, 0, 0, time.UTC) // Wednesday 14:05 in Berlin
	tests := []struct {
		name      string
		d         app.Display
		clock     string
		mins      string // of 95 minutes
		zero      string
		weekStart string
	}{
		{name: "default", d: app.Display{}, clock: "14:05", mins: "1:35", zero: "0:00", weekStart: "2026-11-23"},
		{name: "12-hour", d: app.Display{Hour12: true}, clock: "2:05 PM", mins: "1:35", zero: "0:00", weekStart: "2026-11-23"},
		{name: "decimal", d: app.Display{Decimal: true}, clock: "14:05", mins: "1.58", zero: "0.00", weekStart: "2026-11-23"},
		{name: "sunday", d: app.Display{Sunday: true}, clock: "14:05", mins: "1:35", zero: "0:00", weekStart: "2026-11-22"},
		{name: "saturday", d: app.Display{Saturday: true}, clock: "14:05", mins: "1:35", zero: "0:00", weekStart: "2026-11-21"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.Clock(at, berlin); got != tc.clock {
				t.Errorf("Clock = %q, want %q", got, tc.clock)
			}
			if got := tc.d.Minutes(95); got != tc.mins {
				t.Errorf("Minutes(95) = %q, want %q", got, tc.mins)
			}
			if got := tc.d.Minutes(0); got != tc.zero {
				t.Errorf("Minutes(0) = %q, want %q", got, tc.zero)
			}
			if got := tc.d.WeekStart(at, berlin).Format(app.DateLayout); got != tc.weekStart {
				t.Errorf("WeekStart = %s, want %s", got, tc.weekStart)
			}
			// A week starts on its own first day.
			first := tc.d.WeekStart(at, berlin)
			if got := tc.d.WeekStart(first, berlin); !got.Equal(first) {
				t.Errorf("WeekStart(first day) = %s, want %s", got, first)
			}
		})
	}
}
