package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Sync of the tables that came after the first five (docs/sync.md, "Rates, budgets and
// activity slots"): rates and budgets are pushed from managers' devices through the same
// rules as the API (putRate, putBudget) and pulled by every member as far as the API lets
// them read them; activity slots are pushed by the device whose timer measured them, for
// the user's own entries only, and pulled by the user's other devices and by managers.

// SyncedSlot is an activity slot as sync carries it, in a pull's page and a push's row:
// whole seconds, its applications and its bookkeeping, as the stores keep them.
type SyncedSlot struct {
	ID             uuid.UUID `json:"id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	UserID         uuid.UUID `json:"user_id"`
	EntryID        uuid.UUID `json:"entry_id"`
	Start          time.Time `json:"start" doc:"Start of the 10-minute slot (UTC)."`
	TrackedSeconds int64     `json:"tracked_seconds"`
	ActiveSeconds  int64     `json:"active_seconds"`
	Keys           uint64    `json:"keys"`
	Clicks         uint64    `json:"clicks"`
	Moves          uint64    `json:"moves"`
	Apps           []AppView `json:"apps" nullable:"false"`
	Meta
}

// Synced returns the slot as sync carries it.
func (s ActivitySlot) Synced() SyncedSlot {
	v := SyncedSlot{ID: s.ID, OrganizationID: s.OrganizationID, UserID: s.UserID, EntryID: s.EntryID, Start: s.Start.UTC(),
		TrackedSeconds: int64(s.Tracked / time.Second), ActiveSeconds: int64(s.Active / time.Second), Keys: s.Keys, Clicks: s.Clicks,
		Moves: s.Moves, Apps: make([]AppView, 0, len(s.Apps)), Meta: s.Meta}
	for _, a := range s.Apps {
		v.Apps = append(v.Apps, AppView{Name: a.Name, Title: a.Title, Seconds: int64(a.Time / time.Second)})
	}
	return v
}

// Slot returns the synced slot as the stores keep it, in the tenant.
func (v SyncedSlot) Slot(tenant uuid.UUID) ActivitySlot {
	s := ActivitySlot{ID: v.ID, TenantID: tenant, OrganizationID: v.OrganizationID, UserID: v.UserID, EntryID: v.EntryID,
		Start: v.Start.UTC(), Tracked: time.Duration(v.TrackedSeconds) * time.Second, Active: time.Duration(v.ActiveSeconds) * time.Second,
		Keys: v.Keys, Clicks: v.Clicks, Moves: v.Moves, Meta: v.Meta}
	for _, a := range v.Apps {
		s.Apps = append(s.Apps, AppUsage{Name: a.Name, Title: a.Title, Time: time.Duration(a.Seconds) * time.Second})
	}
	return s
}

// logChange writes the change-log row of a write that takes no audit row (an activity
// slot's figures, written a minute apart while a timer runs), inside its transaction.
func (s *Service) logChange(ctx context.Context, tx Tx, sc Scope, c change) error {
	op := OpUpsert
	if c.meta.DeletedAt != nil {
		op = OpDelete
	}
	var fields FieldStamps
	if op == OpUpsert && (c.before != nil || c.meta.Version == 1) {
		var err error
		if fields, err = touchedFields(c.entity, c.before, c.row, c.meta.HLC); err != nil {
			return fmt.Errorf("change log %s: %w", c.entity, err)
		}
	}
	if err := tx.Changes().Append(ctx, sc, Change{
		ID: NewID(), TenantID: sc.TenantID, OrganizationID: c.org, Entity: c.entity, EntityID: c.id,
		Op: op, Version: c.meta.Version, HLC: c.meta.HLC, At: s.Now(), Fields: fields,
	}); err != nil {
		return fmt.Errorf("change log %s: %w", c.entity, err)
	}
	return s.hlc.keepMark(ctx, tx)
}

// logSlot writes the change-log row of a slot written by this store (before: the slot as
// it was, nil for a new one).
func (s *Service) logSlot(ctx context.Context, tx Tx, slot ActivitySlot, before *ActivitySlot) error {
	c := change{entity: EntityActivitySlot, id: slot.ID, org: &slot.OrganizationID, meta: slot.Meta, row: slot.Synced()}
	if before != nil {
		c.before = before.Synced()
	}
	return s.logChange(ctx, tx, Scope{TenantID: slot.TenantID, OrgID: slot.OrganizationID}, c)
}

// rateByID reads a live rate the actor may read: managers and above every rate, members
// the ones set for themselves (ListRates).
func (s *Service) rateByID(ctx context.Context, a Actor, id uuid.UUID) (Rate, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Rate{}, err
	}
	var out Rate
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Rates().Get(ctx, a.Scope(), id)
		return err
	})
	if err == nil && !a.Role.Can(PermRatesRead) && (out.UserID == nil || *out.UserID != a.UserID) {
		return Rate{}, fmt.Errorf("rate %s: %w", id, ErrNotFound)
	}
	return out, err
}

// budgetByID reads a live budget (managers and above, as Budgets).
func (s *Service) budgetByID(ctx context.Context, a Actor, id uuid.UUID) (Budget, error) {
	if !a.Role.Can(PermRatesRead) {
		return Budget{}, fmt.Errorf("budget %s: %w", id, ErrNotFound)
	}
	var out Budget
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Sync().Budget(ctx, a.Scope(), id)
		return err
	})
	return out, err
}

// slotByID reads a live slot the actor may read: their own, or anyone's for managers and
// above (Activity).
func (s *Service) slotByID(ctx context.Context, a Actor, id uuid.UUID) (SyncedSlot, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return SyncedSlot{}, err
	}
	var out ActivitySlot
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Sync().ActivitySlot(ctx, a.Scope(), id)
		return err
	})
	if err == nil && out.UserID != a.UserID && !a.Role.Can(PermEntriesReadAll) {
		return SyncedSlot{}, fmt.Errorf("activity slot %s: %w", id, ErrNotFound)
	}
	return out.Synced(), err
}

// pushRate applies a rate a device pushed, through the API's rules (putRate, DeleteRate):
// managers and above only, so a member's push is rejected as forbidden. A new rate keeps
// the device's id and effective instant unchanged; an update may change its amount only
// (a rate's key and effective instant are what it is: another is a new rate).
func (s *Service) pushRate(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if err := a.require(PermRatesManage); err != nil {
		return nil, 0, err
	}
	if m.Op == OpDelete {
		return nil, 0, s.DeleteRate(ctx, a, m.EntityID, 0)
	}
	var in Rate
	if err := json.Unmarshal(m.Row, &in); err != nil {
		return nil, 0, Invalid("row", "must be a rate as JSON")
	}
	if in.EffectiveFrom.IsZero() {
		return nil, 0, Invalid("effective_from", "is required")
	}
	from := in.EffectiveFrom.UTC().Truncate(time.Microsecond)
	input := RateInput{UserID: in.UserID, ClientID: in.ClientID, ProjectID: in.ProjectID, HourlyMinor: in.Hourly.Minor, Currency: in.Hourly.Currency}
	var out Rate
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		if !create {
			cur, err := tx.Rates().Get(ctx, a.Scope(), m.EntityID)
			if err != nil {
				return err
			}
			if !sameRateKey(cur, input) || !cur.EffectiveFrom.Equal(from) {
				return Invalid("effective_from", "a rate's member, client, project and effective instant cannot change; set a new rate")
			}
		}
		var err error
		out, err = s.putRate(ctx, tx, a, input, from, nil, m.EntityID, in.CreatedAt, now)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(out)
	return b, out.Version, err
}

// pushBudget applies a budget a device pushed, through the API's rules (putBudget):
// managers and above only. A budget keeps its project: another project's budget is a new
// budget.
func (s *Service) pushBudget(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if err := a.require(PermRatesManage); err != nil {
		return nil, 0, err
	}
	var out Budget
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		if m.Op == OpDelete {
			b, err := tx.Sync().Budget(ctx, a.Scope(), m.EntityID)
			if err != nil {
				return err
			}
			prev := s.touch(&b.Meta, now)
			b.DeletedAt = &now
			if err := tx.Budgets().Update(ctx, a.Scope(), b, prev); err != nil {
				return fmt.Errorf("budget: %w", err)
			}
			return s.recordRate(ctx, tx, a, "budget.delete", EntityBudget, b.ID, b.Meta, b, nil)
		}
		var in Budget
		if err := json.Unmarshal(m.Row, &in); err != nil {
			return Invalid("row", "must be a budget as JSON")
		}
		if !create {
			cur, err := tx.Sync().Budget(ctx, a.Scope(), m.EntityID)
			if err != nil {
				return err
			}
			if cur.ProjectID != in.ProjectID {
				return Invalid("project_id", "a budget's project cannot change; set the other project's budget")
			}
		}
		var err error
		out, err = s.putBudget(ctx, tx, a, in.ProjectID, BudgetInput{Kind: in.Kind, Limit: in.Limit}, m.EntityID, in.CreatedAt, now)
		return err
	})
	if err != nil || m.Op == OpDelete {
		return nil, 0, err
	}
	b, err := json.Marshal(out)
	return b, out.Version, err
}

// pushSlot applies an activity slot a device pushed. Only the entry's own user pushes its
// slots (a slot of another user's entry is not found, as in RecordActivity), whatever
// their role: the device whose timer ran is the only writer of a slot's figures. The
// slot's start never changes; its entry may (an entry split on the device moves the
// slots after the cut to the new entry), to another entry of the same user.
func (s *Service) pushSlot(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	var in SyncedSlot
	if m.Op != OpDelete {
		if err := json.Unmarshal(m.Row, &in); err != nil {
			return nil, 0, Invalid("row", "must be an activity slot as JSON")
		}
		var c checker
		c.check(!in.Start.IsZero() && in.Start.Truncate(time.Minute).Equal(in.Start), "start", "must be the start of a slot (a whole minute)")
		c.check(in.TrackedSeconds >= 0 && in.TrackedSeconds <= int64(SlotLength/time.Second), "tracked_seconds", "must be between 0 and %d", int(SlotLength/time.Second))
		c.check(in.ActiveSeconds >= 0 && in.ActiveSeconds <= in.TrackedSeconds, "active_seconds", "must be between 0 and tracked_seconds")
		for _, u := range in.Apps {
			c.check(u.Seconds >= 0 && u.Seconds <= in.TrackedSeconds, "apps", "an application's time must be between 0 and tracked_seconds")
		}
		if err := c.err(); err != nil {
			return nil, 0, err
		}
	}
	var out ActivitySlot
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		var old ActivitySlot
		if !create {
			var err error
			if old, err = tx.Sync().ActivitySlot(ctx, sc, m.EntityID); err != nil {
				return err
			}
			if old.UserID != a.UserID {
				return fmt.Errorf("activity of another user's entry: %w", ErrNotFound)
			}
		}
		if m.Op == OpDelete {
			out = old
			prev := s.touch(&out.Meta, now)
			out.DeletedAt = &now
			if err := tx.ActivitySlots().Update(ctx, sc, out, prev); err != nil {
				return err
			}
			return s.logSlot(ctx, tx, out, nil)
		}
		e, err := tx.TimeEntries().Get(ctx, sc, in.EntryID)
		if err != nil {
			return err
		}
		if e.UserID != a.UserID {
			return fmt.Errorf("activity of another user's entry: %w", ErrNotFound)
		}
		slot := in.Slot(a.TenantID)
		if create {
			slot.ID, slot.OrganizationID, slot.UserID = m.EntityID, a.OrgID, a.UserID
			slot.Meta = s.stamp(now)
			slot.CreatedAt = bornAt(in.CreatedAt, now)
			if err := tx.ActivitySlots().Insert(ctx, sc, slot); err != nil {
				return err
			}
			out = slot
			return s.logSlot(ctx, tx, out, nil)
		}
		if !old.Start.Equal(slot.Start) {
			return Invalid("start", "a slot's start cannot change")
		}
		slot.ID, slot.TenantID, slot.OrganizationID, slot.UserID, slot.Meta = old.ID, old.TenantID, old.OrganizationID, old.UserID, old.Meta
		prev := s.touch(&slot.Meta, now)
		if err := tx.ActivitySlots().Update(ctx, sc, slot, prev); err != nil {
			return err
		}
		out = slot
		return s.logSlot(ctx, tx, out, &old)
	})
	if err != nil || m.Op == OpDelete {
		return nil, 0, err
	}
	b, err := json.Marshal(out.Synced())
	return b, out.Version, err
}

// moveSlotsLogged is ActivitySlots.Move with a change-log row for each slot it moves, so
// a split's slots follow their entry on the server and on the user's other devices.
func (s *Service) moveSlotsLogged(ctx context.Context, tx Tx, sc Scope, from, to uuid.UUID, since time.Time, now time.Time) error {
	moving, err := tx.Sync().EntrySlots(ctx, sc, from, since)
	if err != nil {
		return fmt.Errorf("slots to move: %w", err)
	}
	if err := tx.ActivitySlots().Move(ctx, sc, from, to, since, s.hlc.Now(), now); err != nil {
		return err
	}
	if len(moving) == 0 {
		return nil
	}
	moved, err := tx.Sync().EntrySlots(ctx, sc, to, since)
	if err != nil {
		return fmt.Errorf("moved slots: %w", err)
	}
	byID := make(map[uuid.UUID]ActivitySlot, len(moving))
	for _, m := range moving {
		byID[m.ID] = m
	}
	for _, slot := range moved {
		before, ok := byID[slot.ID]
		if !ok {
			continue
		}
		if err := s.logSlot(ctx, tx, slot, &before); err != nil {
			return err
		}
	}
	return nil
}

// errNoSyncedRow: the local row of a pushed change of these entities is gone.
var errNoSyncedRow = errors.New("no such row")

// localSyncedRow reads a live row of the newer synced entities as a push carries it.
func localSyncedRow(ctx context.Context, tx Tx, sc Scope, entity string, id uuid.UUID) (any, error) {
	switch entity {
	case EntityRate:
		return tx.Rates().Get(ctx, sc, id)
	case EntityBudget:
		return tx.Sync().Budget(ctx, sc, id)
	case EntityActivitySlot:
		slot, err := tx.Sync().ActivitySlot(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		return slot.Synced(), nil
	case EntityScreenshot:
		sh, err := tx.Screenshots().Get(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		return sh.Synced(), nil
	case EntityInvoice:
		inv, err := tx.Invoices().Get(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		entries, err := tx.Sync().InvoiceEntries(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		return SyncedInvoice{Invoice: inv, EntryIDs: entries}, nil
	}
	return nil, errNoSyncedRow
}

// SyncedInvoice is an invoice as a published workspace pushes it: the invoice and the
// entries it marks.
type SyncedInvoice struct {
	Invoice
	EntryIDs []uuid.UUID `json:"entry_ids"`
}

// pushInvoice takes an invoice of a workspace published with invoices of its own
// (docs/sync.md, Invoices), managers and above. It keeps its id and number, which must be
// the organization's next on the server: a published workspace's invoices go up oldest
// first, after its entries, so numbering stays without gaps; any other number (the server
// numbered invoices meanwhile) is a conflict, never a second invoice of one number. Its
// entries must be the organization's and on no other invoice; they are marked (locked) as
// on the device. An invoice does not change once made: an update is refused.
func (s *Service) pushInvoice(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if err := a.require(PermRatesManage); err != nil {
		return nil, 0, err
	}
	if m.Op == OpDelete || !create {
		return nil, 0, Conflict("an invoice does not change once made")
	}
	var in SyncedInvoice
	if err := json.Unmarshal(m.Row, &in); err != nil {
		return nil, 0, Invalid("row", "must be an invoice as JSON")
	}
	var out Invoice
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		next, err := tx.Invoices().NextNumber(ctx, a.Scope())
		if err != nil {
			return fmt.Errorf("invoice number: %w", err)
		}
		if in.Number != next {
			return Conflict("invoice %d is not this organization's next number on the server (%d); the server numbers its invoices", in.Number, next)
		}
		for _, id := range in.EntryIDs {
			if _, err := tx.TimeEntries().Get(ctx, a.Scope(), id); err != nil {
				return fmt.Errorf("invoiced entry %s: %w", id, err)
			}
			if _, err := tx.Invoices().Lock(ctx, a.Scope(), id); err == nil {
				return Conflict("an entry of invoice %d is on another invoice", in.Number)
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		out = in.Invoice
		out.ID, out.TenantID, out.OrganizationID = m.EntityID, a.TenantID, a.OrgID
		out.Meta = s.stamp(now)
		out.CreatedAt = bornAt(in.CreatedAt, now)
		if out.Lines == nil {
			out.Lines = []InvoiceLine{}
		}
		if err := tx.Invoices().Insert(ctx, a.Scope(), out, in.EntryIDs); err != nil {
			return fmt.Errorf("invoice: %w", err)
		}
		return s.auditRate(ctx, tx, a, "invoice.create", out.ID, now)
	})
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(out)
	return b, out.Version, err
}

// applySyncedRow writes a pulled rate, budget or activity slot (applyRow); ok is false
// for other kinds.
func applySyncedRow(ctx context.Context, tx Tx, tenant uuid.UUID, r RemoteRow, fresh bool, tomb int64) (ok bool, err error) {
	switch r.Kind {
	case SyncRate:
		var v Rate
		return true, upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			v.Level = RateLevelOf(v.UserID, v.ClientID, v.ProjectID)
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Rates().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Rates().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Rates().Update(ctx, sc, v, prev) })
	case SyncBudget:
		var v Budget
		return true, upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Sync().Budget(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Budgets().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Budgets().Update(ctx, sc, v, prev) })
	case SyncActivitySlot:
		var w SyncedSlot
		var v ActivitySlot
		return true, upsertPulled(r, fresh, tomb, &w, func() (*Meta, Scope) {
			v = w.Slot(tenant)
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Sync().ActivitySlot(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.ActivitySlots().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.ActivitySlots().Update(ctx, sc, v, prev) })
	case SyncScreenshot:
		return true, applyPulledShot(ctx, tx, tenant, r, fresh, tomb)
	}
	return applyInvoiceRow(ctx, tx, tenant, r, fresh, tomb)
}

// invoicesNumberedHere refuses an invoice on a device connected to a team server: the
// server numbers the organization's invoices (docs/sync.md, Invoices), so two devices
// cannot each take the same next number offline.
func invoicesNumberedHere(ctx context.Context, tx Tx) error {
	url, err := optionalSetting(ctx, tx, settingSyncURL)
	if err != nil {
		return err
	}
	if url != "" {
		return Conflict("this workspace's invoices are numbered by its team server (%s); create the invoice there ('stint invoice create' does, when the server can be reached)", url)
	}
	return nil
}
