package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// benchWorld is one tenant, organization and user in a fresh database, with the store and a
// bare pgx pool on the same application role beside it.
type benchWorld struct {
	st   *postgres.Store
	bare *pgxpool.Pool
	sc   app.Scope
	user uuid.UUID
}

func newBenchWorld(b *testing.B) benchWorld {
	db := newDB(b)
	dsn := db.setup(b)
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "stint"
	bare, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(bare.Close)
	svc := app.New(st, app.Options{})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"})
	if err != nil {
		b.Fatal(err)
	}
	return benchWorld{st: st, bare: bare, sc: app.Scope{TenantID: a.TenantID, OrgID: a.OrgID}, user: a.UserID}
}

func (w benchWorld) entry(i int) app.TimeEntry {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	stop := start.Add(30 * time.Second)
	return app.TimeEntry{ID: app.NewID(), TenantID: w.sc.TenantID, OrganizationID: w.sc.OrgID, UserID: w.user,
		Description: "bench", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
		TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: "000000000000001-0000000000-bench"}}
}

const benchInsert = `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, description, started_at, stopped_at,
	timezone, billable, source, version, hlc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`

// BenchmarkInsertEntry: one time entry per write transaction. "bare" is the least a write
// under row-level security can do with pgx: a transaction, the tenant setting and the
// INSERT sent together, a commit. "store" is Store.Write with TimeEntries().Insert.
func BenchmarkInsertEntry(b *testing.B) {
	w := newBenchWorld(b)
	ctx := context.Background()
	hlc := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 'b'}
	pair(b, func(i int) {
		{
			e := w.entry(2 * i)
			err := pgx.BeginFunc(ctx, w.bare, func(tx pgx.Tx) error {
				batch := &pgx.Batch{}
				batch.Queue(`SELECT set_config('app.tenant_id', $1, true)`, w.sc.TenantID.String())
				batch.Queue(benchInsert, e.ID, e.TenantID, e.OrganizationID, e.UserID, e.Description, e.StartedAt, e.StoppedAt,
					e.Timezone, e.Billable, e.Source, e.Version, hlc, e.CreatedAt, e.UpdatedAt)
				return tx.SendBatch(ctx, batch).Close()
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}, func(i int) {
		e := w.entry(2*i + 1)
		if err := w.st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, w.sc, e) }); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkListEntries: the newest 50 of 2,000 entries of an organization, through the
// (organization_id, started_at DESC, id DESC) index. "bare" is one pgx transaction with the
// tenant setting and the SELECT sent together; "store" is Store.Read with TimeEntries().List.
func BenchmarkListEntries(b *testing.B) {
	w := newBenchWorld(b)
	ctx := context.Background()
	err := w.st.Write(ctx, func(tx app.Tx) error {
		for i := range 2000 {
			if err := tx.TimeEntries().Insert(ctx, w.sc, w.entry(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	pair(b, func(int) {
		{
			n := 0
			err := pgx.BeginTxFunc(ctx, w.bare, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
				batch := &pgx.Batch{}
				batch.Queue(`SELECT set_config('app.tenant_id', $1, true)`, w.sc.TenantID.String())
				batch.Queue(`SELECT e.id, e.tenant_id, e.organization_id, e.user_id, e.project_id, e.task_id, e.description,
					e.started_at, e.stopped_at, e.timezone, e.billable, e.source, e.tag_ids, e.version, e.hlc, e.created_at, e.updated_at, e.deleted_at
					FROM time_entries e WHERE e.tenant_id = $1 AND e.organization_id = $2 AND e.deleted_at IS NULL
					ORDER BY started_at DESC, id DESC LIMIT 50`, w.sc.TenantID, w.sc.OrgID)
				br := tx.SendBatch(ctx, batch)
				defer br.Close()
				if _, err := br.Exec(); err != nil {
					return err
				}
				rows, err := br.Query()
				if err != nil {
					return err
				}
				for rows.Next() {
					var e app.TimeEntry
					var hlc []byte
					if err := rows.Scan(&e.ID, &e.TenantID, &e.OrganizationID, &e.UserID, &e.ProjectID, &e.TaskID, &e.Description,
						&e.StartedAt, &e.StoppedAt, &e.Timezone, &e.Billable, &e.Source, &e.TagIDs, &e.Version, &hlc,
						&e.CreatedAt, &e.UpdatedAt, &e.DeletedAt); err != nil {
						return err
					}
					n++
				}
				return rows.Err()
			})
			if err != nil || n != 50 {
				b.Fatalf("listed %d: %v", n, err)
			}
		}
	}, func(int) {
		{
			var n int
			err := w.st.Read(ctx, func(tx app.Tx) error {
				list, err := tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: app.PageRequest{Limit: 50}})
				n = len(list)
				return err
			})
			if err != nil || n != 50 {
				b.Fatalf("listed %d: %v", n, err)
			}
		}
	})
}

// pair runs the bare baseline and the store alternately, one call each per iteration, so
// both see the same machine (this one is shared and its load drifts), and reports each
// one's time per call and the store's as a ratio of the baseline's.
func pair(b *testing.B, bare, store func(i int)) {
	for i := range 20 { // warm both up: connections, prepared statements
		bare(-1 - 2*i)
		store(-2 - 2*i)
	}
	var tb, ts time.Duration
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		bare(i)
		t1 := time.Now()
		store(i)
		tb, ts = tb+t1.Sub(t0), ts+time.Since(t1)
	}
	b.ReportMetric(float64(tb.Nanoseconds())/float64(b.N), "bare_ns/op")
	b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), "store_ns/op")
	b.ReportMetric(float64(ts)/float64(tb), "store/bare")
}

// BenchmarkPrincipal: the lookup every request starts with, a token and its user's
// membership through the principal function, in one Read.
func BenchmarkPrincipal(b *testing.B) {
	w := newBenchWorld(b)
	ctx := context.Background()
	svc := app.New(w.st, app.Options{})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "bench@example.com", Password: "correct horse", Name: "B", Organization: "B"})
	if err != nil {
		b.Fatal(err)
	}
	hash := app.HashToken(sess.Token)
	for b.Loop() {
		err := w.st.Read(ctx, func(tx app.Tx) error {
			_, _, err := tx.Tokens().PrincipalAnyTenant(ctx, hash, nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
