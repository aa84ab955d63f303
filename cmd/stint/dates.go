package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// dayHelp says what a DAY flag takes; every command with one prints it, so they all say
// (and take) the same words.
const dayHelp = `DAY is a date (2026-11-23), today, yesterday, tomorrow, or a weekday name
(monday … sunday, or mon … sun): the latest such day, today included. Days are
in your time zone.`

// whenHelp says what a time flag (T) takes: a DAY, or an instant.
const whenHelp = `T is a DAY (its midnight) or an instant: now, a time today (14:05), a date and
time (2026-11-23 14:05) or RFC 3339.
` + dayHelp

// weekdays are the names parseDay takes, full and short.
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// parseDay reads a DAY (dayHelp) as of now in loc and returns its midnight.
func parseDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	word := strings.ToLower(strings.TrimSpace(s))
	switch word {
	case "today", "yesterday", "tomorrow":
		return app.ParseTimeArg(word, now, loc)
	}
	if wd, ok := weekdays[word]; ok {
		y, m, d := now.In(loc).Date()
		back := (int(now.In(loc).Weekday()) - int(wd) + 7) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc), nil
	}
	if t, err := time.ParseInLocation(app.DateLayout, word, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("day %q: use a date like 2026-11-23, today, yesterday, tomorrow or a weekday name like monday", s)
}

// parseWhen reads a T (whenHelp) as of now in loc. day says it named a whole day (a DAY,
// not an instant), which an end that includes its day needs to know.
func parseWhen(s string, now time.Time, loc *time.Location) (t time.Time, day bool, err error) {
	if t, err := parseDay(s, now, loc); err == nil {
		return t, true, nil
	}
	t, err = app.ParseTimeArg(s, now, loc)
	if err != nil {
		return t, false, fmt.Errorf("time %q: use a day (a date like 2026-11-23, today, yesterday, tomorrow or a weekday name like monday), now, 14:05, 2026-11-23 14:05 or RFC 3339", s)
	}
	return t, false, nil
}
