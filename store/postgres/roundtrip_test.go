package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// tripCounter counts the round trips a store makes: a statement sent alone, or a batch;
// and, in control, the BEGIN and COMMIT statements sent in batches.
type tripCounter struct{ n, control atomic.Int64 }

func (c *tripCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	// Not counted: the pool's check of a connection idle for a while, and the ROLLBACK of a
	// read's connection nobody took (postgres.InSweepForTest): no request waits for either.
	if d.SQL != "-- ping" && !postgres.InSweepForTest(ctx) {
		c.n.Add(1)
	}
	return ctx
}

func (c *tripCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *tripCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *tripCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if strings.HasPrefix(d.SQL, "BEGIN") || d.SQL == "COMMIT" {
		c.control.Add(1)
	}
}
func (c *tripCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestRoundTrips: the requests the API serves most cost the round trips they need and no
// more: authenticating a token is one statement, none while its principal is cached
// (app.PrincipalTTL), listing entries one batch (BEGIN, tenant, SELECT; the read's ROLLBACK
// goes in front of the next transaction's BEGIN on its connection, store/postgres/handoff.go),
// and creating a stopped entry one (BEGIN, tenant, the check of the actor's role and time
// zone, the insert with its audit row, COMMIT; app.Service.writeAssuming), also after a
// read. The user's first create is two: the service has not read the user's time zone yet,
// so it reads it with the actor's membership before the writes.
func TestRoundTrips(t *testing.T) {
	db := newDB(t)
	var trips tripCounter
	ctx := context.Background()
	st, err := postgres.OpenTracedForTest(ctx, db.setup(t), &trips)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := app.NewFixedClock(time.Now())
	svc := app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "trips@example.com", Password: "trips password",
		Name: "Trips", Organization: "Trips", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil) // touches the token once
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	stop, stop2 := start.Add(time.Hour), start.Add(3*time.Hour)
	listed := func(want int) func() error {
		return func() error {
			p, err := svc.TimeEntries(ctx, a, app.EntryQuery{})
			if err == nil && len(p.Items) != want {
				err = fmt.Errorf("%d entries listed, want %d", len(p.Items), want)
			}
			return err
		}
	}
	for _, tc := range []struct {
		name string
		want int64
		call func() error
	}{
		{"authenticate", 1, func() error {
			clock.Advance(app.PrincipalTTL) // past the principal cached above
			_, err := svc.Authenticate(ctx, sess.Token, nil)
			return err
		}},
		{"authenticate again", 0, func() error {
			_, err := svc.Authenticate(ctx, sess.Token, nil)
			return err
		}},
		{"first create entry", 2, func() error {
			_, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "trip",
				StartedAt: start, StoppedAt: &stop})
			return err
		}},
		{"create entry", 1, func() error {
			// Its one batch is the transaction, committed at its end: no BEGIN or COMMIT.
			before := trips.control.Load()
			_, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "trip",
				StartedAt: start.Add(-2 * time.Hour), StoppedAt: &start})
			if n := trips.control.Load() - before; err == nil && n != 0 {
				err = fmt.Errorf("%d BEGIN or COMMIT statements, want none", n)
			}
			return err
		}},
		{"list entries", 1, listed(2)},
		{"list entries again", 1, listed(2)},
		{"create entry after a read", 1, func() error {
			_, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "trip",
				StartedAt: start.Add(2 * time.Hour), StoppedAt: &stop2})
			return err
		}},
		{"list entries after a write", 1, listed(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := trips.n.Load()
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			if got := trips.n.Load() - before; got != tc.want {
				t.Errorf("%d round trips, want %d", got, tc.want)
			}
		})
	}
}

