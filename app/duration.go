package app

import (
	"fmt"

	"github.com/google/uuid"
)

// WholeMinutes is Stint's one rounding rule for time shown in hours and minutes: the whole
// minutes passed, rounded down, so a running timer's h:mm never runs ahead of its h:mm:ss.
// The rule applies to a cell: one project's time on one day. Every h:mm total is the sum of
// its cells' whole minutes, never the rounded sum of their seconds, so a timesheet's cells
// add up to the totals beside them, and the timer screen's today and week figures are the
// timesheet's for the same data.
func WholeMinutes(secs int64) int64 {
	if secs <= 0 {
		return 0
	}
	return secs / 60
}

// FormatMinuteCount renders whole minutes as h:mm.
func FormatMinuteCount(mins int64) string {
	if mins < 0 {
		mins = 0
	}
	return fmt.Sprintf("%d:%02d", mins/60, mins%60)
}

// DayProject is one cell of time: a local day (YYYY-MM-DD) and a project (uuid.Nil: none).
type DayProject struct {
	Date      string
	ProjectID uuid.UUID
}

// Cells adds up seconds per day and project, to show totals by the WholeMinutes rule.
type Cells map[DayProject]int64

// Add counts secs on date for project (nil: no project).
func (c Cells) Add(date string, project *uuid.UUID, secs int64) {
	k := DayProject{Date: date}
	if project != nil {
		k.ProjectID = *project
	}
	c[k] += secs
}

// Minutes is the total in whole minutes of the cells dated from..to (inclusive): the sum of
// each cell's WholeMinutes.
func (c Cells) Minutes(from, to string) int64 {
	var m int64
	for k, secs := range c {
		if k.Date >= from && k.Date <= to {
			m += WholeMinutes(secs)
		}
	}
	return m
}

// SheetMinutes is a timesheet in whole minutes: each cell by WholeMinutes, and each total the
// sum of the cells it covers.
type SheetMinutes struct {
	Rows      [][7]int64 // as Timesheet.Rows
	RowTotals []int64
	DayTotals [7]int64
	Total     int64
}

// Minutes applies the WholeMinutes rule to the sheet.
func (t Timesheet) Minutes() SheetMinutes {
	m := SheetMinutes{Rows: make([][7]int64, len(t.Rows)), RowTotals: make([]int64, len(t.Rows))}
	for i, r := range t.Rows {
		for d, secs := range r.Seconds {
			c := WholeMinutes(secs)
			m.Rows[i][d] = c
			m.RowTotals[i] += c
			m.DayTotals[d] += c
			m.Total += c
		}
	}
	return m
}
