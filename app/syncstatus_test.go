package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// statusDevice is a device with a local workspace and pending changes in its outbox.
type statusDevice struct {
	ctx   context.Context
	st    *sqlite.Store
	svc   *app.Service
	clock *app.FixedClock
	a     app.Actor
	dir   string
}

func newStatusDevice(tb testing.TB) *statusDevice {
	tb.Helper()
	dir := tb.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "stint.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	d := &statusDevice{ctx: context.Background(), st: st, clock: clock, dir: dir,
		svc: app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "device"})}
	if d.a, _, err = d.svc.EnsureLocal(d.ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "Europe/Berlin"}); err != nil {
		tb.Fatal(err)
	}
	return d
}

// queue puts n changes in the outbox in one transaction, as n offline edits leave them
// (one pending change per entity).
func (d *statusDevice) queue(tb testing.TB, n int) {
	tb.Helper()
	hlc := app.NewHLC(d.clock, "device")
	err := d.st.Write(d.ctx, func(tx app.Tx) error {
		for i := range n {
			c := app.Change{ID: app.NewID(), TenantID: d.a.TenantID, OrganizationID: &d.a.OrgID, Entity: app.EntityTimeEntry,
				EntityID: app.NewID(), Op: app.OpUpsert, Version: 1, HLC: hlc.Now(), At: d.clock.Now()}
			if err := tx.Changes().Append(d.ctx, d.a.Scope(), c); err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestSyncStatusPending: the status counts every pending change, past any page size.
func TestSyncStatusPending(t *testing.T) {
	d := newStatusDevice(t)
	before, err := d.svc.SyncStatus(d.ctx, app.RemoteTokenFile(d.dir))
	if err != nil {
		t.Fatal(err)
	}
	d.queue(t, 5003)
	st, err := d.svc.SyncStatus(d.ctx, app.RemoteTokenFile(d.dir))
	if err != nil || st.Pending != before.Pending+5003 {
		t.Fatalf("pending %d (%v), want %d", st.Pending, err, before.Pending+5003)
	}
}

// BenchmarkSyncStatusPending measures reading the sync status with 20,000 changes queued
// offline, beside reading the outbox through in pages (how the status counted them before
// ChangeLog.Count) in the same run.
func BenchmarkSyncStatusPending(b *testing.B) {
	const queued = 20000
	d := newStatusDevice(b)
	d.queue(b, queued)
	want, err := d.svc.SyncStatus(d.ctx, app.RemoteTokenFile(d.dir))
	if err != nil || want.Pending < queued {
		b.Fatalf("pending %d (%v)", want.Pending, err)
	}
	tokens := app.RemoteTokenFile(d.dir)
	b.Run("read_outbox", func(b *testing.B) {
		for b.Loop() {
			n := 0
			err := d.st.Read(d.ctx, func(tx app.Tx) error {
				for after := int64(0); ; {
					cs, err := tx.Changes().After(d.ctx, d.a.Scope(), after, 5000)
					if err != nil {
						return err
					}
					n += len(cs)
					if len(cs) < 5000 {
						return nil
					}
					after = cs[len(cs)-1].Seq
				}
			})
			if err != nil || n != want.Pending {
				b.Fatalf("read %d (%v)", n, err)
			}
		}
	})
	b.Run("status", func(b *testing.B) {
		for b.Loop() {
			st, err := d.svc.SyncStatus(d.ctx, tokens)
			if err != nil || st.Pending != want.Pending {
				b.Fatalf("pending %d (%v)", st.Pending, err)
			}
		}
	})
}
