package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// TestPullFromZeroOverLocalRows: a device that pulls from 0 while it already holds the rows
// (it logged in again under another address of the same server, so its cursor went back to
// 0) takes the server's copies over its own: the first-pull path, which inserts without
// looking, falls back to an update for a row that is there.
func TestPullFromZeroOverLocalRows(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Before"})
	if err != nil {
		t.Fatal(err)
	}
	d.addEntries(2, nil, "mine")
	d.sync()
	name := "After"
	if _, err := tm.svc.UpdateProject(ctx, tm.owner, p.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, tm.owner.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(d.dir), tm.url+"/", sess); err != nil {
		t.Fatal(err)
	}
	if got := d.status().Cursor; got != 0 {
		t.Fatalf("cursor after logging in under another address = %d, want 0", got)
	}
	if rep := d.sync(); rep.Pulled == 0 {
		t.Fatalf("round from 0 = %+v, want the server's rows pulled", rep)
	}
	if got := projectNames(t, d.svc, d.actor)[p.ID]; got != "After" {
		t.Fatalf("device shows project %q, want the server's After", got)
	}
	if got := len(entries(t, d.svc, d.actor)); got != 2 {
		t.Fatalf("device has %d entries, want its 2", got)
	}
}

// TestResetAfterPurge: a device that was away while the server purged a tombstone it never
// pulled gets reset: it pulls everything again, drops the deleted project it still showed,
// keeps its pending change (made while the resync runs) and its own entries, and ends with
// nothing waiting but that change.
func TestResetAfterPurge(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	// The same server, keeping tombstones for no time at all, so a purge takes them now.
	purger := app.New(tm.svc.Store(), app.Options{Hasher: fastHasher, NodeID: "purger", TombstoneRetention: time.Nanosecond})
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	gone, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Deleted while B was away"})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	if err := a.svc.DeleteProject(ctx, a.actor, gone.ID, 0); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.addEntries(2, &kept.ID, "made offline")
	time.Sleep(time.Millisecond) // the tombstone is older than the retention
	if n, err := purger.PurgeTombstones(ctx, tm.owner.TenantID); err != nil || n != 1 {
		t.Fatalf("purge: %d rows, %v; want the project's tombstone", n, err)
	}
	if _, ok := projectNames(t, b.svc, b.actor)[gone.ID]; !ok {
		t.Fatal("B lost the project before it synced")
	}

	// Pages of one row: the resync takes many pulls, each from a cursor below the purge.
	r := &midRound{SyncRemote: smallPages{b.remote()}, before: func() {
		name := "Renamed on B during the resync"
		if _, err := b.svc.UpdateProject(ctx, b.actor, kept.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
			t.Error(err)
		}
	}}
	round, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := b.svc.SyncRound(round, r, nil); err != nil {
		t.Fatalf("B's round after the purge: %v", err)
	}
	names := projectNames(t, b.svc, b.actor)
	if _, ok := names[gone.ID]; ok {
		t.Error("after the reset B still shows the project deleted on A, whose tombstone was purged")
	}
	if names[kept.ID] != "Renamed on B during the resync" {
		t.Errorf("B shows the kept project as %q, want its own pending rename", names[kept.ID])
	}
	if got := len(entries(t, b.svc, b.actor)); got != 2 {
		t.Errorf("B has %d entries, want its 2", got)
	}
	if st := b.status(); st.Pending != 1 || st.LastError != "" {
		t.Errorf("B's status = %+v, want the rename pending and no error", st)
	}
	b.sync()
	a.sync()
	if got := projectNames(t, a.svc, a.actor)[kept.ID]; got != "Renamed on B during the resync" {
		t.Errorf("A shows %q, want B's rename after the resync", got)
	}
	if got := len(entries(t, a.svc, a.actor)); got != 2 {
		t.Errorf("A has %d entries, want B's 2", got)
	}
}
