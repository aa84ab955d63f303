package app_test

import (
	"fmt"
	"slices"
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

// TestDisplaySheetAddsUp: totals are the sums of the cells as shown, in decimal hours too.
func TestDisplaySheetAddsUp(t *testing.T) {
	twenty := [7]int64{20 * 60, 20 * 60, 20 * 60}
	sheet := app.Timesheet{Rows: []app.TimesheetRow{{Seconds: twenty}, {Seconds: [7]int64{20 * 60}}}}
	cells := app.Cells{}
	for d, secs := range twenty {
		cells.Add(fmt.Sprintf("2026-11-2%d", d+3), nil, secs)
	}
	tests := []struct {
		d                     app.Display
		cell, row, day, total string
		cellsTotal            string
	}{
		{d: app.Display{}, cell: "0:20", row: "1:00", day: "0:40", total: "1:20", cellsTotal: "1:00"},
		{d: app.Display{Decimal: true}, cell: "0.33", row: "0.99", day: "0.66", total: "1.32", cellsTotal: "0.99"},
	}
	for _, tc := range tests {
		f := tc.d.Sheet(sheet)
		if f.Rows[0][0] != tc.cell || f.RowTotals[0] != tc.row || f.DayTotals[0] != tc.day || f.Total != tc.total {
			t.Errorf("%+v: cell %s row %s day %s total %s; want %s %s %s %s", tc.d, f.Rows[0][0], f.RowTotals[0], f.DayTotals[0], f.Total, tc.cell, tc.row, tc.day, tc.total)
		}
		if got := tc.d.Total(cells, "2026-11-23", "2026-11-29"); got != tc.cellsTotal {
			t.Errorf("%+v: Total = %s, want %s", tc.d, got, tc.cellsTotal)
		}
		if got := tc.d.Sum(20, 20, 20); got != tc.cellsTotal {
			t.Errorf("%+v: Sum = %s, want %s", tc.d, got, tc.cellsTotal)
		}
	}
}

// TestDisplayShares: a cell's figure shared among its parts adds up to the cell as shown.
func TestDisplayShares(t *testing.T) {
	dec := app.Display{Decimal: true}
	for _, c := range []struct {
		d    app.Display
		secs []int64
		want []string
	}{
		{dec, []int64{1230, 1230}, []string{"0.34", "0.34"}},               // 41 min: 0.68
		{dec, []int64{1200, 1200, 1200}, []string{"0.34", "0.33", "0.33"}}, // 60 min: 1.00
		{dec, []int64{3000, 600}, []string{"0.83", "0.17"}},                // 60 min: 1.00
		{dec, []int64{0, 0}, []string{"0.00", "0.00"}},
		{app.Display{}, []int64{90, 90}, []string{"0:02", "0:01"}}, // 3 min: 0:03
	} {
		if got := c.d.Shares(c.secs); !slices.Equal(got, c.want) {
			t.Errorf("Shares(%v) = %v, want %v", c.secs, got, c.want)
		}
	}
}
