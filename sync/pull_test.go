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
