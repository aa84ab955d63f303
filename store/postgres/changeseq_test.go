package postgres_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestChangeSeqOneUpdatePerTransaction: a transaction that takes many stamps updates its
// tenant's row once (migration 0008), counts on in between, and leaves the last value in
// tenants.change_seq when it commits; a stamp rolled back to a savepoint is taken again.
// Every stamp used to update the row, which made a push batch's foreign-key checks on
// tenants grow with the batch.
func TestChangeSeqOneUpdatePerTransaction(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	appDSN := db.setup(t)
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	before := latest(t, st, ten.ID)

	conn := adminConnTo(t, appDSN) // the application role, under row-level security
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, ten.ID.String()); err != nil {
		t.Fatal(err)
	}
	next := func() int64 {
		t.Helper()
		var v int64
		if err := tx.QueryRow(ctx, `SELECT next_change_seq($1)`, ten.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	const n = 50
	var got []int64
	for i := range n {
		// Each stamp in a savepoint of its own, as a push applies each mutation.
		if _, err := tx.Exec(ctx, `SAVEPOINT m`); err != nil {
			t.Fatal(err)
		}
		v := next()
		if i == n/2 {
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT m`); err != nil {
				t.Fatal(err)
			}
			if again := next(); again != v {
				t.Errorf("stamp after rolling back to the savepoint = %d, want %d again", again, v)
			}
		}
		if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT m`); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	for i, v := range got {
		if v != before+1+int64(i) {
			t.Fatalf("stamps %v, want %d.. counting up by one", got, before+1)
		}
	}
	var updates int64
	if err := tx.QueryRow(ctx, `SELECT pg_stat_get_xact_tuples_updated('tenants'::regclass)`).Scan(&updates); err != nil {
		t.Fatal(err)
	}
	if updates != 1 {
		t.Errorf("the transaction updated the tenant row %d times for %d stamps, want once", updates, n)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if l := latest(t, st, ten.ID); l != got[n-1] {
		t.Errorf("LatestSeq after the commit = %d, want the last stamp %d", l, got[n-1])
	}
	// The next transaction continues above, through the store's own statements.
	c := app.Change{ID: app.NewID(), TenantID: ten.ID, Entity: "project", EntityID: app.NewID(),
		Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-n", At: time.Now()}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Changes().Append(ctx, app.Scope{TenantID: ten.ID}, c) }); err != nil {
		t.Fatal(err)
	}
	if l := latest(t, st, ten.ID); l != got[n-1]+1 {
		t.Errorf("LatestSeq after the next write = %d, want %d", l, got[n-1]+1)
	}
}

// TestChangeSeqManyPerTransactionNeverSkips is TestChangeLogCursorNeverSkips with several
// stamps per transaction and two tenants written in one: whatever order the transactions
// commit in, a reader moving its cursor to the last seq it saw gets every committed change,
// seqs are distinct, and LatestSeq ends at the newest.
func TestChangeSeqManyPerTransactionNeverSkips(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	var tenants [2]app.Tenant
	for i := range tenants {
		tenants[i] = app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
		if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, tenants[i]) }); err != nil {
			t.Fatal(err)
		}
	}
	sc := app.Scope{TenantID: tenants[0].ID}
	const writers, each, per = 6, 15, 4
	var committed sync.Map
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var cs []app.Change
				err := st.Write(ctx, func(tx app.Tx) error {
					cs = cs[:0]
					for k := range per {
						ten := tenants[0]
						if w == 0 && k == 1 {
							ten = tenants[1] // a transaction stamping a second tenant
						}
						c := app.Change{ID: app.NewID(), TenantID: ten.ID, Entity: "project", EntityID: app.NewID(),
							Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-n", At: time.Now()}
						if err := tx.Changes().Append(ctx, app.Scope{TenantID: ten.ID}, c); err != nil {
							return err
						}
						if ten.ID == sc.TenantID {
							cs = append(cs, c)
						}
						time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
					}
					return nil
				})
				if err != nil {
					t.Errorf("writer %d, transaction %d: %v", w, i, err)
					return
				}
				for _, c := range cs {
					committed.Store(c.ID, true)
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	seen := map[uuid.UUID]bool{}
	seqs := map[int64]bool{}
	var cursor int64
	poll := func() {
		err := st.Read(ctx, func(tx app.Tx) error {
			list, err := tx.Changes().After(ctx, sc, cursor, 1000)
			for _, c := range list {
				if c.Seq <= cursor || seqs[c.Seq] {
					t.Errorf("seq %d after cursor %d, or seen before", c.Seq, cursor)
				}
				seen[c.ID], seqs[c.Seq] = true, true
				cursor = c.Seq
			}
			return err
		})
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		poll()
	}
	n := 0
	committed.Range(func(k, _ any) bool {
		n++
		if !seen[k.(uuid.UUID)] {
			t.Errorf("change %v committed but never read: the cursor skipped it", k)
		}
		return true
	})
	if want := writers*each*per - each; n != want || len(seen) != n {
		t.Errorf("committed %d, read %d, want %d", n, len(seen), want)
	}
	if l := latest(t, st, sc.TenantID); l != cursor {
		t.Errorf("LatestSeq %d, want the newest seq %d", l, cursor)
	}
}

func latest(t *testing.T, st *postgres.Store, tenant uuid.UUID) int64 {
	t.Helper()
	var seq int64
	err := st.Read(context.Background(), func(tx app.Tx) error {
		var err error
		seq, err = tx.Changes().LatestSeq(context.Background(), app.Scope{TenantID: tenant})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}
