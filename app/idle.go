package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Idle threshold: how long without input before a running timer asks, on return, whether to
// keep the idle time. It is a setting of this device, not of the organization.
const (
	DefaultIdleThreshold = 5 * time.Minute
	MinIdleThreshold     = time.Minute
	MaxIdleThreshold     = 4 * time.Hour
	settingIdleThreshold = "idle.threshold_seconds"
)

// IdleThreshold returns this device's idle threshold (the default until one is set).
func (s *Service) IdleThreshold(ctx context.Context) (time.Duration, error) {
	var out time.Duration
	err := s.store.Read(ctx, func(tx Tx) error {
		v, err := tx.Device().Get(ctx, settingIdleThreshold)
		if errors.Is(err, ErrNotFound) {
			out = DefaultIdleThreshold
			return nil
		}
		if err != nil {
			return err
		}
		secs, err := strconv.ParseInt(v, 10, 64)
		d := time.Duration(secs) * time.Second
		if err != nil || d < MinIdleThreshold || d > MaxIdleThreshold {
			out = DefaultIdleThreshold // a corrupt value must not break the timer
			return nil
		}
		out = d
		return nil
	})
	return out, err
}

// SetIdleThreshold changes this device's idle threshold.
func (s *Service) SetIdleThreshold(ctx context.Context, d time.Duration) error {
	if d < MinIdleThreshold || d > MaxIdleThreshold {
		return Invalid("idle_threshold", "must be between %d minute and %d hours", int(MinIdleThreshold/time.Minute), int(MaxIdleThreshold/time.Hour))
	}
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.Device().Put(ctx, settingIdleThreshold, strconv.FormatInt(int64(d/time.Second), 10)); err != nil {
			return fmt.Errorf("save idle threshold: %w", err)
		}
		return nil
	})
}

// DiscardIdle takes time away from the computer out of the running entry: the entry stops
// where the idle time began and, unless stop, a new entry with the same project, task,
// description, tags and billability starts where it ended. Nothing else is lost. from and
// to are clamped to the entry's start and now. It fails with ErrConflict when entryID is no
// longer the running entry (the timer was stopped or switched meanwhile).
func (s *Service) DiscardIdle(ctx context.Context, a Actor, entryID uuid.UUID, from, to time.Time, stop bool) (TimeEntry, *TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return TimeEntry{}, nil, err
	}
	var stopped TimeEntry
	var resumed *TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		e, err := tx.TimeEntries().Running(ctx, Scope{TenantID: a.TenantID}, a.UserID)
		if errors.Is(err, ErrNotFound) || (err == nil && e.ID != entryID) {
			return Conflict("the timer changed in the meantime; nothing was discarded")
		}
		if err != nil {
			return err
		}
		stopped, resumed, err = s.discardIdleTx(ctx, tx, a, now, e, from, to, stop)
		return err
	})
	return stopped, resumed, err
}

// discardIdleTx takes [from, to) out of e, running or stopped: e ends at from and, unless
// stop, a copy of it goes on from to (running if e ran, else up to e's old stop).
func (s *Service) discardIdleTx(ctx context.Context, tx Tx, a Actor, now time.Time, e TimeEntry, from, to time.Time, stop bool) (TimeEntry, *TimeEntry, error) {
	from, to = from.UTC().Truncate(time.Second), to.UTC().Truncate(time.Second)
	end := now.Truncate(time.Second)
	if e.StoppedAt != nil {
		end = *e.StoppedAt
	}
	if from.Before(e.StartedAt) {
		from = e.StartedAt
	}
	if to.After(end) {
		to = end
	}
	if !from.Before(to) {
		return TimeEntry{}, nil, Invalid("to", "must be after from")
	}
	oldStop := e.StoppedAt
	before := e
	e.StoppedAt = &from
	prev := s.touch(&e.Meta, now)
	if err := tx.TimeEntries().Update(ctx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, e, prev); err != nil {
		return TimeEntry{}, nil, err
	}
	// The cut changes the stop only: a push must not write the device's copy of the other
	// fields over newer edits made elsewhere.
	if err := s.recordEntryChange(ctx, tx, a, &before, e, "time_entry.discard_idle"); err != nil {
		return TimeEntry{}, nil, err
	}
	if stop || (oldStop != nil && !to.Before(*oldStop)) {
		return e, nil, nil
	}
	next := TimeEntry{ID: NewID(), TenantID: e.TenantID, OrganizationID: e.OrganizationID, UserID: e.UserID,
		ProjectID: e.ProjectID, TaskID: e.TaskID, Description: e.Description, StartedAt: to, StoppedAt: oldStop,
		Timezone: e.Timezone, Billable: e.Billable, Source: e.Source, TagIDs: e.TagIDs, Meta: s.stamp(now)}
	if oldStop == nil {
		next.Source = SourceTimer
	}
	if err := tx.TimeEntries().Insert(ctx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, next); err != nil {
		return TimeEntry{}, nil, err
	}
	if err := s.recordEntry(ctx, tx, a, next, "time_entry.create"); err != nil {
		return TimeEntry{}, nil, err
	}
	// The activity measured after the idle time goes with the part after it.
	if err := s.moveSlotsLogged(ctx, tx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, e.ID, next.ID, to, now); err != nil {
		return TimeEntry{}, nil, err
	}
	return e, &next, nil
}
