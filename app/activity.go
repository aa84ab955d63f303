package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ErrActivityUnavailable: this platform or session offers no way to measure activity (a
// Wayland session, no X server, an operating system without a source yet). The message of
// an error wrapping it says which; nothing is ever invented in its place.
var ErrActivityUnavailable = errors.New("activity tracking is not available")

// ActivitySample is what an activity source reports when asked: how long since the last
// input, the input counters since the source opened, and the application in front.
type ActivitySample struct {
	// Idle is the time since the last keyboard or mouse input.
	Idle time.Duration
	// Counted says whether Keys, Clicks and Moves are real counts. A source that can only
	// tell the idle time leaves it false, and a second counts as active when Idle is under
	// a second.
	Counted bool
	// Keys, Clicks and Moves count key presses, button presses (wheel steps excluded) and
	// pointer motions plus wheel steps since the source opened. They only grow.
	Keys, Clicks, Moves uint64
	// App is the application of the active window (its class, else its process name);
	// Process is the process name when known. Both are empty when no window is active.
	App, Process string
	// Title is the active window's title, read only when the caller asks for titles.
	Title string
}

// ActivitySource is a platform's source of activity (package activity: X11 in pure Go).
// Sample is cheap enough to call once a second.
type ActivitySource interface {
	Sample(titles bool) (ActivitySample, error)
	Close() error
}

// ActivitySlots stores the activity timer's slots: one row per entry and slot start.
// Slots carry the sync columns (version, hlc, server_version) like every synced table.
type ActivitySlots interface {
	// Get finds an entry's live slot starting at start.
	Get(ctx context.Context, s Scope, entryID uuid.UUID, start time.Time) (ActivitySlot, error)
	Insert(ctx context.Context, s Scope, slot ActivitySlot) error
	Update(ctx context.Context, s Scope, slot ActivitySlot, prevVersion int64) error
	// List returns the live slots of live entries of s.OrgID starting in [From, To), of
	// one user when UserID is set, ordered by start, then user. A slot that no longer
	// overlaps its entry's time (the entry was edited, or cut where idle time began) is
	// left out; a running entry's time goes to Now.
	List(ctx context.Context, s Scope, f ActivityFilter) ([]ActivitySlot, error)
	// Move gives the live slots of entry from starting at or after since to entry to (an
	// entry split in two: the slots after the cut go with the part after it), stamping
	// them with m's version step, HLC and time.
	Move(ctx context.Context, s Scope, from, to uuid.UUID, since time.Time, hlc string, at time.Time) error
}

// ActivityFilter selects slots for ActivitySlots.List.
type ActivityFilter struct {
	From, To time.Time
	UserID   *uuid.UUID
	// Now is where a running entry's time ends.
	Now time.Time
}

// maxActivityDays bounds one activity query.
const maxActivityDays = 31

// RecordActivity stores what the timer measured in one slot of the actor's entry: the
// slot's first write inserts it, later ones (the checkpoints of a slot in progress and
// its final figures) replace its figures. The slot must lie within the entry's time.
// Slots are measurements, not edits: they are not audited, which would write an audit
// row a minute for every running timer.
func (s *Service) RecordActivity(ctx context.Context, a Actor, slot ActivitySlot) (ActivitySlot, error) {
	var c checker
	c.check(!slot.Start.IsZero() && slot.Start.Truncate(time.Minute).Equal(slot.Start), "start", "must be the start of a slot (a whole minute)")
	c.check(slot.Tracked >= 0 && slot.Tracked <= SlotLength, "tracked_seconds", "must be between 0 and %d", int(SlotLength/time.Second))
	c.check(slot.Active >= 0 && slot.Active <= slot.Tracked, "active_seconds", "must be between 0 and tracked_seconds")
	for _, u := range slot.Apps {
		c.check(u.Time >= 0 && u.Time <= slot.Tracked, "apps", "an application's time must be between 0 and tracked_seconds")
	}
	if err := c.err(); err != nil {
		return ActivitySlot{}, err
	}
	slot.Start = slot.Start.UTC()
	slot.Tracked, slot.Active = slot.Tracked.Round(time.Second), slot.Active.Round(time.Second)
	for i := range slot.Apps {
		slot.Apps[i].Time = slot.Apps[i].Time.Round(time.Second)
	}
	var out ActivitySlot
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		e, err := tx.TimeEntries().Get(ctx, sc, slot.EntryID)
		if err != nil {
			return err
		}
		if e.UserID != a.UserID {
			return fmt.Errorf("activity of another user's entry: %w", ErrNotFound)
		}
		end := now
		if e.StoppedAt != nil {
			end = *e.StoppedAt
		}
		// A slot overlaps its entry: it starts before the entry ends and ends after it starts.
		if !slot.Start.Before(end.Add(time.Second)) || !slot.Start.Add(SlotLength).After(e.StartedAt) {
			return Invalid("start", "the slot lies outside its entry's time")
		}
		old, err := tx.ActivitySlots().Get(ctx, sc, e.ID, slot.Start)
		switch {
		case errors.Is(err, ErrNotFound):
			slot.ID, slot.TenantID, slot.OrganizationID, slot.UserID = NewID(), e.TenantID, e.OrganizationID, e.UserID
			slot.Meta = s.stamp(now)
			if err := tx.ActivitySlots().Insert(ctx, sc, slot); err != nil {
				return err
			}
			if err := s.logSlot(ctx, tx, slot, nil); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			slot.ID, slot.TenantID, slot.OrganizationID, slot.UserID, slot.Meta = old.ID, old.TenantID, old.OrganizationID, old.UserID, old.Meta
			prev := s.touch(&slot.Meta, now)
			if err := tx.ActivitySlots().Update(ctx, sc, slot, prev); err != nil {
				return err
			}
			if err := s.logSlot(ctx, tx, slot, &old); err != nil {
				return err
			}
		}
		out = slot
		return nil
	})
	return out, err
}

