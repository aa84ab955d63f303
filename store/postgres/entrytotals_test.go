package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestEntryTotalsCalledOnlyForCountedEntries: the triggers that keep entry_totals call their
// PL/pgSQL function only for an entry the totals count (a project, stopped, live), on its
// insert and on its delete. An entry without a project or still running, as most creates
// are, costs no call (migration 0032; before it, every insert and delete made one), and
// one that counts still makes the totals move.
func TestEntryTotalsCalledOnlyForCountedEntries(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, a := signUp(t, st, "totals@example.com")
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Counted"})
	if err != nil {
		t.Fatal(err)
	}

	admin := db.adminConn(t)
	// The calls this transaction made, before any statistics are flushed.
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL track_functions = 'pl'`); err != nil {
		t.Fatal(err)
	}
	calls := func() int64 {
		t.Helper()
		var n int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(pg_stat_get_xact_function_calls('stint.entry_totals_change'::regproc), 0)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	micros := func() int64 {
		t.Helper()
		var n int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(micros), 0) FROM stint.entry_totals WHERE project_id = $1`, p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	insert := func(tx pgx.Tx, project any, stopped any) uuid.UUID {
		t.Helper()
		id := app.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO stint.time_entries (id, tenant_id, organization_id, user_id, project_id,
			started_at, stopped_at, timezone, source, version, hlc, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'UTC', 'manual', 1, '\x00', $6, $6)`,
			id, a.TenantID, a.OrgID, a.UserID, project, start, stopped); err != nil {
			t.Fatal(err)
		}
		return id
	}
	stop := start.Add(time.Hour)
	noProject := insert(tx, nil, stop)
	running := insert(tx, p.ID, nil)
	if _, err := tx.Exec(ctx, `DELETE FROM stint.time_entries WHERE id = ANY($1)`, []uuid.UUID{noProject, running}); err != nil {
		t.Fatal(err)
	}
	if n := calls(); n != 0 {
		t.Errorf("inserting and deleting entries the totals do not count made %d calls of entry_totals_change, want 0", n)
	}

	counted := insert(tx, p.ID, stop)
	if n, m := calls(), micros(); n != 1 || m != time.Hour.Microseconds() {
		t.Errorf("after a counted entry's insert: %d calls, %d µs in the totals; want 1 call, %d µs", n, m, time.Hour.Microseconds())
	}
	if _, err := tx.Exec(ctx, `DELETE FROM stint.time_entries WHERE id = $1`, counted); err != nil {
		t.Fatal(err)
	}
	if n, m := calls(), micros(); n != 2 || m != 0 {
		t.Errorf("after its delete: %d calls, %d µs in the totals; want 2 calls, 0 µs", n, m)
	}
}
