package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// TimerStart starts tracking now.
type TimerStart struct {
	ProjectID   *uuid.UUID
	TaskID      *uuid.UUID
	Description string
	TagIDs      []uuid.UUID
	Billable    *bool
	Timezone    string
}

// StartTimer starts a new running entry for the actor. A running entry, in any organization,
// is stopped first at the same instant: starting is also switching.
func (s *Service) StartTimer(ctx context.Context, a Actor, in TimerStart) (TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return TimeEntry{}, err
	}
	var e TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		// The instant is the transaction's: a start that commits later never begins before
		// the stop of the entry it replaces.
		e = TimeEntry{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
			ProjectID: in.ProjectID, TaskID: in.TaskID, Description: strings.TrimSpace(in.Description),
			StartedAt: now.Truncate(time.Second), Timezone: in.Timezone, Source: SourceTimer,
			TagIDs: slices.Clone(in.TagIDs), Meta: s.stamp(now)}
		if err := s.prepareEntry(ctx, tx, a, &e, in.Billable == nil, now, false); err != nil {
			return err
		}
		if in.Billable != nil {
			e.Billable = *in.Billable
		}
		if _, err := s.stopRunning(ctx, tx, a, now); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		// Stamped after the stop it follows, so the device's changes are stamped in the
		// order of their change-log rows.
		e.HLC = s.hlc.Now()
		return s.insertEntry(ctx, tx, a, e)
	})
	if err != nil {
		return TimeEntry{}, err
	}
	return e, err
}

// StopTimer stops the actor's running entry; ErrConflict when nothing runs.
func (s *Service) StopTimer(ctx context.Context, a Actor) (TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return TimeEntry{}, err
	}
	var out TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		var err error
		out, err = s.stopRunning(ctx, tx, a, now)
		if errors.Is(err, ErrNotFound) {
			return Conflict("no timer is running")
		}
		return err
	})
	return out, err
}

// stopRunning stops the user's running entry at now (never before its start).
func (s *Service) stopRunning(ctx context.Context, tx Tx, a Actor, now time.Time) (TimeEntry, error) {
	e, err := tx.TimeEntries().Running(ctx, Scope{TenantID: a.TenantID}, a.UserID)
	if err != nil {
		return TimeEntry{}, err
	}
	before := e
	stop := now.Truncate(time.Second)
	if stop.Before(e.StartedAt) {
		stop = e.StartedAt
	}
	e.StoppedAt = &stop
	prev := s.touch(&e.Meta, now)
	if err := tx.TimeEntries().Update(ctx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, e, prev); err != nil {
		return TimeEntry{}, err
	}
	return e, s.recordEntryChange(ctx, tx, a, &before, e, "time_entry.stop")
}

// RunningEntry returns the actor's running entry, or nil when none runs.
func (s *Service) RunningEntry(ctx context.Context, a Actor) (*TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return nil, err
	}
	var out *TimeEntry
	err := s.store.Read(ctx, func(tx Tx) error {
		e, err := tx.TimeEntries().Running(ctx, Scope{TenantID: a.TenantID}, a.UserID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out = &e
		return nil
	})
	return out, err
}
