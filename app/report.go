package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
)

// DateLayout is how calendar days are written: 2006-01-02.
const DateLayout = "2006-01-02"

// DayShare is the part of an entry that falls on one calendar day.
type DayShare struct {
	Date    string        `json:"date"`
	Seconds int64         `json:"seconds"`
	Span    time.Duration `json:"-"`
}

// SplitByDay cuts an entry at local midnights in loc. Days are calendar days, so a DST change
// makes one 23 or 25 hours long, and an entry crossing midnight counts on both days. A running
// entry is measured up to now.
func SplitByDay(e TimeEntry, loc *time.Location, now time.Time) []DayShare {
	start := e.StartedAt.In(loc)
	end := now.In(loc)
	if e.StoppedAt != nil {
		end = e.StoppedAt.In(loc)
	}
	var out []DayShare
	for start.Before(end) {
		y, m, d := start.Date()
		next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		if !next.After(start) { // guard against zones whose midnight is skipped
			next = start.Add(time.Hour)
		}
		cut := end
		if next.Before(end) {
			cut = next
		}
		span := cut.Sub(start)
		out = append(out, DayShare{Date: start.Format(DateLayout), Seconds: int64(span / time.Second), Span: span})
		start = cut
	}
	return out
}

// DayBounds returns the instants at which a calendar day starts and the next one starts in loc.
func DayBounds(date string, loc *time.Location) (time.Time, time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, date, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", date)
	}
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc), time.Date(y, m, day+1, 0, 0, 0, 0, loc), nil
}

// WeekStart returns the Monday of the week containing date t in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	offset := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return time.Date(y, m, d-offset, 0, 0, 0, 0, loc)
}

// SummaryQuery asks for tracked time per day and project over [From, To] (dates, inclusive) in
// a time zone (default the user's zone by PickZone).
type SummaryQuery struct {
	From, To  string
	Timezone  string
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
}

// Summary is tracked time per day and project.
type Summary struct {
	From         string           `json:"from"`
	To           string           `json:"to"`
	Timezone     string           `json:"timezone"`
	TotalSeconds int64            `json:"total_seconds"`
	Days         []DayShare       `json:"days" nullable:"false"`
	Projects     []ProjectSeconds `json:"projects" nullable:"false"`
}

// ProjectSeconds is tracked time on one project (nil: no project).
type ProjectSeconds struct {
	ProjectID *uuid.UUID `json:"project_id"`
	Seconds   int64      `json:"seconds"`
}

// maxSummaryDays bounds one summary request.
const maxSummaryDays = 366

// Summarize totals the visible entries over a date range, cutting entries at local midnights.
func (s *Service) Summarize(ctx context.Context, a Actor, q SummaryQuery) (Summary, error) {
	var c checker
	var loc *time.Location
	var err error
	tz := q.Timezone
	if tz == "" {
		_ = s.store.Read(ctx, func(tx Tx) error { tz = actorZone(ctx, tx, a); return nil })
	}
	if loc, err = time.LoadLocation(tz); err != nil || tz == "Local" { // Local is the server's zone, not a name
		c.add("timezone", "must be an IANA time zone such as Europe/Berlin")
		loc = time.UTC
	}
	from, _, ferr := DayBounds(q.From, loc)
	c.check(ferr == nil, "from", "must be a date like 2026-11-23")
	_, to, terr := DayBounds(q.To, loc)
	c.check(terr == nil, "to", "must be a date like 2026-11-23")
	if ferr == nil && terr == nil {
		c.check(from.Before(to), "to", "must not be before from")
		c.check(to.Sub(from) <= maxSummaryDays*25*time.Hour, "to", "must be at most %d days after from", maxSummaryDays)
	}
	if err := c.err(); err != nil {
		return Summary{}, err
	}
	out := Summary{From: q.From, To: q.To, Timezone: tz, Days: []DayShare{}, Projects: []ProjectSeconds{}}
	// Every entry overlapping the range counts, however long ago it started.
	eq := EntryQuery{ListParams: ListParams{Limit: MaxPageLimit}, From: &from, To: &to, Overlapping: true, UserID: q.UserID, ProjectID: q.ProjectID}
	days := map[string]int64{}
	byProject := map[uuid.UUID]int64{}
	now := s.Now()
	for {
		page, err := s.TimeEntries(ctx, a, eq)
		if err != nil {
			return Summary{}, err
		}
		for _, e := range page.Items {
			for _, share := range SplitByDay(e, loc, now) {
				if share.Date < q.From || share.Date > q.To {
					continue
				}
				days[share.Date] += share.Seconds
				out.TotalSeconds += share.Seconds
				key := uuid.Nil
				if e.ProjectID != nil {
					key = *e.ProjectID
				}
				byProject[key] += share.Seconds
			}
		}
		if page.NextCursor == "" {
			break
		}
		eq.Cursor = page.NextCursor
	}
	for d, secs := range days {
		out.Days = append(out.Days, DayShare{Date: d, Seconds: secs})
	}
	sort.Slice(out.Days, func(i, j int) bool { return out.Days[i].Date < out.Days[j].Date })
	for id, secs := range byProject {
		ps := ProjectSeconds{Seconds: secs}
		if id != uuid.Nil {
			ps.ProjectID = ptr(id)
		}
		out.Projects = append(out.Projects, ps)
	}
	sort.Slice(out.Projects, func(i, j int) bool { return out.Projects[i].Seconds > out.Projects[j].Seconds })
	return out, nil
}
