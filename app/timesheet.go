package app

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// TimesheetQuery asks for one week as a grid: the week (from Display's first day, Monday by
// default) containing Date (YYYY-MM-DD; default today) in Timezone (default the user's zone
// by PickZone).
type TimesheetQuery struct {
	Date     string
	Timezone string
	UserID   *uuid.UUID // default: every entry the actor may read
	Display  Display
}

// Timesheet is one week of tracked time: a row per project, a column per calendar day, with
// row and column totals. Entries crossing midnight count on each day they cover, and days
// are calendar days in Timezone, so a DST change gives a 23- or 25-hour day.
type Timesheet struct {
	Timezone     string
	Days         [7]string // the week's days from its first, YYYY-MM-DD
	Rows         []TimesheetRow
	DayTotals    [7]int64 // seconds per day, over all rows
	TotalSeconds int64
	AsOf         time.Time // running entries are counted up to this instant
}

// TimesheetRow is one project's week. ProjectID nil is time on no project; Missing marks a
// project that has since been deleted (its time still counts).
type TimesheetRow struct {
	ProjectID    *uuid.UUID
	Name         string
	Color        string
	Archived     bool
	Missing      bool
	Seconds      [7]int64
	TotalSeconds int64
}

// Timesheet builds the week grid.
func (s *Service) Timesheet(ctx context.Context, a Actor, q TimesheetQuery) (Timesheet, error) {
	loc, tz, err := s.zone(ctx, a, q.Timezone)
	if err != nil {
		return Timesheet{}, err
	}
	now := s.Now()
	day := now.In(loc)
	if q.Date != "" {
		if day, err = time.ParseInLocation(DateLayout, q.Date, loc); err != nil {
			return Timesheet{}, Invalid("date", "must be a date like 2026-11-23")
		}
	}
	monday := q.Display.WeekStart(day, loc)
	out := Timesheet{Timezone: tz, AsOf: now}
	col := make(map[string]int, 7)
	for i := range out.Days {
		y, m, d := monday.Date()
		out.Days[i] = time.Date(y, m, d+i, 0, 0, 0, 0, loc).Format(DateLayout)
		col[out.Days[i]] = i
	}
	rows := map[uuid.UUID]*TimesheetRow{}
	err = s.eachShare(ctx, a, loc, out.Days[0], out.Days[6], shareFilter{userID: q.UserID}, now, func(e TimeEntry, sh DayShare) {
		if sh.Seconds == 0 {
			return
		}
		key := uuid.Nil
		if e.ProjectID != nil {
			key = *e.ProjectID
		}
		r := rows[key]
		if r == nil {
			r = &TimesheetRow{ProjectID: e.ProjectID}
			rows[key] = r
		}
		i := col[sh.Date]
		r.Seconds[i] += sh.Seconds
		r.TotalSeconds += sh.Seconds
		out.DayTotals[i] += sh.Seconds
		out.TotalSeconds += sh.Seconds
	})
	if err != nil {
		return Timesheet{}, err
	}
	err = s.store.Read(ctx, func(tx Tx) error {
		for id, r := range rows {
			if id == uuid.Nil {
				continue
			}
			p, err := tx.Projects().Get(ctx, a.Scope(), id)
			if errors.Is(err, ErrNotFound) {
				r.Missing = true
				continue
			}
			if err != nil {
				return err
			}
			r.Name, r.Color, r.Archived = p.Name, p.Color, p.Archived
		}
		return nil
	})
	if err != nil {
		return Timesheet{}, err
	}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
	}
	// Projects by name; time on no project, then deleted projects, last.
	rank := func(r TimesheetRow) int {
		switch {
		case r.ProjectID == nil:
			return 1
		case r.Missing:
			return 2
		}
		return 0
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		ri, rj := out.Rows[i], out.Rows[j]
		if rank(ri) != rank(rj) {
			return rank(ri) < rank(rj)
		}
		if ni, nj := strings.ToLower(ri.Name), strings.ToLower(rj.Name); ni != nj {
			return ni < nj
		}
		return ri.ProjectID != nil && rj.ProjectID != nil && ri.ProjectID.String() < rj.ProjectID.String()
	})
	return out, nil
}

// zone resolves a requested time zone, defaulting to the actor's (PickZone).
func (s *Service) zone(ctx context.Context, a Actor, tz string) (*time.Location, string, error) {
	if tz == "" {
		if err := s.store.Read(ctx, func(tx Tx) error { tz = actorZone(ctx, tx, a); return nil }); err != nil {
			return nil, "", err
		}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		return nil, "", Invalid("timezone", "must be an IANA time zone such as Europe/Berlin")
	}
	return loc, tz, nil
}

// shareFilter narrows the entries eachShare visits.
type shareFilter struct {
	userID    *uuid.UUID
	projectID *uuid.UUID
}

// eachShare calls fn for every part of a visible entry that falls on a calendar day in
// [from, to] (dates in loc), newest entry first. Entries that start before the range but run
// into it are included, measured up to now while running; an entry of zero length gets one
// empty share on its start day, so lists still show it.
func (s *Service) eachShare(ctx context.Context, a Actor, loc *time.Location, from, to string, f shareFilter, now time.Time, fn func(TimeEntry, DayShare)) error {
	lo, _, err := DayBounds(from, loc)
	if err != nil {
		return Invalid("from", "must be a date like 2026-11-23")
	}
	_, hi, err := DayBounds(to, loc)
	if err != nil {
		return Invalid("to", "must be a date like 2026-11-23")
	}
	if !lo.Before(hi) {
		return Invalid("to", "must not be before from")
	}
	if hi.Sub(lo) > maxSummaryDays*25*time.Hour {
		return Invalid("to", "must be at most %d days after from", maxSummaryDays)
	}
	eq := EntryQuery{ListParams: ListParams{Limit: MaxPageLimit}, From: &lo, To: &hi, Overlapping: true, UserID: f.userID, ProjectID: f.projectID}
	for {
		page, err := s.TimeEntries(ctx, a, eq)
		if err != nil {
			return err
		}
		for _, e := range page.Items {
			shares := SplitByDay(e, loc, now)
			if len(shares) == 0 { // zero-length entries still show on their day
				shares = []DayShare{{Date: dayOf(e.StartedAt, loc)}}
			}
			for _, sh := range shares {
				if sh.Date >= from && sh.Date <= to {
					fn(e, sh)
				}
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		eq.Cursor = page.NextCursor
	}
}
