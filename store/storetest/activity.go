package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// testActivitySlots pins app.ActivitySlots: round trips (whole seconds, apps in order,
// counts), one slot per entry and start, optimistic versions, lists by range and user
// that leave out slots of deleted entries, and that no other scope reaches a slot.
func testActivitySlots(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "slots@example.com")
	other := seed(t, st, "slots-other@example.com")
	start := base.Truncate(10 * time.Minute)
	slot := func(i int, entry app.TimeEntry) app.ActivitySlot {
		return app.ActivitySlot{ID: app.NewID(), TenantID: entry.TenantID, OrganizationID: entry.OrganizationID, UserID: entry.UserID,
			EntryID: entry.ID, Start: start.Add(time.Duration(i) * app.SlotLength), Tracked: 10 * time.Minute, Active: 7*time.Minute + 30*time.Second,
			Keys: 1200, Clicks: 85, Moves: 4000 + uint64(i),
			Apps: []app.AppUsage{{Name: "Editor", Time: 8 * time.Minute}, {Name: "Browser", Title: "Docs – ünïcode", Time: 2 * time.Minute}},
			Meta: meta(100 + i)}
	}
	s0, s1 := slot(0, w.entry), slot(1, w.entry)
	s1.Apps = nil
	foreign := slot(0, other.entry)
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "insert", tx.ActivitySlots().Insert(ctx, w.sc, s0), nil)
		wantErr(t, "insert second", tx.ActivitySlots().Insert(ctx, w.sc, s1), nil)
		wantErr(t, "insert other tenant's", tx.ActivitySlots().Insert(ctx, other.sc, foreign), nil)
		dup := slot(0, w.entry)
		wantErr(t, "same entry and start twice", tx.ActivitySlots().Insert(ctx, w.sc, dup), app.ErrConflict)
		wantErr(t, "insert into another scope", tx.ActivitySlots().Insert(ctx, other.sc, slot(5, w.entry)), app.ErrNotFound)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.ActivitySlots().Get(ctx, w.sc, w.entry.ID, s0.Start)
		wantErr(t, "get", err, nil)
		same(t, "get", got, s0)
		got, err = tx.ActivitySlots().Get(ctx, w.sc, w.entry.ID, s1.Start)
		wantErr(t, "get without apps", err, nil)
		if len(got.Apps) != 0 {
			t.Errorf("apps %+v, want none", got.Apps)
		}
		for _, sc := range []app.Scope{other.sc, w.sc2, {TenantID: other.tenant.ID, OrgID: w.org.ID}} {
			_, err = tx.ActivitySlots().Get(ctx, sc, w.entry.ID, s0.Start)
			wantErr(t, "get from another scope", err, app.ErrNotFound)
			list, err := tx.ActivitySlots().List(ctx, sc, app.ActivityFilter{From: start.Add(-time.Hour), To: start.Add(time.Hour)})
			wantErr(t, "list from another scope", err, nil)
			for _, s := range list {
				if s.TenantID != sc.TenantID {
					t.Errorf("list from another scope returned %s", s.ID)
				}
			}
		}
		list, err := tx.ActivitySlots().List(ctx, w.sc, app.ActivityFilter{From: start, To: start.Add(app.SlotLength)})
		wantErr(t, "list one slot's range", err, nil)
		if len(list) != 1 || list[0].ID != s0.ID {
			t.Errorf("list [start, start+10m) = %d slots", len(list))
		}
		list, err = tx.ActivitySlots().List(ctx, w.sc, app.ActivityFilter{From: start.Add(-time.Hour), To: start.Add(time.Hour), UserID: &other.user.ID})
		wantErr(t, "list another user's", err, nil)
		if len(list) != 0 {
			t.Errorf("list of a user without slots = %d slots", len(list))
		}
		list, err = tx.ActivitySlots().List(ctx, w.sc, app.ActivityFilter{From: start.Add(-time.Hour), To: start.Add(time.Hour), UserID: &w.user.ID})
		wantErr(t, "list", err, nil)
		if len(list) != 2 || list[0].ID != s0.ID || list[1].ID != s1.ID {
			t.Errorf("list = %+v", list)
		}
		return nil
	})
	// Later figures replace earlier ones under the version check.
	upd := s0
	upd.Tracked, upd.Active, upd.Keys = 10*time.Minute, 9*time.Minute, 1500
	upd.Apps = []app.AppUsage{{Name: "Terminal", Time: 10 * time.Minute}}
	upd.Version, upd.UpdatedAt = 2, base.Add(time.Hour)
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "update", tx.ActivitySlots().Update(ctx, w.sc, upd, 1), nil)
		wantErr(t, "update at an old version", tx.ActivitySlots().Update(ctx, w.sc, upd, 1), app.ErrPrecondition)
		wantErr(t, "update from another scope", tx.ActivitySlots().Update(ctx, other.sc, s1, 1), app.ErrPrecondition)
		return nil
	})
	// Slots move to another entry of the same scope from a start on, and only there.
	second := w.entry
	second.ID, second.Meta = app.NewID(), meta(150)
	secondStart := base.Add(2 * time.Hour)
	secondStop := secondStart.Add(time.Hour)
	second.StartedAt, second.StoppedAt = secondStart, &secondStop
	s1.Start = start.Add(app.SlotLength)
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "insert a second entry", tx.TimeEntries().Insert(ctx, w.sc, second), nil)
		wantErr(t, "move from another scope", tx.ActivitySlots().Move(ctx, other.sc, w.entry.ID, second.ID, s1.Start, meta(151).HLC, base), nil)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.ActivitySlots().Get(ctx, w.sc, w.entry.ID, s1.Start)
		wantErr(t, "a move from another scope changed nothing", err, nil)
		if got.EntryID != w.entry.ID {
			t.Errorf("slot moved from another scope")
		}
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		return tx.ActivitySlots().Move(ctx, w.sc, w.entry.ID, second.ID, s1.Start, meta(152).HLC, base.Add(3*time.Hour))
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.ActivitySlots().Get(ctx, w.sc, second.ID, s1.Start)
		wantErr(t, "moved slot", err, nil)
		if got.ID != s1.ID || got.Version != 2 || !got.UpdatedAt.Equal(base.Add(3*time.Hour)) {
			t.Errorf("moved slot %+v", got)
		}
		_, err = tx.ActivitySlots().Get(ctx, w.sc, w.entry.ID, s0.Start)
		wantErr(t, "the earlier slot stays", err, nil)
		// The second entry runs 02:30–03:30: a slot at 00:40 lies outside it and is not listed.
		list, err := tx.ActivitySlots().List(ctx, w.sc, app.ActivityFilter{From: start.Add(-time.Hour), To: start.Add(4 * time.Hour), Now: base.Add(5 * time.Hour)})
		wantErr(t, "list", err, nil)
		for _, s := range list {
			if s.ID == s1.ID {
				t.Errorf("a slot outside its entry's time is listed")
			}
		}
		return nil
	})
	// A deleted entry's slots leave the lists.
	del := w.entry
	now := base.Add(2 * time.Hour)
	del.DeletedAt, del.Version, del.UpdatedAt = &now, 2, now
	write(t, st, func(tx app.Tx) error { return tx.TimeEntries().Update(ctx, w.sc, del, 1) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.ActivitySlots().Get(ctx, w.sc, w.entry.ID, s0.Start)
		wantErr(t, "get updated", err, nil)
		same(t, "get updated", got, upd)
		list, err := tx.ActivitySlots().List(ctx, w.sc, app.ActivityFilter{From: start.Add(-time.Hour), To: start.Add(time.Hour), Now: base.Add(5 * time.Hour)})
		wantErr(t, "list after the entry's deletion", err, nil)
		if len(list) != 0 {
			t.Errorf("slots of a deleted entry listed: %d", len(list))
		}
		return nil
	})
}
