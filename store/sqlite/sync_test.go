package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

var syncedTables = []string{"organizations", "users", "memberships", "clients", "projects", "tasks", "tags", "time_entries"}

// TestUpgradeServerVersions opens a data dir made before migration 0005 (testdata/v3: three
// tenants) and checks that every synced row got a version of its own, above every seq the
// old change log handed out and distinct across the database, that each tenant's newest
// (tenants.change_seq) is its newest row's version, so the database's counter (the highest
// of them) is the newest of all, that a pull from 0 returns every row of the tenant, and that new changes continue
// above without moving other tenants' latest seq.
func TestUpgradeServerVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stint.db")
	src, err := os.ReadFile(filepath.Join("testdata", "v3", "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	var oldSeq int64
	if err := old.QueryRow(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)`).Scan(&oldSeq); err != nil {
		t.Fatal(err)
	}
	old.Close()

	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := sqlite.ReaderForTest(st)
	type tenant struct {
		id      uuid.UUID
		counter int64
	}
	var tenants []tenant
	rows, err := db.Query(`SELECT id, change_seq FROM tenants`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tn tenant
		if err := rows.Scan(&tn.id, &tn.counter); err != nil {
			t.Fatal(err)
		}
		tenants = append(tenants, tn)
	}
	rows.Close()
	if len(tenants) != 3 {
		t.Fatalf("%d tenants, want 3", len(tenants))
	}
	all := map[int64]string{} // every version in the database
	for _, tn := range tenants {
		versions := map[int64]string{}
		var newest int64
		for _, table := range syncedTables {
			rows, err := db.Query(`SELECT server_version FROM `+table+` WHERE tenant_id = ?`, tn.id[:])
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v int64
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				if v <= oldSeq {
					t.Errorf("%s row at version %d, not above the old change log's %d", table, v, oldSeq)
				}
				if other, dup := all[v]; dup {
					t.Errorf("version %d on a %s row and a %s row", v, table, other)
				}
				versions[v], all[v], newest = table, table, max(newest, v)
			}
			rows.Close()
		}
		if tn.counter != newest || len(versions) == 0 {
			t.Errorf("tenant %s: counter %d, newest version %d of %d rows", tn.id, tn.counter, newest, len(versions))
		}
		// A pull over all of the tenant's organizations returns every one of its rows.
		var vis app.Visibility
		orgs, err := db.Query(`SELECT id FROM organizations WHERE tenant_id = ?`, tn.id[:])
		if err != nil {
			t.Fatal(err)
		}
		for orgs.Next() {
			var id uuid.UUID
			if err := orgs.Scan(&id); err != nil {
				t.Fatal(err)
			}
			vis.Orgs = append(vis.Orgs, app.OrgVisibility{OrgID: id, AllEntries: true})
		}
		orgs.Close()
		var page app.SyncPage
		if err := st.Read(ctx, func(tx app.Tx) error {
			page, err = tx.Sync().Pull(ctx, app.Scope{TenantID: tn.id}, 0, 1000, vis)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		users := 0 // users without a membership are not pulled
		if err := db.QueryRow(`SELECT count(*) FROM users u WHERE tenant_id = ? AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`,
			tn.id[:]).Scan(&users); err != nil {
			t.Fatal(err)
		}
		if len(page.Rows) != len(versions)-users || page.More || page.Cursor != tn.counter {
			t.Errorf("tenant %s: pulled %d rows to cursor %d (more %v), want %d to %d", tn.id, len(page.Rows), page.Cursor, page.More,
				len(versions)-users, tn.counter)
		}
	}
	var counter, newest int64
	if err := db.QueryRow(`SELECT max(change_seq) FROM tenants`).Scan(&counter); err != nil {
		t.Fatal(err)
	}
	for v := range all {
		newest = max(newest, v)
	}
	if counter != newest {
		t.Errorf("database counter %d, newest version %d", counter, newest)
	}
	// The next change takes the next value of the database's counter, which becomes its
	// tenant's latest seq; the other tenants' stay.
	latest := func(tn tenant) int64 {
		var seq int64
		if err := st.Read(ctx, func(tx app.Tx) (err error) {
			seq, err = tx.Changes().LatestSeq(ctx, app.Scope{TenantID: tn.id})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return seq
	}
	err = st.Write(ctx, func(tx app.Tx) error {
		return tx.Changes().Append(ctx, app.Scope{TenantID: tenants[0].id}, app.Change{ID: app.NewID(), TenantID: tenants[0].id,
			Entity: "tenant", EntityID: tenants[0].id, Op: app.OpUpsert, Version: 1, HLC: "000000000000001-0000000000-test", At: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if seq := latest(tenants[0]); seq != counter+1 {
		t.Errorf("next change at %d, want %d", seq, counter+1)
	}
	for _, tn := range tenants[1:] {
		if seq := latest(tn); seq != tn.counter {
			t.Errorf("tenant %s: latest seq %d after another tenant's change, want %d", tn.id, seq, tn.counter)
		}
	}
}

// TestSyncStorage bounds what sync adds to each stored entry, the part of BenchmarkStorage's
// bytes per entry that migration 0005 decides, by measuring the b-trees themselves (dbstat)
// after 4,000 entries written as the service writes them (entry, audit row, change-log row).
// The (server_version) index holds the version and the entry's id; one led by tenant_id
// would hold 16 bytes more per entry. The change log keeps seq as its rowid, so its entity
// index holds the entity id and that rowid; a change log keyed (tenant_id, seq) would widen
// both: by 16 bytes a cell, past these bounds, which leave room for pages not quite full.
func TestSyncStorage(t *testing.T) {
	const n = 4000
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"})
	if err != nil {
		t.Fatal(err)
	}
	sc := app.Scope{TenantID: a.TenantID, OrgID: a.OrgID}
	err = st.Write(ctx, func(tx app.Tx) error {
		for i := range n {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			stop := start.Add(30 * time.Second)
			e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: a.UserID,
				Description: "storage", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
				TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: "000000000000001-0000000000-storage"}}
			if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
				return err
			}
			if err := tx.Audit().Append(ctx, sc, app.AuditEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: &sc.OrgID,
				ActorID: &a.UserID, Action: "time_entry.create", Entity: "time_entry", EntityID: e.ID, At: start}); err != nil {
				return err
			}
			if err := tx.Changes().Append(ctx, sc, app.Change{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: &sc.OrgID,
				Entity: "time_entry", EntityID: e.ID, Op: app.OpUpsert, Version: 1, HLC: e.HLC, At: start}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	db := sqlite.ReaderForTest(st)
	for _, c := range []struct {
		btree string
		max   float64 // bytes per entry
	}{
		// version (2 bytes here) + id (16) + record header (3) + cell pointer and size (3)
		{"time_entries_server_version", 34},
		// entity id (16) + seq (2) + record header (3) + cell pointer and size (3)
		{"change_log_entity", 34},
	} {
		var size int64
		if err := db.QueryRow(`SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?`, c.btree).Scan(&size); err != nil {
			t.Fatal(err)
		}
		if per := float64(size) / n; size == 0 || per > c.max {
			t.Errorf("%s: %.1f bytes per entry, want at most %.0f", c.btree, per, c.max)
		} else {
			t.Logf("%s: %.1f bytes per entry", c.btree, per)
		}
	}
	// The change log is a rowid table (seq is the rowid), not one clustered on a wider key.
	var withoutRowid int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'change_log' AND sql LIKE '%WITHOUT ROWID%'`).Scan(&withoutRowid); err != nil {
		t.Fatal(err)
	}
	if withoutRowid != 0 {
		t.Error("change_log is WITHOUT ROWID: its seq should be the rowid")
	}
}

