package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Reminders are a person's optional nudges about the timer: a reminder when no timer has run
// for a while during working hours, and a stop of the running timer at a set time of day.
// Clock times are minutes after midnight in the user's zone, never the machine's.
type Reminders struct {
	// Remind turns on the reminder when no timer runs for After during working hours.
	Remind bool
	After  time.Duration
	// Days are the working days, indexed by time.Weekday.
	Days [7]bool
	// From and To bound working hours, in minutes after midnight (From < To).
	From, To int
	// Stop turns on stopping the running timer at StopAt (minutes after midnight).
	Stop   bool
	StopAt int
}

// DefaultReminders are the settings before a person changes them: both off, with working
// hours Monday to Friday 09:00–17:00, a reminder after 30 minutes and a stop at 18:00.
func DefaultReminders() Reminders {
	r := Reminders{After: 30 * time.Minute, From: 9 * 60, To: 17 * 60, StopAt: 18 * 60}
	for d := time.Monday; d <= time.Friday; d++ {
		r.Days[d] = true
	}
	return r
}

// at is the instant of minute-of-day m on t's calendar day in loc. In a day whose clocks
// jump forward, a time inside the gap lands after it (02:30 becomes 03:30), as Go's
// time.Date normalises; in a day whose clocks fall back, the first of the two is taken.
func at(t time.Time, loc *time.Location, m int) time.Time {
	y, mo, d := t.In(loc).Date()
	return time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
}

// workStart is when working hours began on now's day in loc, and whether now lies inside
// them.
func (r Reminders) workStart(now time.Time, loc *time.Location) (time.Time, bool) {
	if !r.Days[now.In(loc).Weekday()] {
		return time.Time{}, false
	}
	from, to := at(now, loc, r.From), at(now, loc, r.To)
	return from, !now.Before(from) && now.Before(to)
}

// RemindDue reports whether to remind now that no timer runs. lastStop is when the last
// timer stopped (zero: never); reminded is when the last reminder was shown (zero: never).
// The idle stretch starts at the later of lastStop and the start of today's working hours;
// it is reminded of once, After into it, and only inside working hours.
func (r Reminders) RemindDue(now time.Time, loc *time.Location, running bool, lastStop, reminded time.Time) bool {
	if !r.Remind || running || r.After <= 0 {
		return false
	}
	start, working := r.workStart(now, loc)
	if !working {
		return false
	}
	if lastStop.After(start) {
		start = lastStop
	}
	if now.Sub(start) < r.After {
		return false
	}
	return reminded.Before(start)
}

// StopDue reports whether a timer that started at started must be stopped by now, and at
// which instant: the first StopAt after the start, in loc. A timer found running
// long past it (the computer slept) is stopped at that instant, not when it was found.
func (r Reminders) StopDue(now time.Time, loc *time.Location, started time.Time) (time.Time, bool) {
	if !r.Stop {
		return time.Time{}, false
	}
	stop := at(started, loc, r.StopAt)
	if !stop.After(started) {
		// Today's stop time has passed: the next one is tomorrow's, counted in calendar
		// days so a change of clocks overnight keeps the time of day.
		y, mo, d := started.In(loc).Date()
		stop = at(time.Date(y, mo, d+1, 12, 0, 0, 0, loc), loc, r.StopAt)
	}
	if now.Before(stop) {
		return time.Time{}, false
	}
	return stop, true
}

// StopTimerAt stops the actor's running entry entryID at the instant when, clamped to no
// earlier than its start and no later than now. It fails with ErrConflict when entryID is no
// longer the running entry (stopped or switched meanwhile, perhaps by another device).
func (s *Service) StopTimerAt(ctx context.Context, a Actor, entryID uuid.UUID, when time.Time) (TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return TimeEntry{}, err
	}
	var out TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		e, err := tx.TimeEntries().Running(ctx, Scope{TenantID: a.TenantID}, a.UserID)
		if errors.Is(err, ErrNotFound) || (err == nil && e.ID != entryID) {
			return Conflict("the timer changed in the meantime; nothing was stopped")
		}
		if err != nil {
			return err
		}
		stop := when.UTC().Truncate(time.Second)
		if stop.After(now) {
			stop = now.Truncate(time.Second)
		}
		if stop.Before(e.StartedAt) {
			stop = e.StartedAt
		}
		e.StoppedAt = &stop
		prev := s.touch(&e.Meta, now)
		if err := tx.TimeEntries().Update(ctx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, e, prev); err != nil {
			return err
		}
		out = e
		return s.recordEntry(ctx, tx, a, e, "time_entry.stop")
	})
	return out, err
}
