package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// Pulled rows the device's store cannot take as they come, and pulls after the user's
// visibility changed (regressions found by the simulation, sim_test.go).

// TestPulledRunningEntryWaitsForTheStop (seed 6: "time_entry is on the server, missing on
// the device"): B's timer stops A's on the server, then A's stopped entry is edited there,
// so a pull brings B's running entry before A's stop. The device's store refuses a second
// running entry; the entry waits for the stop instead of being skipped for good.
func TestPulledRunningEntryWaitsForTheStop(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	x, err := a.svc.StartTimer(ctx, a.actor, app.TimerStart{Description: "on A"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	time.Sleep(2 * time.Millisecond) // B's start stamps after A's
	y, err := b.svc.StartTimer(ctx, b.actor, app.TimerStart{Description: "on B"})
	if err != nil {
		t.Fatal(err)
	}
	b.sync() // B's own running entry was X: its start stopped it locally too
	desc := "on A, edited"
	if _, err := tm.svc.UpdateTimeEntry(ctx, tm.owner, x.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.SyncRound(ctx, smallPages{a.remote()}, nil); err != nil {
		t.Fatal(err)
	}
	got := entries(t, a.svc, a.actor)
	if _, ok := got[y.ID]; !ok {
		t.Fatal("A never took B's running entry")
	}
	if got[x.ID].StoppedAt == nil || got[y.ID].StoppedAt != nil || got[x.ID].Description != desc {
		t.Fatalf("A has X %+v and Y %+v; want X stopped and edited, Y running", got[x.ID], got[y.ID])
	}
}

// TestRoleChangeResyncs (seed 10: "time_entry is on the server, missing on the device",
// then "live on the device but not on the server"): a member promoted to manager sees the
// team's entries made before the promotion, and demoted again no longer holds them.
func TestRoleChangeResyncs(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	theirs, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "owner's",
		StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
	if err != nil {
		t.Fatal(err)
	}
	m.addEntries(1, nil, "member's")
	m.sync()
	if _, ok := entries(t, m.svc, m.localActor())[theirs.ID]; ok {
		t.Fatal("a member's device holds the owner's entry")
	}
	promote(t, tm, app.RoleManager)
	m.sync()
	if got := entries(t, m.svc, m.localActor()); len(got) != 2 {
		t.Fatalf("promoted, the device has %d entries, want the member's and the owner's", len(got))
	}
	promote(t, tm, app.RoleMember)
	m.sync()
	got := entries(t, m.svc, m.localActor())
	if _, ok := got[theirs.ID]; ok || len(got) != 1 {
		t.Fatalf("demoted, the device still has %d entries (owner's among them: %v), want only the member's", len(got), ok)
	}
	if m.status().Pending != 0 {
		t.Fatal("dropping rows no longer visible went into the outbox")
	}
	// Promoted again, the entries dropped before come back over the device's tombstones.
	promote(t, tm, app.RoleManager)
	m.sync()
	if got := entries(t, m.svc, m.localActor()); len(got) != 2 {
		t.Fatalf("promoted again, the device has %d entries, want the member's and the owner's", len(got))
	}
}
