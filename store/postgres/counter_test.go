package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestCounterLeavesTenantRowFree: a writer holding the tenant's version counter (it has
// taken a seq and not yet committed) does not hold the tenant row, so a write to the
// tenant row itself (the tombstone purge's mark) goes ahead meanwhile instead of queueing
// behind every writer of the tenant. Migration 0009 moved the counter into tenant_counters;
// with the counter on the tenant row, the purge waits for the writer and fails here at its
// deadline.
func TestCounterLeavesTenantRowFree(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	sc := app.Scope{TenantID: ten.ID}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	holding, purged := make(chan int64), make(chan error, 1)
	writer := make(chan error, 1)
	go func() {
		writer <- st.Write(ctx, func(tx app.Tx) error {
			c := app.Change{ID: app.NewID(), TenantID: ten.ID, Entity: "project", EntityID: app.NewID(),
				Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-n", At: time.Now()}
			if err := tx.Changes().Append(ctx, sc, c); err != nil {
				return err
			}
			seq, err := tx.Changes().LatestSeq(ctx, sc) // sends the queued append: the counter is taken
			if err != nil {
				return err
			}
			holding <- seq
			return <-purged // hold the counter until the purge is over
		})
	}()
	var seq int64
	select {
	case seq = <-holding:
	case err := <-writer:
		t.Fatalf("writer: %v", err)
	}
	if seq < 1 {
		t.Fatalf("the writer's seq is %d, want one taken", seq)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	err := st.Write(pctx, func(tx app.Tx) error {
		_, err := tx.Sync().PurgeTombstones(pctx, sc, time.Now().Add(-time.Hour), time.Now())
		return err
	})
	cancel()
	purged <- nil
	if err != nil {
		t.Errorf("purge while another writer holds the counter: %v", err)
	}
	if err := <-writer; err != nil {
		t.Fatalf("writer: %v", err)
	}
	// The counter still orders the tenant's writers: the next seq comes after the writer's.
	var next int64
	if err := st.Read(ctx, func(tx app.Tx) error {
		var err error
		next, err = tx.Changes().LatestSeq(ctx, sc)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if next != seq {
		t.Errorf("latest seq %d after the writer committed seq %d", next, seq)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Log("the purge waited for the writer's lock on the tenant row")
	}
}
