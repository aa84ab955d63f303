package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// The tombstone purge and the resync's drop of stale rows (docs/sync.md, "Tombstones and
// resync").

// testTombstonePurge: a purge deletes the tenant's tombstones older than its cutoff that no
// row names, keeps newer ones and named ones, moves purged_through to the highest version
// it deleted and notes when it ran; another tenant's tombstones and purge state stay.
func testTombstonePurge(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "purge@example.com")
	other := seed(t, st, "purge-other@example.com")
	old, recent := base.Add(-100*24*time.Hour), base.Add(-24*time.Hour)
	cutoff := base.Add(-90 * 24 * time.Hour)

	client := app.Client{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "gone client", Meta: meta(300)}
	client.DeletedAt = &old
	named := app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "gone but named", Color: "#000000", Meta: meta(301)}
	named.DeletedAt = &old
	namedTag := app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "gone tag, named", Color: "#ffffff", Meta: meta(302)}
	namedTag.DeletedAt = &old
	fresh := app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "deleted yesterday", Color: "#ffffff", Meta: meta(303)}
	fresh.DeletedAt = &recent
	live := stoppedEntry(w, 40)
	live.ProjectID, live.TagIDs = &named.ID, []uuid.UUID{namedTag.ID}
	gone := stoppedEntry(w, 41)
	gone.DeletedAt = &old
	otherGone := stoppedEntry(other, 42)
	otherGone.DeletedAt = &old
	write(t, st, func(tx app.Tx) error {
		for _, err := range []func() error{
			func() error { return tx.Clients().Insert(ctx, w.sc, client) },
			func() error { return tx.Projects().Insert(ctx, w.sc, named) },
			func() error { return tx.Tags().Insert(ctx, w.sc, namedTag) },
			func() error { return tx.Tags().Insert(ctx, w.sc, fresh) },
			func() error { return tx.TimeEntries().Insert(ctx, w.sc, live) },
			func() error { return tx.TimeEntries().Insert(ctx, w.sc, gone) },
			func() error { return tx.TimeEntries().Insert(ctx, other.sc, otherGone) },
		} {
			if e := err(); e != nil {
				return e
			}
		}
		return nil
	})
	purgeState := func(sc app.Scope) (through int64, at time.Time) {
		t.Helper()
		read(t, st, func(tx app.Tx) error {
			var err error
			through, at, err = tx.Sync().PurgedThrough(ctx, sc)
			return err
		})
		return through, at
	}
	if through, at := purgeState(w.sc); through != 0 || !at.IsZero() {
		t.Fatalf("before any purge: purged through %d at %v, want 0 and never", through, at)
	}
	before, _ := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	version := map[uuid.UUID]int64{}
	for _, r := range before {
		version[r.ID] = r.Version
	}

	var n int64
	write(t, st, func(tx app.Tx) error {
		var err error
		n, err = tx.Sync().PurgeTombstones(ctx, w.sc, cutoff, base)
		return err
	})
	if n != 2 {
		t.Errorf("purged %d rows, want 2 (the old client and the old entry)", n)
	}
	through, at := purgeState(w.sc)
	if want := max(version[client.ID], version[gone.ID]); through != want {
		t.Errorf("purged through %d, want %d (the highest version purged)", through, want)
	}
	if !at.Equal(base) {
		t.Errorf("purged at %v, want %v", at, base)
	}
	after, _ := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	ids := map[uuid.UUID]bool{}
	for _, r := range after {
		ids[r.ID] = true
	}
	for id, want := range map[uuid.UUID]bool{client.ID: false, gone.ID: false, named.ID: true, namedTag.ID: true, fresh.ID: true, live.ID: true} {
		if ids[id] != want {
			t.Errorf("after the purge, row %s pulled: %v, want %v", id, ids[id], want)
		}
	}
	if len(after) != len(before)-2 {
		t.Errorf("after the purge a full pull has %d rows, want %d", len(after), len(before)-2)
	}
	// A second purge with nothing to delete keeps purged_through.
	write(t, st, func(tx app.Tx) error {
		var err error
		n, err = tx.Sync().PurgeTombstones(ctx, w.sc, cutoff, base.Add(time.Hour))
		return err
	})
	if again, _ := purgeState(w.sc); n != 0 || again != through {
		t.Errorf("second purge: %d rows, purged through %d; want 0 and %d still", n, again, through)
	}
	if through, at := purgeState(other.sc); through != 0 || !at.IsZero() {
		t.Errorf("the other tenant: purged through %d at %v, want untouched", through, at)
	}
	if rows, _ := pullAll(t, st, other.sc, 0, 1000, ownerVis(other)); !slices.ContainsFunc(rows, func(r app.SyncRow) bool { return r.ID == otherGone.ID }) {
		t.Error("the other tenant's old tombstone was purged")
	}
}

// testDropStale: a resync's drop deletes the rows at or below its version, except those
// with a pending change and those a kept row names; rows written after it stay.
func testDropStale(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "stale@example.com")
	other := seed(t, st, "stale-other@example.com")
	mark := latestSeq(t, st, w.sc)
	pending := stoppedEntry(w, 50) // a local change not pushed yet, naming the world's project
	pending.ProjectID = &w.project.ID
	after := app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "pulled again", Color: "#ffffff", Meta: meta(310)}
	write(t, st, func(tx app.Tx) error {
		return errors.Join(tx.TimeEntries().Insert(ctx, w.sc, pending),
			tx.Changes().Append(ctx, w.sc, app.Change{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
				Entity: app.EntityTimeEntry, EntityID: pending.ID, Op: app.OpUpsert, Version: 1, HLC: pending.HLC, At: base}))
	})
	// The pending entry's version is above the mark; so is a row pulled after it.
	write(t, st, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, after) })
	var n int64
	write(t, st, func(tx app.Tx) error {
		var err error
		n, err = tx.Sync().DropStale(ctx, w.sc, mark)
		return err
	})
	rows, _ := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	kept := map[uuid.UUID]bool{}
	for _, r := range rows {
		switch r.Kind {
		case app.SyncClient, app.SyncProject, app.SyncTask, app.SyncTag, app.SyncTimeEntry:
			kept[r.ID] = true
		}
	}
	want := map[uuid.UUID]bool{pending.ID: true, w.project.ID: true, after.ID: true}
	if w.project.ClientID != nil {
		want[*w.project.ClientID] = true // named by the kept project
	}
	if !mapsEqual(kept, want) {
		t.Errorf("after the drop the tenant keeps %v, want the pending entry, the project it names (and its client) and the newer tag %v", kept, want)
	}
	if n == 0 {
		t.Error("the drop deleted nothing")
	}
	if rows, _ := pullAll(t, st, other.sc, 0, 1000, ownerVis(other)); len(rows) == 0 || !slices.ContainsFunc(rows, func(r app.SyncRow) bool { return r.ID == other.entry.ID }) {
		t.Error("the drop deleted another tenant's rows")
	}
}

func mapsEqual(a, b map[uuid.UUID]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
