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
func (d Display) Minutes(mins int64) string {
	if !d.Decimal {
		return FormatMinuteCount(mins)
	}
	if mins < 0 {
		mins = 0
	}
	hundredths := (mins*100 + 30) / 60
	return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
}

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
