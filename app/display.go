package app

import (
	"fmt"
	"time"
)

// Display is how a person likes times shown: a 12- or 24-hour clock, the first day of the
// week, and durations as h:mm or decimal hours. The zero value is Stint's default: 24 hours,
// weeks from Monday, h:mm.
type Display struct {
	Hour12   bool
	Sunday   bool // weeks start on Sunday instead of Monday
	Decimal  bool // durations as decimal hours, "1.50"
	Saturday bool // weeks start on Saturday (wins over Sunday)
}

// FirstDay is the day weeks start on.
func (d Display) FirstDay() time.Weekday {
	switch {
	case d.Saturday:
		return time.Saturday
	case d.Sunday:
		return time.Sunday
	}
	return time.Monday
}

// Clock renders an instant's time of day in loc: "14:05" or "2:05 PM".
func (d Display) Clock(t time.Time, loc *time.Location) string {
	if d.Hour12 {
		return t.In(loc).Format("3:04 PM")
	}
	return t.In(loc).Format("15:04")
}

// Minutes renders whole minutes (see WholeMinutes) as "1:30", or as decimal hours "1.50",
// rounded to the nearest hundredth.
func (d Display) Minutes(mins int64) string { return d.format(d.unit(mins)) }

// unit is whole minutes in what d shows: minutes, or hundredths of an hour (rounded to the
// nearest). Totals add up their cells' units, so cells add up to the totals shown in decimal
// hours too (three cells of 0:20 show 0.33 each and 0.99 in total, not 1.00).
func (d Display) unit(mins int64) int64 {
	if mins < 0 {
		mins = 0
	}
	if !d.Decimal {
		return mins
	}
	return (mins*100 + 30) / 60
}

func (d Display) format(n int64) string {
	if !d.Decimal {
		return FormatMinuteCount(n)
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

// Shares splits one cell's figure among its parts (the entries of one project on one day,
// given by their seconds): each part gets its share of the cell's units (minutes, or
// hundredths of an hour) by largest remainder, so the parts add up to the cell as Total
// shows it (two entries of 20 min 30 s: 0.34 and 0.34 for the cell's 41 minutes, 0.68).
func (d Display) Shares(secs []int64) []string {
	var total int64
	for _, s := range secs {
		total += max(s, 0)
	}
	units := d.unit(WholeMinutes(total))
	out := make([]string, len(secs))
	share := make([]int64, len(secs))
	left := units
	for i, s := range secs {
		if total > 0 {
			share[i] = units * max(s, 0) / total
		}
		left -= share[i]
	}
	for ; left > 0; left-- { // the largest remainders take what flooring left over
		best, bestRem := -1, int64(-1)
		for i, s := range secs {
			if rem := units * max(s, 0) % max(total, 1); rem > bestRem && share[i] == units*max(s, 0)/max(total, 1) {
				best, bestRem = i, rem
			}
		}
		if best < 0 {
			break
		}
		share[best]++
	}
	for i := range secs {
		out[i] = d.format(share[i])
	}
	return out
}

// Total renders the cells dated from..to (inclusive) as the sum of each cell as shown.
func (d Display) Total(c Cells, from, to string) string {
	var n int64
	for k, secs := range c {
		if k.Date >= from && k.Date <= to {
			n += d.unit(WholeMinutes(secs))
		}
	}
	return d.format(n)
}

// Sum renders whole-minute figures added up as each is shown by Minutes: a column's total
// that equals its cells in decimal hours too.
func (d Display) Sum(mins ...int64) string {
	var n int64
	for _, m := range mins {
		n += d.unit(m)
	}
	return d.format(n)
}

// SheetFigures is a timesheet as text: each cell as Display shows it, each total the sum of
// the cells it covers as shown.
type SheetFigures struct {
	Rows      [][7]string
	RowTotals []string
	DayTotals [7]string
	Total     string
}

// Sheet renders the sheet's figures.
func (d Display) Sheet(t Timesheet) SheetFigures {
	f := SheetFigures{Rows: make([][7]string, len(t.Rows)), RowTotals: make([]string, len(t.Rows))}
	var days [7]int64
	var total int64
	for i, r := range t.Rows {
		var row int64
		for day, secs := range r.Seconds {
			c := d.unit(WholeMinutes(secs))
			f.Rows[i][day] = d.format(c)
			row += c
			days[day] += c
		}
		f.RowTotals[i] = d.format(row)
		total += row
	}
	for day, n := range days {
		f.DayTotals[day] = d.format(n)
	}
	f.Total = d.format(total)
	return f
}

// Seconds renders a count of seconds by the whole-minute rule (WholeMinutes), as Minutes
// does.
func (d Display) Seconds(secs int64) string { return d.Minutes(WholeMinutes(secs)) }

// Duration renders a duration by the whole-minute rule, as Minutes does.
func (d Display) Duration(x time.Duration) string {
	if x < 0 {
		x = 0
	}
	return d.Minutes(int64(x / time.Minute))
}

// WeekStart returns the first day (midnight in loc) of the week containing t.
func (d Display) WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, day := t.Date()
	offset := (int(t.Weekday()) - int(d.FirstDay()) + 7) % 7
	return time.Date(y, m, day-offset, 0, 0, 0, 0, loc)
}
