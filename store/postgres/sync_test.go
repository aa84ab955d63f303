package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

// BenchmarkPull pulls 100,000 entries (and the world's few other rows) from 0 in pages of
// 1,000, each page in its own Read, as a fresh device's first sync would. The baseline, in
// the same loop, reads the same entries through TimeEntries().List in pages of the same
// size (the API's own keyset paging).
func BenchmarkPull(b *testing.B) {
	const entries, pageSize = 100_000, 1000
	w := newBenchWorld(b)
	ctx := context.Background()
	// INSERT … SELECT under the tenant's setting, so the stamping trigger runs per row as it
	// does for the store's own inserts; a thousand rows per transaction, since every stamp
	// updates the tenant row and one transaction's versions of it pile up.
	for chunk := 0; chunk < entries; chunk += 1000 {
		err := pgx.BeginFunc(ctx, w.bare, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, w.sc.TenantID.String()); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, description, started_at, stopped_at,
			timezone, billable, source, version, hlc, created_at, updated_at)
			SELECT gen_random_uuid(), $1, $2, $3, 'bench', ts, ts + interval '30 seconds', 'UTC', false, 'manual', 1,
				'\x00000000000000010000000062656e6368'::bytea, ts, ts
			FROM (SELECT timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute' AS ts FROM generate_series($4::int, $5::int) i) s`,
				w.sc.TenantID, w.sc.OrgID, w.user, chunk+1, chunk+1000)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	vis := app.Visibility{UserID: w.user, Orgs: []app.OrgVisibility{{OrgID: w.sc.OrgID, AllEntries: true}}}
	var tp, tl time.Duration
	for b.Loop() {
		t0 := time.Now()
		n, cursor := 0, int64(0)
		for more := true; more; {
			err := w.st.Read(ctx, func(tx app.Tx) error {
				p, err := tx.Sync().Pull(ctx, w.sc, cursor, pageSize, vis)
				n, cursor, more = n+len(p.Rows), p.Cursor, p.More
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if n < entries {
			b.Fatalf("pulled %d rows", n)
		}
		t1 := time.Now()
		n = 0
		var after *app.Cursor
		for {
			var es []app.TimeEntry
			err := w.st.Read(ctx, func(tx app.Tx) error {
				var err error
				es, err = tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: app.PageRequest{Limit: pageSize, After: after}})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			n += len(es)
			if len(es) < pageSize {
				break
			}
			last := es[len(es)-1]
			after = &app.Cursor{Time: last.StartedAt, ID: last.ID}
		}
		if n != entries {
			b.Fatalf("listed %d entries", n)
		}
		tp, tl = tp+t1.Sub(t0), tl+time.Since(t1)
	}
	b.ReportMetric(float64(entries*b.N)/tp.Seconds(), "pull_rows/s")
	b.ReportMetric(float64(entries*b.N)/tl.Seconds(), "list_rows/s")
	b.ReportMetric(float64(tp)/float64(tl), "pull/list")
}