// BenchmarkPull pulls 100,000 entries (and the world's few other rows) from 0 in pages of
// 1,000, each page in its own Read, as a fresh device's first sync would. The baseline, in
// the same loop, reads the same entries through TimeEntries().List in pages of the same
// size (the API's own keyset paging).
func BenchmarkPull(b *testing.B) {
	const entries, pageSize = 100_000, 1000
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"})
	if err != nil {
		b.Fatal(err)
	}
	sc := app.Scope{TenantID: a.TenantID, OrgID: a.OrgID}
	for chunk := 0; chunk < entries; chunk += 10_000 {
		err := st.Write(ctx, func(tx app.Tx) error {
			for i := chunk; i < chunk+10_000; i++ {
				start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
				stop := start.Add(30 * time.Second)
				e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: a.UserID,
					Description: "bench", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
					TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: "000000000000001-0000000000-bench"}}
				if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	vis := app.Visibility{UserID: a.UserID, Orgs: []app.OrgVisibility{{OrgID: a.OrgID, AllEntries: true}}}
	pullVsList(b, entries, func() int {
		n, cursor := 0, int64(0)
		for more := true; more; {
			err := st.Read(ctx, func(tx app.Tx) error {
				p, err := tx.Sync().Pull(ctx, sc, cursor, pageSize, vis)
				n, cursor, more = n+len(p.Rows), p.Cursor, p.More
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		return n
	}, func() int {
		n := 0
		var after *app.Cursor
		for {
			var es []app.TimeEntry
			err := st.Read(ctx, func(tx app.Tx) error {
				var err error
				es, err = tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: app.PageRequest{Limit: pageSize, After: after}})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			n += len(es)
			if len(es) < pageSize {
				return n
			}
			last := es[len(es)-1]
			after = &app.Cursor{Time: last.StartedAt, ID: last.ID}
		}
	})
}

// pullVsList times pull and list (each reading every page, returning the rows read) in
// turns, and reports rows per second of each and the ratio of their times.
func pullVsList(b *testing.B, entries int, pull, list func() int) {
	b.Helper()
	var tp, tl time.Duration
	for b.Loop() {
		t0 := time.Now()
		if n := pull(); n < entries {
			b.Fatalf("pulled %d rows, want at least %d", n, entries)
		}
		t1 := time.Now()
		if n := list(); n != entries {
			b.Fatalf("listed %d entries, want %d", n, entries)
		}
		tp, tl = tp+t1.Sub(t0), tl+time.Since(t1)
	}
	b.ReportMetric(float64(entries*b.N)/tp.Seconds(), "pull_rows/s")
	b.ReportMetric(float64(entries*b.N)/tl.Seconds(), "list_rows/s")
	b.ReportMetric(float64(tp)/float64(tl), "pull/list")
}
