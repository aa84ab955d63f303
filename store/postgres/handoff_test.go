package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestReadHandoff: a read's transaction, left open on its connection for the next
// transaction to roll back (handoff.go), never outlasts a moment: with nothing else to
// run, the connection is rolled back and idle in the pool soon after; the next
// transaction on a connection whose read failed still runs; and a done context is refused
// even when a connection is waiting, as the pool refuses it.
func TestReadHandoff(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	st, err := postgres.Open(ctx, db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.KeepOutbox() // the write after a failed read appends a change
	admin := db.adminConn(t)
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	sc := app.Scope{TenantID: ten.ID}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	read := func() error {
		return st.Read(ctx, func(tx app.Tx) error {
			_, err := tx.Tenants().Get(ctx, sc)
			return err
		})
	}
	openTx := func() int {
		t.Helper()
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND usename = $1 AND state LIKE 'idle in transaction%'`, db.opts.App).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("rolled back when nobody takes it", func(t *testing.T) {
		if err := read(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for openTx() > 0 {
			if time.Now().After(deadline) {
				t.Fatal("a read's transaction is still open 10 s after the read ended")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if p := st.PoolStats(); p.Acquired != 0 {
			t.Errorf("pool %+v after the reads ended, want nothing acquired", p)
		}
	})

	t.Run("done context", func(t *testing.T) {
		done, cancel := context.WithCancel(ctx)
		cancel()
		for range 8 {
			if err := read(); err != nil { // hands its connection on
				t.Fatal(err)
			}
			err := st.Read(done, func(tx app.Tx) error { _, err := tx.Tenants().Get(ctx, sc); return err })
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("read with a done context right after a read: %v, want context.Canceled", err)
			}
		}
	})

	t.Run("after a failed read", func(t *testing.T) {
		for range 8 { // more than one connection's worth, so some go out handed on
			err := st.Read(ctx, func(tx app.Tx) error {
				_, err := tx.Changes().After(ctx, sc, 0, -1) // a negative LIMIT fails the transaction
				return err
			})
			if err == nil || errors.Is(err, app.ErrNotFound) {
				t.Fatalf("read with a negative limit: %v, want the statement's failure", err)
			}
			if err := st.Write(ctx, func(tx app.Tx) error {
				return tx.Changes().Append(ctx, sc, app.Change{ID: app.NewID(), TenantID: ten.ID, Entity: "project",
					EntityID: app.NewID(), Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-n", At: time.Now()})
			}); err != nil {
				t.Fatalf("write after a failed read: %v", err)
			}
			if err := read(); err != nil {
				t.Fatalf("read after a failed read: %v", err)
			}
		}
	})

}
