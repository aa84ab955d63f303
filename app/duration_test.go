package app_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

func TestWholeMinutes(t *testing.T) {
	for _, c := range []struct {
		secs int64
		want string
	}{{-5, "0:00"}, {0, "0:00"}, {59, "0:00"}, {60, "0:01"}, {179, "0:02"}, {21*3600 + 52*60 + 59, "21:52"}} {
		if got := app.FormatMinuteCount(app.WholeMinutes(c.secs)); got != c.want {
			t.Errorf("%d s: %q, want %q", c.secs, got, c.want)
		}
	}
}

// TestTotalsAddUpTheirCells: a total is the sum of its cells' whole minutes, so two cells of
// 1:40 make 0:02 and not the 0:03 that rounding 3:20 would give.
func TestTotalsAddUpTheirCells(t *testing.T) {
	a, b := uuid.New(), uuid.New()
	sheet := app.Timesheet{Rows: []app.TimesheetRow{
		{ProjectID: &a, Seconds: [7]int64{100, 0, 3599}},
		{ProjectID: &b, Seconds: [7]int64{100, 59, 3601}},
	}}
	m := sheet.Minutes()
	if m.Rows[0][0] != 1 || m.Rows[1][0] != 1 || m.DayTotals[0] != 2 || m.DayTotals[1] != 0 || m.DayTotals[2] != 119 {
		t.Fatalf("cells %v, day totals %v", m.Rows, m.DayTotals)
	}
	if m.RowTotals[0] != 60 || m.RowTotals[1] != 61 || m.Total != 121 {
		t.Fatalf("row totals %v, total %d", m.RowTotals, m.Total)
	}
	c := app.Cells{}
	c.Add("2026-11-23", &a, 100)
	c.Add("2026-11-23", &b, 100)
	c.Add("2026-11-23", nil, 30)
	c.Add("2026-11-24", &a, 3599)
	c.Add("2026-11-24", &a, 1)
	if got := c.Minutes("2026-11-23", "2026-11-23"); got != 2 {
		t.Fatalf("one day: %d", got)
	}
	if got := c.Minutes("2026-11-23", "2026-11-29"); got != 62 {
		t.Fatalf("week: %d", got)
	}
}
