package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Entry limits. Manual entries longer than a day are almost always typos (a wrong date);
// a running timer may still go longer and is never refused a stop.
const (
	MaxEntryDuration  = 24 * time.Hour
	maxDescription    = 3000
	maxTagsPerEntry   = 50
	maxFutureStart    = 24 * time.Hour
	earliestEntryYear = 2000
)

// TimeEntryInput creates a manual (or imported) entry. StoppedAt nil creates a running entry.
type TimeEntryInput struct {
	UserID      *uuid.UUID // owners and admins may log time for others
	ProjectID   *uuid.UUID
	TaskID      *uuid.UUID
	Description string
	StartedAt   time.Time
	StoppedAt   *time.Time
	Timezone    string // default: the user's
	Billable    *bool  // default: the project's
	TagIDs      []uuid.UUID
	Source      EntrySource // manual (default) or import
}

// TimeEntryPatch changes an entry; unset fields stay as they are.
type TimeEntryPatch struct {
	ProjectID   Nullable[uuid.UUID]
	TaskID      Nullable[uuid.UUID]
	Description *string
	StartedAt   *time.Time
	StoppedAt   *time.Time
	Timezone    *string
	Billable    *bool
	TagIDs      *[]uuid.UUID
}

// EntryQuery filters a list of entries: started_at in [From, To), one user, one project.
type EntryQuery struct {
	ListParams
	From, To  *time.Time
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
	// Overlapping selects entries overlapping [From, To) instead (see EntryFilter).
	Overlapping bool
}

// TimeEntries lists entries newest first. Without the right to read everyone's entries, the
// actor sees only its own.
func (s *Service) TimeEntries(ctx context.Context, a Actor, q EntryQuery) (Page[TimeEntry], error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Page[TimeEntry]{}, err
	}
	pr, err := q.request()
	if err != nil {
		return Page[TimeEntry]{}, err
	}
	if q.From != nil && q.To != nil && !q.From.Before(*q.To) {
		return Page[TimeEntry]{}, Invalid("to", "must be after from")
	}
	if !a.Role.Can(PermEntriesReadAll) {
		if q.UserID != nil && *q.UserID != a.UserID {
			return Page[TimeEntry]{}, fmt.Errorf("%s may read only its own entries: %w", a.Role, ErrForbidden)
		}
		q.UserID = &a.UserID
	}
	f := EntryFilter{Page: PageRequest{Limit: pr.Limit + 1, After: pr.After}, From: q.From, To: q.To, Overlapping: q.Overlapping, UserID: q.UserID, ProjectID: q.ProjectID}
	var rows []TimeEntry
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		rows, err = tx.TimeEntries().List(ctx, a.Scope(), f)
		return err
	})
	return paginate(rows, pr.Limit, func(e TimeEntry) Cursor { return Cursor{Time: e.StartedAt, ID: e.ID} }), err
}

// visible reports whether the actor may read e; others' entries need entries.read_all.
func visible(a Actor, e TimeEntry) bool {
	return e.UserID == a.UserID || a.Role.Can(PermEntriesReadAll)
}

// writable fails unless the actor may change e.
func writable(a Actor, e TimeEntry) error {
	if !visible(a, e) {
		return fmt.Errorf("entry of another user: %w", ErrNotFound)
	}
	if e.UserID == a.UserID {
		return a.require(PermEntriesOwn)
	}
	return a.require(PermEntriesManageAll)
}

// TimeEntry returns one entry the actor may see.
func (s *Service) TimeEntry(ctx context.Context, a Actor, id uuid.UUID) (TimeEntry, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return TimeEntry{}, err
	}
	var out TimeEntry
	err := s.store.Read(ctx, func(tx Tx) error {
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if !visible(a, e) {
			return fmt.Errorf("entry of another user: %w", ErrNotFound)
		}
		out = e
		return nil
	})
	return out, err
}

