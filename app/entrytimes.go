package app

import (
	"strconv"
	"strings"
	"time"
)

// EntryTimes is how people type an entry's span in a form: a calendar day, a start time
// and an end time of day, in a time zone. Field names in its errors are "date",
// "started_at" and "stopped_at", as in TimeEntryInput.
type EntryTimes struct {
	Date  string // YYYY-MM-DD
	Start string // 9, 9:30, 09:30, 09:30:15, 9am, 9:30 pm
	End   string // a time of day like Start, or "+" and a duration ("+1h30m"); empty: running
}

// Parse turns the form into instants in loc. An end at or before the start is on the next
// day, so 22:00–01:30 crosses midnight; requireEnd refuses an empty end.
func (f EntryTimes) Parse(loc *time.Location, requireEnd bool) (time.Time, *time.Time, error) {
	var c checker
	day, err := time.ParseInLocation(DateLayout, strings.TrimSpace(f.Date), loc)
	c.check(err == nil, "date", "must be a date like 2026-11-23")
	sh, sm, ss, ok := parseClock(f.Start)
	c.check(ok, "started_at", "must be a time like 09:30")
	end := strings.TrimSpace(f.End)
	var eh, em, es int
	var dur time.Duration
	switch {
	case end == "":
		c.check(!requireEnd, "stopped_at", "is required")
	case strings.HasPrefix(end, "+"):
		d, err := ParseDuration(end[1:])
		c.check(err == nil && d > 0, "stopped_at", "must be a time like 17:00 or a duration like +1h30m")
		dur = d
	default:
		var ok bool
		eh, em, es, ok = parseClock(end)
		c.check(ok, "stopped_at", "must be a time like 17:00 or a duration like +1h30m")
	}
	if err := c.err(); err != nil {
		return time.Time{}, nil, err
	}
	y, m, d := day.Date()
	start := time.Date(y, m, d, sh, sm, ss, 0, loc)
	switch {
	case end == "":
		return start, nil, nil
	case dur > 0:
		stop := start.Add(dur)
		return start, &stop, nil
	}
	stop := time.Date(y, m, d, eh, em, es, 0, loc)
	if !stop.After(start) {
		stop = time.Date(y, m, d+1, eh, em, es, 0, loc)
	}
	return start, &stop, nil
}

// FormEntryTimes renders an entry's span in loc the way EntryTimes reads it back.
func FormEntryTimes(e TimeEntry, loc *time.Location) EntryTimes {
	start := e.StartedAt.In(loc)
	f := EntryTimes{Date: start.Format(DateLayout), Start: clockText(start)}
	if e.StoppedAt != nil {
		stop := e.StoppedAt.In(loc)
		if stop.Sub(start) >= 24*time.Hour {
			f.End = "+" + e.StoppedAt.Sub(e.StartedAt).String()
		} else {
			f.End = clockText(stop)
		}
	}
	return f
}

func clockText(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("15:04:05")
	}
	return t.Format("15:04")
}

// parseClock reads a time of day: 9, 09:30, 9:30:15, 930, 0930, 9am, 9:30pm, 12am.
func parseClock(s string) (h, m, sec int, ok bool) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	if pm || am {
		s = s[:len(s)-2]
	}
	parts := strings.Split(s, ":")
	if len(parts) == 1 && len(parts[0]) >= 3 && len(parts[0]) <= 4 { // 930, 0930
		parts = []string{parts[0][:len(parts[0])-2], parts[0][len(parts[0])-2:]}
	}
	if len(parts) > 3 || parts[0] == "" {
		return 0, 0, 0, false
	}
	vals := make([]int, 3)
	for i, p := range parts {
		if len(p) > 2 || (i > 0 && len(p) != 2) {
			return 0, 0, 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, 0, 0, false
		}
		vals[i] = n
	}
	h, m, sec = vals[0], vals[1], vals[2]
	if pm || am {
		if h < 1 || h > 12 {
			return 0, 0, 0, false
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, false
	}
	return h, m, sec, true
}