// ActivityQuery asks for the slots of a range of days.
type ActivityQuery struct {
	// From and To are dates (YYYY-MM-DD), To included, in Timezone (default: the user's).
	From, To, Timezone string
	// UserID: whose slots (managers and above; default: everyone's for them, one's own
	// for members, who may ask only for their own).
	UserID *uuid.UUID
}

// activityRange checks an activity query (slots or screenshots): the range of days in the
// query's zone, at most maxActivityDays long, and whose rows: members only their own,
// managers and above anyone's (everyone's when UserID is nil). what names the rows in the
// error a member gets for asking for someone else's.
func (s *Service) activityRange(ctx context.Context, a Actor, q ActivityQuery, what string) (from, to time.Time, user *uuid.UUID, err error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return from, to, nil, err
	}
	_, _, from, to, err = s.reportRange(ctx, a, q.From, q.To, q.Timezone)
	if err != nil {
		return from, to, nil, err
	}
	if to.Sub(from) > maxActivityDays*25*time.Hour {
		return from, to, nil, Invalid("to", "must be at most %d days after from", maxActivityDays)
	}
	user = q.UserID
	if !a.Role.Can(PermEntriesReadAll) {
		if user != nil && *user != a.UserID {
			return from, to, nil, fmt.Errorf("%s may read only its own %s: %w", a.Role, what, ErrForbidden)
		}
		user = &a.UserID
	}
	return from, to, user, nil
}

// Activity lists the slots of live entries in a range of days.
func (s *Service) Activity(ctx context.Context, a Actor, q ActivityQuery) ([]ActivitySlot, error) {
	from, to, user, err := s.activityRange(ctx, a, q, "activity")
	if err != nil {
		return nil, err
	}
	var out []ActivitySlot
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		// A slot starts up to a slot length before the first day and still covers it.
		out, err = tx.ActivitySlots().List(ctx, a.Scope(), ActivityFilter{From: from.Add(-SlotLength + time.Second), To: to, UserID: user, Now: s.Now()})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	return out, nil
}

// settingActivity turns the activity timer off on this device ("off"); on by default.
const settingActivity = "activity.enabled"

// ActivityEnabled reports whether this device measures the running timer's activity.
func (s *Service) ActivityEnabled(ctx context.Context) (bool, error) {
	on := true
	err := s.store.Read(ctx, func(tx Tx) error {
		v, err := tx.Device().Get(ctx, settingActivity)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		on = v != "off"
		return nil
	})
	return on, err
}

// SetActivityEnabled turns the activity timer on or off on this device. Slots already
// recorded stay.
func (s *Service) SetActivityEnabled(ctx context.Context, on bool) error {
	v := "on"
	if !on {
		v = "off"
	}
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.Device().Put(ctx, settingActivity, v); err != nil {
			return fmt.Errorf("save activity setting: %w", err)
		}
		return nil
	})
}
