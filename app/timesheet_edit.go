package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CellDefaultStart is the local hour a cell's first entry starts at when the day has none
// for that project yet.
const CellDefaultStart = 9

// CellEdit sets one timesheet cell, the actor's time on one project (nil: no project) on one
// day (YYYY-MM-DD in Timezone, default the organization's), to Duration.
type CellEdit struct {
	Date      string
	ProjectID *uuid.UUID
	Duration  time.Duration
	Timezone  string
}

// CellChange is what setting a cell did, entry by entry, so it can be undone exactly:
// Before holds each changed entry as it was (nil for a new one), After as it is now.
type CellChange struct {
	Before []*TimeEntry
	After  []TimeEntry
}

// Empty reports whether the edit changed nothing.
func (c CellChange) Empty() bool { return len(c.After) == 0 }

// ParseCellDuration reads what a user types into a timesheet cell: the forms ParseDuration
// takes ("1:30", "1h30m", "90m"), except that a bare number counts hours ("1.5", "8"), as a
// grid of hours reads, to the nearest minute; an empty cell is zero.
func ParseCellDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || s == "–" {
		return 0, nil
	}
	if n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64); err == nil {
		if n < 0 || n > 24 {
			return 0, fmt.Errorf("duration %q: a day has at most 24 hours", s)
		}
		return time.Duration(n * float64(time.Hour)).Round(time.Minute), nil // 0.33 is 0:20, as decimal cells show it
	}
	return ParseDuration(s)
}

// SetTimesheetCell makes the actor's cell add up to e.Duration. Raising it adds one manual
// entry for the difference, starting where that project's last entry of the day stopped (or
// at CellDefaultStart), moved earlier if it would run past midnight. Lowering it shortens or
// deletes that project's manual entries of the day, latest first; entries recorded by the
// timer, running entries and entries crossing midnight are never touched, and a cell that
// cannot go low enough without them is refused with nothing changed.
func (s *Service) SetTimesheetCell(ctx context.Context, a Actor, e CellEdit) (CellChange, error) {
	loc, _, err := s.zone(ctx, a, e.Timezone)
	if err != nil {
		return CellChange{}, err
	}
	lo, hi, err := DayBounds(e.Date, loc)
	if err != nil {
		return CellChange{}, Invalid("date", "must be a date like 2026-11-23")
	}
	want := e.Duration.Round(time.Second)
	if want < 0 || want > hi.Sub(lo) {
		return CellChange{}, Invalid("duration", "must be between 0 and the length of the day")
	}
	var out CellChange
	err = s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		list, err := tx.TimeEntries().List(ctx, a.Scope(), EntryFilter{Page: PageRequest{Limit: 10000}, From: &lo, To: &hi,
			Overlapping: true, UserID: &a.UserID, ProjectID: e.ProjectID})
		if err != nil {
			return fmt.Errorf("entries of the day: %w", err)
		}
		var have time.Duration
		var own []TimeEntry // the project's entries with time on the day
		for _, te := range list {
			if !sameProject(te.ProjectID, e.ProjectID) {
				continue
			}
			for _, sh := range SplitByDay(te, loc, now) {
				if sh.Date == e.Date && sh.Seconds > 0 {
					have += time.Duration(sh.Seconds) * time.Second
					own = append(own, te)
				}
			}
		}
		switch {
		case want > have:
			ne, err := s.cellEntry(ctx, tx, a, e, own, lo, hi, want-have, now)
			if err != nil {
				return err
			}
			out.Before, out.After = append(out.Before, nil), append(out.After, ne)
		case want < have:
			return s.shortenCell(ctx, tx, a, own, lo, hi, have-want, now, &out)
		}
		return nil
	})
	if err != nil {
		return CellChange{}, err
	}
	return out, nil
}

