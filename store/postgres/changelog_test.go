package postgres_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// TestChangeLogCursorNeverSkips runs writers appending changes to one tenant at once, each
// holding its transaction open a little after taking its seq so commits interleave, while a
// reader polls After(cursor) and moves its cursor to the last seq it saw. Whatever order
// the transactions commit in, the reader must end up with every committed change: a seq
// taken from a sequence would let a later seq commit first, the cursor pass the earlier one,
// and that change be skipped for ever.
func TestChangeLogCursorNeverSkips(t *testing.T) {
	st := openOutbox(t)
	defer st.Close()
	ctx := context.Background()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	sc := app.Scope{TenantID: ten.ID}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 40
	var committed sync.Map
	var done atomic.Bool
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				c := app.Change{ID: app.NewID(), TenantID: ten.ID, Entity: "project", EntityID: app.NewID(),
					Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-n", At: time.Now()}
				err := st.Write(ctx, func(tx app.Tx) error {
					if err := tx.Changes().Append(ctx, sc, c); err != nil {
						return err
					}
					time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
					return nil
				})
				if err != nil {
					t.Errorf("writer %d, change %d: %v", w, i, err)
					return
				}
				committed.Store(c.ID, true)
			}
		}()
	}
	seen := map[uuid.UUID]bool{}
	var cursor int64
	poll := func() {
		err := st.Read(ctx, func(tx app.Tx) error {
			list, err := tx.Changes().After(ctx, sc, cursor, 1000)
			for _, c := range list {
				if c.Seq <= cursor {
					t.Errorf("seq %d after cursor %d", c.Seq, cursor)
				}
				seen[c.ID] = true
				cursor = c.Seq
			}
			return err
		})
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
	}
	go func() { wg.Wait(); done.Store(true) }()
	for !done.Load() {
		poll()
	}
	poll()
	n := 0
	committed.Range(func(k, _ any) bool {
		n++
		if !seen[k.(uuid.UUID)] {
			t.Errorf("change %v committed but never read: the cursor skipped it", k)
		}
		return true
	})
	if n != writers*each || len(seen) != n {
		t.Errorf("committed %d, read %d, want %d", n, len(seen), writers*each)
	}
	// The counter, not the outbox, answers LatestSeq: acknowledging everything keeps it.
	err := st.Write(ctx, func(tx app.Tx) error {
		if _, err := tx.Changes().Acknowledge(ctx, sc, cursor); err != nil {
			return err
		}
		latest, err := tx.Changes().LatestSeq(ctx, sc)
		if err != nil || latest != cursor {
			t.Errorf("latest seq after acknowledging all: %d (%v), want %d", latest, err, cursor)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
