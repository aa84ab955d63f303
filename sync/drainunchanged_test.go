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

// rewriteCountingStore is a device's real store that counts the pulled entries written over
// the device's copies in bulk.
type rewriteCountingStore struct {
	*sqlite.Store
	rewritten atomic.Int64
}

func (s *rewriteCountingStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.Store.Write(ctx, func(tx app.Tx) error { return fn(rewriteCountingTx{Tx: tx, s: s}) })
}

type rewriteCountingTx struct {
	app.Tx
	s *rewriteCountingStore
}

func (tx rewriteCountingTx) Sync() app.SyncRows {
	return rewriteCountingRows{SyncRows: tx.Tx.Sync(), s: tx.s}
}

type rewriteCountingRows struct {
	app.SyncRows
	s *rewriteCountingStore
}

func (r rewriteCountingRows) UpdatePulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	r.s.rewritten.Add(int64(len(es)))
	return r.SyncRows.UpdatePulledEntries(ctx, sc, es)
}

// TestDrainDoesNotRewriteItsEntries: the entries a device drains come back in the pull that
// follows as the device has them (the server keeps the device's instants of their birth),
// and the device does not write them again; an entry the server changed meanwhile is
// written. The device ends with the server's rows exactly.
func TestDrainDoesNotRewriteItsEntries(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &rewriteCountingStore{Store: st}
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
	start := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
	for i := range 300 {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(20 * time.Minute)
		if _, err := d.svc.CreateTimeEntry(ctx, d.actor, app.TimeEntryInput{Description: fmt.Sprintf(" offline %d ", i), StartedAt: from, StoppedAt: &to}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := d.svc.SyncRound(ctx, pagesOf{d.remote(), 100}, nil)
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	if rep.Pushed != 300 || rep.Rejected != 0 || rep.Pending != 0 {
		t.Errorf("drain round = %+v, want 300 pushed, none rejected or pending", rep)
	}
	if n := cs.rewritten.Load(); n != 0 {
		t.Errorf("pulling back 300 drained entries wrote %d of them again, want none", n)
	}
	want, got := entries(t, tm.svc, tm.owner), entries(t, d.svc, d.actor)
	if len(want) != 300 || !reflect.DeepEqual(got, want) {
		t.Fatalf("after the drain the device has %d entries, the server %d; they differ", len(got), len(want))
	}

	// Entries edited on the server since are written over the device's copies.
	var edited []uuid.UUID
	for id, e := range want {
		if len(edited) == 20 {
			break
		}
		desc := e.Description + ", edited"
		if _, err := tm.svc.UpdateTimeEntry(ctx, tm.owner, id, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
			t.Fatal(err)
		}
		edited = append(edited, id)
	}
	if _, err := d.svc.SyncRound(ctx, d.remote(), nil); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if n := cs.rewritten.Load(); n != int64(len(edited)) {
		t.Errorf("pulling %d edited entries wrote %d", len(edited), n)
	}
	want, got = entries(t, tm.svc, tm.owner), entries(t, d.svc, d.actor)
	if !reflect.DeepEqual(got, want) {
		t.Error("after the edits the device's entries differ from the server's")
	}
}