func sameProject(a, b *uuid.UUID) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// cellEntry inserts a manual entry of length d on the day [lo, hi).
func (s *Service) cellEntry(ctx context.Context, tx Tx, a Actor, e CellEdit, own []TimeEntry, lo, hi time.Time, d time.Duration, now time.Time) (TimeEntry, error) {
	y, m, dd := lo.Date()
	start := time.Date(y, m, dd, CellDefaultStart, 0, 0, 0, lo.Location())
	first := true
	for _, te := range own {
		if te.StoppedAt != nil && (first || te.StoppedAt.After(start)) {
			start, first = *te.StoppedAt, false
		}
	}
	if start.Add(d).After(hi) {
		start = hi.Add(-d)
	}
	if start.Before(lo) {
		start = lo
	}
	start = start.UTC().Truncate(time.Second)
	stop := start.Add(d)
	ne := TimeEntry{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
		ProjectID: e.ProjectID, StartedAt: start, StoppedAt: &stop, Source: SourceManual, Meta: s.stamp(now)}
	if err := s.prepareEntry(ctx, tx, a, &ne, true, now, true); err != nil {
		return TimeEntry{}, err
	}
	if err := s.insertEntry(ctx, tx, a, ne); err != nil {
		return TimeEntry{}, err
	}
	return ne, nil
}

// shortenCell takes cut off the day's manual entries in own, latest first.
func (s *Service) shortenCell(ctx context.Context, tx Tx, a Actor, own []TimeEntry, lo, hi time.Time, cut time.Duration, now time.Time, out *CellChange) error {
	var manual []TimeEntry
	for _, te := range own {
		if te.Source == SourceManual && te.StoppedAt != nil && !te.StartedAt.Before(lo) && !te.StoppedAt.After(hi) {
			manual = append(manual, te)
		}
	}
	sort.Slice(manual, func(i, j int) bool { return manual[i].StoppedAt.After(*manual[j].StoppedAt) })
	var avail time.Duration
	for _, te := range manual {
		avail += te.StoppedAt.Sub(te.StartedAt)
	}
	if avail < cut {
		return Invalid("duration", "only manual entries can be shortened here; %s of this day was tracked by the timer or crosses midnight, edit it in Entries",
			FormatMinutes(cut-avail))
	}
	for _, te := range manual {
		if cut <= 0 {
			break
		}
		if err := checkInvoiceLock(ctx, tx, a, te); err != nil {
			return err
		}
		before := te
		d := te.StoppedAt.Sub(te.StartedAt)
		action := "time_entry.update"
		if d <= cut {
			te.DeletedAt = &now
			action = "time_entry.delete"
			cut -= d
		} else {
			te.StoppedAt = ptr(te.StoppedAt.Add(-cut))
			cut = 0
		}
		prev := s.touch(&te.Meta, now)
		if err := tx.TimeEntries().Update(ctx, a.Scope(), te, prev); err != nil {
			return err
		}
		if err := s.recordEntry(ctx, tx, a, te, action); err != nil {
			return err
		}
		out.Before, out.After = append(out.Before, &before), append(out.After, te)
	}
	return nil
}

// UndoTimesheetCell puts back every entry a SetTimesheetCell changed: new entries are
// deleted, shortened ones get their stop back, deleted ones return. It fails with
// ErrConflict, changing nothing, when any of them was changed since.
func (s *Service) UndoTimesheetCell(ctx context.Context, a Actor, c CellChange) error {
	return s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		for i, after := range c.After {
			cur, err := s.anyEntry(ctx, tx, a, after)
			if err != nil {
				return err
			}
			if cur.Version != after.Version {
				return Conflict("the entry was changed since; nothing was undone")
			}
			if err := checkInvoiceLock(ctx, tx, a, cur); err != nil {
				return err
			}
			action := "time_entry.update"
			if b := c.Before[i]; b == nil {
				cur.DeletedAt = &now
				action = "time_entry.delete"
			} else {
				cur.StartedAt, cur.StoppedAt, cur.DeletedAt = b.StartedAt, b.StoppedAt, nil
			}
			prev := s.touch(&cur.Meta, now)
			if err := tx.TimeEntries().Update(ctx, a.Scope(), cur, prev); err != nil {
				return err
			}
			if err := s.recordEntry(ctx, tx, a, cur, action); err != nil {
				return err
			}
		}
		return nil
	})
}

// anyEntry loads the actor's entry e again. Get sees live entries only, so a deleted one is
// taken as recorded in the change; the store's version check on Update still refuses it if
// it changed since.
func (s *Service) anyEntry(ctx context.Context, tx Tx, a Actor, e TimeEntry) (TimeEntry, error) {
	if e.UserID != a.UserID {
		return TimeEntry{}, fmt.Errorf("entry of another user: %w", ErrNotFound)
	}
	if e.DeletedAt == nil {
		return tx.TimeEntries().Get(ctx, a.Scope(), e.ID)
	}
	return e, nil
}
