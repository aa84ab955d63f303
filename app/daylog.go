package app

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DayLogQuery asks for the entries of the calendar days From..To (YYYY-MM-DD, inclusive) in
// Timezone (default the user's zone by PickZone), grouped by day.
type DayLogQuery struct {
	From, To  string
	Timezone  string
	UserID    *uuid.UUID // default: every entry the actor may read
	ProjectID *uuid.UUID
	Search    string // case-insensitive words that must all appear in the description
}

// DayLog is a list of days, newest first, each with its entries and total. Days without
// entries are left out.
type DayLog struct {
	Timezone     string
	Days         []LogDay
	TotalSeconds int64
	AsOf         time.Time // running entries are measured up to this instant
}

// LogDay is one calendar day of a DayLog.
type LogDay struct {
	Date         string
	Entries      []DayEntry // newest first
	TotalSeconds int64
}

// DayEntry is an entry as one day shows it. An entry crossing midnight is listed on each day
// it covers; Seconds is the part on this day, and StartsEarlier and EndsLater say that it
// continues on the previous or next day.
type DayEntry struct {
	TimeEntry
	Seconds       int64
	StartsEarlier bool
	EndsLater     bool
}

// Day returns the day with the given date, or an empty one.
func (l DayLog) Day(date string) LogDay {
	for _, d := range l.Days {
		if d.Date == date {
			return d
		}
	}
	return LogDay{Date: date}
}

// DayLog lists entries by calendar day with daily totals.
func (s *Service) DayLog(ctx context.Context, a Actor, q DayLogQuery) (DayLog, error) {
	loc, tz, err := s.zone(ctx, a, q.Timezone)
	if err != nil {
		return DayLog{}, err
	}
	now := s.Now()
	out := DayLog{Timezone: tz, AsOf: now}
	words := strings.Fields(strings.ToLower(q.Search))
	days := map[string]*LogDay{}
	err = s.eachShare(ctx, a, loc, q.From, q.To, shareFilter{userID: q.UserID, projectID: q.ProjectID}, now, func(e TimeEntry, sh DayShare) {
		if !matchesAll(e.Description, words) {
			return
		}
		d := days[sh.Date]
		if d == nil {
			d = &LogDay{Date: sh.Date}
			days[sh.Date] = d
		}
		first, last := dayOf(e.StartedAt, loc), dayOf(now, loc)
		if e.StoppedAt != nil {
			last = dayOf(e.StoppedAt.Add(-time.Nanosecond), loc)
		}
		d.Entries = append(d.Entries, DayEntry{TimeEntry: e, Seconds: sh.Seconds, StartsEarlier: first < sh.Date, EndsLater: last > sh.Date})
		d.TotalSeconds += sh.Seconds
		out.TotalSeconds += sh.Seconds
	})
	if err != nil {
		return DayLog{}, err
	}
	for _, d := range days {
		sort.SliceStable(d.Entries, func(i, j int) bool { return d.Entries[i].StartedAt.After(d.Entries[j].StartedAt) })
		out.Days = append(out.Days, *d)
	}
	sort.Slice(out.Days, func(i, j int) bool { return out.Days[i].Date > out.Days[j].Date })
	return out, nil
}

func dayOf(t time.Time, loc *time.Location) string { return t.In(loc).Format(DateLayout) }

func matchesAll(text string, words []string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