// CreateTimeEntry records a manual entry.
func (s *Service) CreateTimeEntry(ctx context.Context, a Actor, in TimeEntryInput) (TimeEntry, error) {
	e := TimeEntry{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
		ProjectID: in.ProjectID, TaskID: in.TaskID, Description: strings.TrimSpace(in.Description),
		StartedAt: in.StartedAt.UTC().Truncate(time.Second), Timezone: in.Timezone, Source: in.Source, TagIDs: in.TagIDs}
	if in.UserID != nil {
		e.UserID = *in.UserID
	}
	if in.StoppedAt != nil {
		e.StoppedAt = ptr(in.StoppedAt.UTC().Truncate(time.Second))
	}
	if e.Source == "" {
		e.Source = SourceManual
	}
	if e.Source != SourceManual && e.Source != SourceImport {
		return TimeEntry{}, Invalid("source", "must be manual or import")
	}
	if err := writable(a, e); err != nil {
		return TimeEntry{}, err
	}
	// The actor's own entry without a zone takes the user's: assumed as last read, and
	// checked with the insert (writeAssuming).
	zone := ""
	if e.Timezone == "" && e.UserID == a.UserID {
		zone = s.zones.get(a.UserID)
	}
	given := e
	var out TimeEntry
	err := s.writeAssuming(ctx, a, PermEntriesOwn, zone, func(tx Tx, a Actor, now time.Time, zone string) error {
		e := given // each attempt starts from the input
		if err := writable(a, e); err != nil {
			return err
		}
		if e.Timezone == "" {
			e.Timezone = zone
		}
		e.Meta = s.stamp(now)
		if err := s.prepareEntry(ctx, tx, a, &e, in.Billable == nil, now, true); err != nil {
			return err
		}
		if in.Billable != nil {
			e.Billable = *in.Billable
		}
		out = e
		return s.insertEntry(ctx, tx, a, e)
	})
	if err != nil {
		return given, err
	}
	return out, nil
}

func (s *Service) insertEntry(ctx context.Context, tx Tx, a Actor, e TimeEntry) error {
	if err := tx.TimeEntries().Insert(ctx, a.Scope(), e); err != nil {
		if errors.Is(err, ErrConflict) {
			return Conflict("a timer is already running; stop it first")
		}
		return err
	}
	return s.recordEntry(ctx, tx, a, e, "time_entry.create")
}

func (s *Service) recordEntry(ctx context.Context, tx Tx, a Actor, e TimeEntry, action string) error {
	return s.recordEntryChange(ctx, tx, a, nil, e, action)
}

// recordEntryChange is recordEntry for an update whose entry before is known (before not
// nil), so the change-log row names the fields that changed.
func (s *Service) recordEntryChange(ctx context.Context, tx Tx, a Actor, before *TimeEntry, e TimeEntry, action string) error {
	sc := Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}
	c := change{action: action, entity: "time_entry", id: e.ID, org: &e.OrganizationID, meta: e.Meta, row: e}
	if before != nil {
		c.before = *before
	}
	return s.record(ctx, tx, sc, &a.UserID, c)
}

// prepareEntry validates e against the store and fills defaults. timesChanged says whether
// the start or stop was set by the caller (and so must pass the manual-entry limits).
func (s *Service) prepareEntry(ctx context.Context, tx Tx, a Actor, e *TimeEntry, defaultBillable bool, now time.Time, timesChanged bool) error {
	var c checker
	sc := a.Scope()
	e.Description = NormalizeDescription(e.Description)
	checkDescription(&c, "description", e.Description, maxDescription)
	if timesChanged {
		checkEntryTimes(&c, e.StartedAt, e.StoppedAt, now)
	}
	if e.UserID != a.UserID {
		if _, err := loadMember(ctx, tx, sc, e.UserID); err != nil {
			if err := mustRef(&c, "user_id", err); err != nil {
				return err
			}
		}
	}
	if e.Timezone == "" {
		u, err := tx.Users().Get(ctx, sc, e.UserID)
		if err == nil {
			s.zones.put(u.ID, u.Timezone)
		}
		if err == nil && u.Timezone != "" {
			e.Timezone = u.Timezone
		} else {
			e.Timezone = orgTimezone(ctx, tx, a)
		}
	}
	checkTimezone(&c, "timezone", e.Timezone)
	if e.TaskID != nil {
		t, err := tx.Tasks().Get(ctx, sc, *e.TaskID)
		if err := mustRef(&c, "task_id", err); err != nil {
			return err
		}
		if err == nil {
			if e.ProjectID == nil {
				e.ProjectID = &t.ProjectID
			}
			c.check(*e.ProjectID == t.ProjectID, "task_id", "belongs to another project")
		}
	}
	if e.ProjectID != nil {
		p, err := tx.Projects().Get(ctx, sc, *e.ProjectID)
		if err := mustRef(&c, "project_id", err); err != nil {
			return err
		}
		if err == nil && defaultBillable {
			e.Billable = p.Billable
		}
	}
	if e.TagIDs == nil {
		e.TagIDs = []uuid.UUID{}
	}
	c.check(len(e.TagIDs) <= maxTagsPerEntry, "tag_ids", "must have at most %d tags", maxTagsPerEntry)
	seen := make(map[uuid.UUID]bool, len(e.TagIDs))
	for i, id := range e.TagIDs {
		if seen[id] {
			c.add(fmt.Sprintf("tag_ids[%d]", i), "is listed twice")
			continue
		}
		seen[id] = true
		_, err := tx.Tags().Get(ctx, sc, id)
		if err := mustRef(&c, fmt.Sprintf("tag_ids[%d]", i), err); err != nil {
			return err
		}
	}
	return c.err()
}

