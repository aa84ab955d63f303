package sync_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// updateCountingStore is a device's real store that counts the time entries updated one
// by one through it.
type updateCountingStore struct {
	*sqlite.Store
	updates atomic.Int64
}

func (s *updateCountingStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.Store.Write(ctx, func(tx app.Tx) error { return fn(updateCountingTx{Tx: tx, s: s}) })
}

type updateCountingTx struct {
	app.Tx
	s *updateCountingStore
}

func (tx updateCountingTx) TimeEntries() app.TimeEntries {
	return updateCountingEntries{TimeEntries: tx.Tx.TimeEntries(), s: tx.s}
}

type updateCountingEntries struct {
	app.TimeEntries
	s *updateCountingStore
}

func (e updateCountingEntries) Update(ctx context.Context, sc app.Scope, en app.TimeEntry, prev int64) error {
	e.s.updates.Add(1)
	return e.TimeEntries.Update(ctx, sc, en, prev)
}

// TestDrainPullsBackInBulk: a device that drains its offline entries pulls them back as
// the server stored them (its bookkeeping, its stamps), and writes the stopped ones over
// its copies several to a statement, not one read and one update each; it ends with the
// server's rows exactly, beside the entries others made meanwhile and a running timer.
func TestDrainPullsBackInBulk(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Rocket"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &updateCountingStore{Store: st}
	d := &device{t: t, svc: app.New(cs, app.Options{Hasher: fastHasher, NodeID: "deviceA"}), dir: dir, url: tm.url}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.SyncRound(ctx, d.remote(), nil); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}

	// Offline: 600 entries on the device, some naming the project; one timer left running.
	start := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
	for i := range 600 {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(20 * time.Minute)
		in := app.TimeEntryInput{Description: fmt.Sprintf(" offline %d ", i), StartedAt: from, StoppedAt: &to}
		if i%3 == 1 {
			in.ProjectID = &p.ID
		}
		if _, err := d.svc.CreateTimeEntry(ctx, d.actor, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.svc.StartTimer(ctx, d.actor, app.TimerStart{Description: "running"}); err != nil {
		t.Fatal(err)
	}
	// Meanwhile on the server: entries of its own.
	for i := range 30 {
		from := start.Add(-time.Duration(i+1) * time.Hour)
		to := from.Add(10 * time.Minute)
		if _, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: fmt.Sprint("server ", i), StartedAt: from, StoppedAt: &to}); err != nil {
			t.Fatal(err)
		}
	}

	before := cs.updates.Load()
	rep, err := d.svc.SyncRound(ctx, pagesOf{d.remote(), 250}, nil)
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	if rep.Pushed != 601 || rep.Rejected != 0 || rep.Pending != 0 {
		t.Errorf("drain round = %+v, want 601 pushed, none rejected or pending", rep)
	}
	if n := cs.updates.Load() - before; n > 10 {
		t.Errorf("pulling back 601 pushed entries updated %d of them one by one, want the stopped ones in bulk", n)
	}
	want, got := entries(t, tm.svc, tm.owner), entries(t, d.svc, d.actor)
	if len(want) != 631 {
		t.Fatalf("the server has %d entries, want 631", len(want))
	}
	if len(got) != len(want) {
		t.Errorf("device has %d entries, server %d", len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("entry %s (%s) is missing on the device", id, w.Description)
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("entry %s on the device:\n got %+v\nwant %+v", id, g, w)
		}
	}
}