// TestQueuedWriteFailure: the audit and change-log rows go out with a later round trip,
// so their failure shows late; it must still lose the whole Write (or, in a unit, the
// function's savepoint), and must not pass for the result of the statement it arrived with
// (ErrConflict or ErrNotFound, which callers act on).
func TestQueuedWriteFailure(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	sc := app.Scope{TenantID: ten.ID}
	entry := app.AuditEntry{ID: app.NewID(), TenantID: ten.ID, Action: "tenant.create", Entity: "tenant", EntityID: ten.ID, At: time.Now()}
	if err := st.Write(ctx, func(tx app.Tx) error {
		if err := tx.Tenants().Insert(ctx, ten); err != nil {
			return err
		}
		return tx.Audit().Append(ctx, sc, entry)
	}); err != nil {
		t.Fatal(err)
	}
	// Each function writes a row of its own, then an audit row the database refuses (its
	// id is taken), then maybe reads.
	other := app.AuditEntry{ID: app.NewID(), TenantID: ten.ID, Action: "tenant.update", Entity: "tenant", EntityID: ten.ID, At: time.Now()}
	kept := func(t *testing.T, rctx context.Context) bool {
		t.Helper()
		var n int
		err := st.Read(rctx, func(tx app.Tx) error {
			got, err := tx.Audit().List(ctx, sc, app.PageRequest{Limit: 10})
			n = len(got)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n > 1
	}
	refused := func(readAfter bool) func(tx app.Tx) error {
		return func(tx app.Tx) error {
			if err := tx.Audit().Append(ctx, sc, other); err != nil {
				return err
			}
			if err := tx.Audit().Append(ctx, sc, entry); err != nil {
				return err
			}
			if !readAfter {
				return nil
			}
			_, err := tx.Tenants().Get(ctx, sc)
			if err == nil || errors.Is(err, app.ErrNotFound) || errors.Is(err, app.ErrConflict) {
				t.Errorf("the read after a refused audit row: %v, want the transaction's failure", err)
			}
			return err
		}
	}
	for _, tc := range []struct {
		name      string
		readAfter bool
	}{{"shown by the commit", false}, {"shown by the next statement", true}} {
		t.Run(tc.name, func(t *testing.T) {
			err := st.Write(ctx, refused(tc.readAfter))
			if err == nil || errors.Is(err, app.ErrConflict) || errors.Is(err, app.ErrNotFound) {
				t.Errorf("Write: %v, want the refused audit row's failure", err)
			}
			if kept(t, ctx) {
				t.Error("a Write whose audit row was refused kept its other rows")
			}
		})
	}
	t.Run("in a unit", func(t *testing.T) {
		uctx, u := st.BeginUnit(ctx)
		defer u.Rollback()
		if err := st.Write(uctx, refused(false)); err == nil || errors.Is(err, app.ErrConflict) {
			t.Errorf("Write in the unit: %v, want the refused audit row's failure", err)
		}
		if kept(t, uctx) {
			t.Error("the unit kept the rows of a function whose audit row was refused")
		}
		if err := u.Commit(ctx, func(tx app.Tx) error { return tx.Audit().Append(ctx, sc, other) }); err != nil {
			t.Fatalf("the unit does not go on after a function's refused audit row: %v", err)
		}
		if !kept(t, ctx) {
			t.Error("the unit's commit did not keep its audit row")
		}
	})
}

// TestQueuedWriteTimeout: a queued write the server cancels (here a change-log row waiting
// on the tenant's counter past the statement timeout) fails the Write with the server's
// error, not as an unreachable database, although its message speaks of a timeout.
func TestQueuedWriteTimeout(t *testing.T) {
	db := newDB(t)
	dsn := db.setup(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn+sep+"statement_timeout=300")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.KeepOutbox() // the queued write is a change-log row
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	lock, err := db.adminConn(t).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx) //nolint:errcheck // the lock is all it was for
	if _, err := lock.Exec(ctx, `SELECT 1 FROM stint.tenant_counters WHERE tenant_id = $1 FOR UPDATE`, ten.ID); err != nil {
		t.Fatal(err)
	}
	err = st.Write(ctx, func(tx app.Tx) error {
		return tx.Changes().Append(ctx, app.Scope{TenantID: ten.ID}, app.Change{ID: app.NewID(), TenantID: ten.ID,
			Entity: "tenant", EntityID: ten.ID, Op: app.OpUpsert, Version: 1, HLC: ten.HLC, At: time.Now()})
	})
	if err == nil || errors.Is(err, app.ErrUnavailable) || !strings.Contains(err.Error(), "statement timeout") {
		t.Errorf("Write: %v, want the statement timeout, not ErrUnavailable", err)
	}
}

// TestPrincipalPlanKept: principal, which every request calls, is PL/pgSQL, whose query
// plan a connection keeps; as a SQL function (SECURITY DEFINER with its own search_path, so
// never inlined) PostgreSQL parsed and planned its three-table join on every call, most of
// the database's CPU time per request. It must stay SECURITY DEFINER with a fixed search_path.
func TestPrincipalPlanKept(t *testing.T) {
	db := newDB(t)
	db.setup(t)
	var lang string
	var definer bool
	var config []string
	err := db.adminConn(t).QueryRow(context.Background(), `SELECT l.lanname, p.prosecdef, coalesce(p.proconfig, '{}')
		FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'stint' AND p.proname = 'principal'`).Scan(&lang, &definer, &config)
	if err != nil {
		t.Fatal(err)
	}
	if lang != "plpgsql" {
		t.Errorf("principal is %s, want plpgsql (a plan kept per connection)", lang)
	}
	if !definer || len(config) != 1 || config[0] != "search_path=stint, pg_temp" {
		t.Errorf("principal: SECURITY DEFINER %v, settings %q; want SECURITY DEFINER with search_path=stint, pg_temp", definer, config)
	}
}

// TestListPlanKept: a page of entries, the read the API serves most, keeps its prepared
// plan. With its LIMIT bound as a parameter PostgreSQL cannot cost a generic plan and plans
// the statement again on every call (about half the statement's time in the API benchmark).
func TestListPlanKept(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	dsn := db.setup(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	st, err := postgres.Open(ctx, dsn+sep+"pool_max_conns=1")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := app.NewFixedClock(time.Now())
	svc := app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "plans@example.com", Password: "plans password",
		Name: "Plans", Organization: "Plans", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A tenant with a few thousand entries, and statistics as autovacuum keeps them: a plan
	// for an unknown LIMIT then costs a tenth of the tenant's rows, and PostgreSQL prefers
	// planning each call for its actual limit.
	start := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	stop := start.Add(time.Minute)
	if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "plan", StartedAt: start, StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	admin := db.adminConn(t)
	if _, err := admin.Exec(ctx, `INSERT INTO stint.time_entries (id, tenant_id, organization_id, user_id, description,
		started_at, stopped_at, timezone, source, version, hlc, created_at, updated_at)
		SELECT gen_random_uuid(), $1, $2, $3, 'plan', t, t + interval '1 minute', 'UTC', 'manual', 1,
			(SELECT hlc FROM stint.time_entries LIMIT 1), now(), now()
		FROM generate_series(timestamptz '2025-01-01', timestamptz '2025-05-01', interval '1 hour') t`,
		a.TenantID, a.OrgID, a.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	const lists = 12
	for range lists {
		p, err := svc.TimeEntries(ctx, a, app.EntryQuery{ListParams: app.ListParams{Limit: 2}})
		if err != nil || len(p.Items) != 2 {
			t.Fatalf("listed %d entries: %v", len(p.Items), err)
		}
	}
	generic, custom, err := postgres.PlansForTest(ctx, st, "FROM time_entries e WHERE e.tenant_id")
	if err != nil {
		t.Fatal(err)
	}
	if generic+custom < lists {
		t.Fatalf("%d plans counted for %d lists: the statement was not found", generic+custom, lists)
	}
	if custom > 5 {
		t.Errorf("the list statement got %d custom plans and %d generic ones in %d calls: it is planned on every call", custom, generic, lists)
	}
}