// checkEntryTimes applies the manual-entry rules: a plausible start, stop after start, and no
// absurd durations.
func checkEntryTimes(c *checker, start time.Time, stop *time.Time, now time.Time) {
	if start.IsZero() {
		c.add("started_at", "is required")
		return
	}
	c.check(start.Year() >= earliestEntryYear, "started_at", "must be in %d or later", earliestEntryYear)
	if stop == nil {
		c.check(!start.After(now.Add(time.Minute)), "started_at", "a running entry cannot start in the future")
		return
	}
	c.check(start.Before(now.Add(maxFutureStart)), "started_at", "must not be more than a day in the future")
	switch {
	case !stop.After(start):
		c.add("stopped_at", "must be after started_at")
	case stop.Sub(start) > MaxEntryDuration:
		c.add("stopped_at", "must be at most %s after started_at; split longer work into several entries", "24h")
	}
}

// UpdateTimeEntry changes an entry.
func (s *Service) UpdateTimeEntry(ctx context.Context, a Actor, id uuid.UUID, p TimeEntryPatch, expected int64) (TimeEntry, error) {
	var out TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if err := writable(a, e); err != nil {
			return err
		}
		if err := checkInvoiceLock(ctx, tx, a, e); err != nil {
			return err
		}
		if err := checkVersion(expected, e.Version); err != nil {
			return err
		}
		before := e
		if p.ProjectID.Set {
			e.ProjectID = p.ProjectID.Value
			if e.ProjectID == nil {
				e.TaskID = nil
			}
		}
		if p.TaskID.Set {
			e.TaskID = p.TaskID.Value
		}
		if p.Description != nil {
			e.Description = strings.TrimSpace(*p.Description)
		}
		timesChanged := false
		if p.StartedAt != nil {
			e.StartedAt = p.StartedAt.UTC().Truncate(time.Second)
			timesChanged = true
		}
		if p.StoppedAt != nil {
			if e.StoppedAt == nil {
				return Invalid("stopped_at", "the entry is running; stop the timer instead")
			}
			e.StoppedAt = ptr(p.StoppedAt.UTC().Truncate(time.Second))
			timesChanged = true
		}
		if p.Timezone != nil {
			if *p.Timezone == "" {
				return Invalid("timezone", "must be an IANA time zone such as Europe/Berlin")
			}
			e.Timezone = *p.Timezone
		}
		if p.TagIDs != nil {
			e.TagIDs = *p.TagIDs
		}
		if err := s.prepareEntry(ctx, tx, a, &e, false, now, timesChanged); err != nil {
			return err
		}
		if p.Billable != nil {
			e.Billable = *p.Billable
		}
		prev := s.touch(&e.Meta, now)
		if err := tx.TimeEntries().Update(ctx, a.Scope(), e, prev); err != nil {
			return err
		}
		out = e
		return s.recordEntryChange(ctx, tx, a, &before, e, "time_entry.update")
	})
	return out, err
}

// DeleteTimeEntry deletes an entry (a running one stops being tracked).
func (s *Service) DeleteTimeEntry(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	return s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if err := writable(a, e); err != nil {
			return err
		}
		if err := checkInvoiceLock(ctx, tx, a, e); err != nil {
			return err
		}
		if err := checkVersion(expected, e.Version); err != nil {
			return err
		}
		prev := s.touch(&e.Meta, now)
		e.DeletedAt = &now
		if err := tx.TimeEntries().Update(ctx, a.Scope(), e, prev); err != nil {
			return err
		}
		return s.recordEntry(ctx, tx, a, e, "time_entry.delete")
	})
}
