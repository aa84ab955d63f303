package postgres_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// stmtCounter counts the statements a store sends, alone or in batches.
type stmtCounter struct{ n atomic.Int64 }

func (c *stmtCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if d.SQL != "-- ping" && !postgres.InSweepForTest(ctx) {
		c.n.Add(1)
	}
	return ctx
}

func (c *stmtCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *stmtCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *stmtCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.n.Add(1)
}
func (c *stmtCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestCreateStatements: creating a stopped entry on a server's store sends three statements
// in one round trip, which is its transaction (db.finish): the tenant setting, the check of
// the actor's role and time zone (memberships.CheckActorLater), and the entry and its audit
// row as one statement, which takes the tenant's counter for the entry's version. The
// user's first create sends six: the service has not read the user's time zone yet, so it
// reads the actor's membership and the user with it instead of the check, in a transaction
// of two round trips, with its BEGIN and COMMIT. The server keeps no outbox: no
// change-log row is written, and the counter moves by one per create.
func TestCreateStatements(t *testing.T) {
	db := newDB(t)
	var stmts stmtCounter
	ctx := context.Background()
	st, err := postgres.OpenTracedForTest(ctx, db.setup(t), &stmts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "stmts@example.com", Password: "stmts password",
		Name: "Stmts", Organization: "Stmts", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var versions []int64
	for i := range 2 {
		begin, stop := start.Add(time.Duration(2*i)*time.Hour), start.Add(time.Duration(2*i+1)*time.Hour)
		before := stmts.n.Load()
		e, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "stmts", StartedAt: begin, StoppedAt: &stop})
		if err != nil {
			t.Fatal(err)
		}
		want := int64(3)
		if i == 0 {
			want = 6
		}
		if got := stmts.n.Load() - before; got != want {
			t.Errorf("create %d: %d statements, want %d", i, got, want)
		}
		var version, audits, changes int64
		if err := db.adminConn(t).QueryRow(ctx, `SELECT e.server_version,
			(SELECT count(*) FROM stint.audit_log l WHERE l.entity_id = e.id),
			(SELECT count(*) FROM stint.change_log c WHERE c.entity_id = e.id)
			FROM stint.time_entries e WHERE e.id = $1`, e.ID).Scan(&version, &audits, &changes); err != nil {
			t.Fatal(err)
		}
		if audits != 1 || changes != 0 {
			t.Errorf("create %d: %d audit rows and %d change-log rows, want 1 and 0", i, audits, changes)
		}
		versions = append(versions, version)
	}
	if versions[1] != versions[0]+1 {
		t.Errorf("the second create's version %d does not follow the first's %d", versions[1], versions[0])
	}
}

// TestMergedWriteFailure: writes sent as one statement (an entry, its audit and change-log
// rows) fail together, and the failure is told as its part's: a taken entry id is the
// caller's ErrConflict, a taken audit id is not; either way nothing of the Write is kept.
func TestMergedWriteFailure(t *testing.T) {
	st := openOutbox(t)
	defer st.Close()
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "merge@example.com", Password: "merge password",
		Name: "Merge", Organization: "Merge", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := a.Scope()
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	const hlc = "000000000000001-0000000000-n"
	entry := func() app.TimeEntry {
		return app.TimeEntry{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
			Description: "merge", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
			Meta: app.Meta{Version: 1, HLC: hlc, CreatedAt: start, UpdatedAt: start}}
	}
	audit := func(e app.TimeEntry) app.AuditEntry {
		return app.AuditEntry{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: &a.OrgID, ActorID: &a.UserID,
			Action: "time_entry.create", Entity: "time_entry", EntityID: e.ID, At: start}
	}
	write := func(e app.TimeEntry, au app.AuditEntry) error {
		return st.Write(ctx, func(tx app.Tx) error {
			if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
				return err
			}
			if err := tx.Audit().Append(ctx, sc, au); err != nil {
				return err
			}
			return tx.Changes().Append(ctx, sc, app.Change{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: &a.OrgID,
				Entity: "time_entry", EntityID: e.ID, Op: app.OpUpsert, Version: 1, HLC: hlc, At: start})
		})
	}
	first := entry()
	firstAudit := audit(first)
	if err := write(first, firstAudit); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := st.Read(ctx, func(tx app.Tx) error {
			got, err := tx.Audit().List(ctx, sc, app.PageRequest{Limit: 100})
			n = len(got)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	audits := count()
	taken := entry()
	taken.ID = first.ID
	for _, tc := range []struct {
		name     string
		entry    app.TimeEntry
		audit    app.AuditEntry
		conflict bool
	}{
		{"entry id taken", taken, audit(taken), true},
		{"audit id taken", entry(), firstAudit, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := write(tc.entry, tc.audit)
			if err == nil || errors.Is(err, app.ErrConflict) != tc.conflict || errors.Is(err, app.ErrNotFound) {
				t.Errorf("Write: %v; want a failure, ErrConflict %v", err, tc.conflict)
			}
			if n := count(); n != audits {
				t.Errorf("%d audit rows after the refused Write, want %d", n, audits)
			}
		})
	}
}
