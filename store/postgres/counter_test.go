package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestCounterLeavesTenantRowFree: a writer holding the tenant's version counter (it has
// taken a seq and not yet committed) does not hold the tenant row, so a write to the
// tenant row itself (the tombstone purge's mark) goes ahead meanwhile instead of queueing
// behind every writer of the tenant. Migration 0009 moved the counter into tenant_counters;
// with the counter on the tenant row, the purge waits for the writer and fails here at its
// deadline.
func TestCounterLeavesTenantRowFree(t *testing.T) {
	st := openOutbox(t)
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

// TestInsertStampsOnce: a synced row's insert takes one version. A time entry takes it in
// its own statement and the stamping trigger leaves it (migration 0009: the insert
// triggers stamp only a row without a version), so the counter moves by one and the entry
// holds the new value; a row inserted without a version is stamped by the trigger, and one
// that comes with its own keeps it.
func TestInsertStampsOnce(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := db.adminConn(t)
	_, a := signUp(t, st, "stamp@example.com")
	sc := a.Scope()
	latest := func() int64 {
		t.Helper()
		var seq int64
		if err := st.Read(ctx, func(tx app.Tx) error {
			var err error
			seq, err = tx.Changes().LatestSeq(ctx, sc)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return seq
	}
	version := func(table string, id any) int64 {
		t.Helper()
		var v int64
		if err := admin.QueryRow(ctx, `SELECT server_version FROM stint.`+table+` WHERE id = $1`, id).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, stopped := range []bool{true, false} { // sent with the commit, and on its own
		before := latest()
		e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: a.UserID,
			StartedAt: start, Timezone: "UTC", Source: app.SourceManual,
			Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n", CreatedAt: start, UpdatedAt: start}}
		if stopped {
			e.StoppedAt = ptrTime(start.Add(time.Hour))
		}
		start = start.Add(2 * time.Hour)
		if err := st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, sc, e) }); err != nil {
			t.Fatal(err)
		}
		after := latest()
		if got := version("time_entries", e.ID); after != before+1 || got != after {
			t.Errorf("stopped %v: counter %d -> %d and the entry's version %d, want the counter moved by one to the entry's",
				stopped, before, after, got)
		}
	}
	// Rows inserted by hand, as the schema owner would: without a version, and with one.
	before := latest()
	stamped, kept := app.NewID(), app.NewID()
	for _, q := range []struct {
		id      uuid.UUID
		version int64
	}{{stamped, 0}, {kept, 7777}} {
		if _, err := admin.Exec(ctx, `INSERT INTO stint.tags (id, tenant_id, organization_id, name, color, version, hlc,
			created_at, updated_at, server_version) VALUES ($1, $2, $3, $4, 'red', 1, '\x00', now(), now(), $5)`,
			q.id, sc.TenantID, sc.OrgID, "tag "+q.id.String(), q.version); err != nil {
			t.Fatal(err)
		}
	}
	if got := version("tags", stamped); got != before+1 {
		t.Errorf("a tag inserted without a version got %d, want the counter's next, %d", got, before+1)
	}
	if got := version("tags", kept); got != 7777 {
		t.Errorf("a tag inserted with version 7777 holds %d", got)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
