package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestLookupMutationsProbesByKey: a push's dedup lookup reads its ids through the primary
// key, also under the generic plan a prepared statement ends up with and before the table
// has statistics (a burst of pushes outruns autovacuum): it must not read the tenant's other
// outcomes and filter them, which cost a drain of 20,000 mutations about 10 ms a batch.
func TestLookupMutationsProbesByKey(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	appDSN := db.setup(t)
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	sc := app.Scope{TenantID: ten.ID}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for range 6 {
		ms := make([]app.SyncMutation, 500)
		for i := range ms {
			ms[i] = app.SyncMutation{TenantID: ten.ID, MutationID: app.NewID(), UserID: app.NewID(), OrganizationID: app.NewID(),
				Entity: app.EntityTimeEntry, EntityID: app.NewID(), Status: app.MutationApplied, Version: 1, At: time.Now()}
			ids = append(ids, ms[i].MutationID)
		}
		if err := st.Write(ctx, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, sc, ms...) }); err != nil {
			t.Fatal(err)
		}
	}
	// The lookup still finds what it is asked for.
	ask := []uuid.UUID{ids[3], app.NewID(), ids[2999]}
	var got []app.SyncMutation
	if err := st.Write(ctx, func(tx app.Tx) error {
		var err error
		got, err = tx.SyncMutations().Lookup(ctx, sc, ask)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MutationID != ids[3] && got[1].MutationID != ids[3] {
		t.Errorf("lookup of %v = %+v, want the two recorded", ask, got)
	}

	conn := adminConnTo(t, appDSN) // the application role, under row-level security
	for _, q := range []string{`SET plan_cache_mode = force_generic_plan`,
		`SELECT set_config('app.tenant_id', '` + ten.ID.String() + `', false)`,
		`PREPARE lookup AS ` + postgres.LookupMutationsQueryForTest} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	texts := make([]string, 100)
	for i := range texts {
		texts[i] = app.NewID().String()
	}
	texts[0] = ids[10].String()
	var plan string
	err = conn.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE lookup('{`+strings.Join(texts, ",")+`}', '`+ten.ID.String()+`')`).Scan(&plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, `"Index Name": "sync_mutations_pkey"`) || strings.Contains(plan, `"Rows Removed by Filter"`) {
		t.Errorf("the lookup does not probe the primary key for each id:\n%s", plan)
	}
}

// TestPushRoundTrips: a push batch of stopped entries costs PostgreSQL a few round trips
// for the whole batch: its mutations are applied in a group (app/syncpush.go, Groups), whose
// savepoint, inserts, audit and change-log rows and release go out together. It cost one
// round trip per mutation while each had a savepoint of its own, and three while every
// mutation also read the membership again and sent its savepoint on its own.
func TestPushRoundTrips(t *testing.T) {
	db := newDB(t)
	var trips tripCounter
	ctx := context.Background()
	st, err := postgres.OpenTracedForTest(ctx, db.setup(t), &trips)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := app.NewFixedClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc := app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "push@example.com", Password: "push password",
		Name: "Push", Organization: "Push", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	hlc := app.NewHLC(clock, "laptop")
	seq := 0
	push := func(n int) {
		t.Helper()
		b := app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "laptop"}
		for range n {
			seq++
			from := clock.Now().Add(-time.Duration(1000-seq) * time.Hour)
			to := from.Add(30 * time.Minute)
			e := app.TimeEntry{ID: app.NewID(), StartedAt: from, StoppedAt: &to, Timezone: "UTC", Source: app.SourceManual,
				Description: "pushed"}
			row, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			b.Mutations = append(b.Mutations, app.Mutation{ID: app.NewID(), DeviceSeq: int64(seq), HLC: hlc.Now(),
				Entity: app.EntityTimeEntry, EntityID: e.ID, Op: app.OpUpsert, Row: row})
		}
		out, err := svc.Push(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range out {
			if o.Status != app.MutationApplied {
				t.Fatalf("mutation %d: %s %s", i, o.Reason, o.Message)
			}
		}
	}
	push(1) // the tenant's first push also runs its daily tombstone purge
	const n = 40
	before := trips.n.Load()
	push(n)
	if got := trips.n.Load() - before; got > 15 {
		t.Errorf("a push of %d entries took %d round trips, want at most 15", n, got)
	} else {
		t.Logf("a push of %d entries took %d round trips", n, got)
	}
}

// TestRepeatedCreatesGoOutAsRows: a transaction that creates many stopped entries, each
// with its audit row (a group of pushed creates), sends them as one statement of multi-row
// inserts, not one statement per entry; the rows are what the one-per-entry statements
// wrote, every field and null included, with versions taken in write order; and a
// duplicate id among them fails the transaction as ErrConflict, as its own statement would.
func TestRepeatedCreatesGoOutAsRows(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	var stmts stmtCounter
	st, err := postgres.OpenTracedForTest(ctx, db.setup(t), &stmts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "rows@example.com", Password: "rows password",
		Name: "Rows", Organization: "Rows", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Rocket"})
	if err != nil {
		t.Fatal(err)
	}
	tag1, err := svc.CreateTag(ctx, a, app.TagInput{Name: "one"})
	if err != nil {
		t.Fatal(err)
	}
	tag2, err := svc.CreateTag(ctx, a, app.TagInput{Name: "two"})
	if err != nil {
		t.Fatal(err)
	}
	sc := a.Scope()
	start := time.Date(2025, 3, 1, 9, 0, 0, 123456000, time.UTC)
	var es []app.TimeEntry
	for i := range 40 {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(30 * time.Minute)
		e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: a.UserID,
			Description: fmt.Sprintf("entry %d, \"quoted\" {braced}", i), StartedAt: from, StoppedAt: &to, Timezone: "Europe/Berlin",
			Source: app.SourceManual, TagIDs: []uuid.UUID{},
			Meta: app.Meta{Version: int64(1 + i%3), HLC: fmt.Sprintf("%015d-%010d-node", 1740819600000+i, i), CreatedAt: from, UpdatedAt: to}}
		switch i % 4 {
		case 1:
			e.ProjectID, e.Billable = &p.ID, true
		case 2:
			e.TagIDs = []uuid.UUID{tag2.ID, tag1.ID}
		case 3:
			e.ProjectID, e.TagIDs, e.Source = &p.ID, []uuid.UUID{tag1.ID}, app.SourceTimer
		}
		es = append(es, e)
	}
	insert := func(es []app.TimeEntry) error {
		return st.Write(ctx, func(tx app.Tx) error {
			for _, e := range es {
				if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
					return err
				}
				if err := tx.Audit().Append(ctx, sc, app.AuditEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: &sc.OrgID,
					ActorID: &a.UserID, Action: "time_entry.create", Entity: app.EntityTimeEntry, EntityID: e.ID, At: e.CreatedAt}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	before := stmts.n.Load()
	if err := insert(es); err != nil {
		t.Fatal(err)
	}
	// The tenant setting and the inserts, in one round trip: its implicit transaction, no
	// BEGIN or COMMIT (db.finish).
	if n := stmts.n.Load() - before; n != 2 {
		t.Errorf("%d creates with their audit rows took %d statements, want 2", len(es), n)
	}
	conn := db.adminConn(t)
	var versions []int64
	for _, e := range es {
		got, err := readEntry(ctx, st, sc, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("entry as written:\n got %+v\nwant %+v", got, e)
		}
		var version, audits int64
		if err := conn.QueryRow(ctx, `SELECT e.server_version, (SELECT count(*) FROM stint.audit_log l WHERE l.entity_id = e.id)
			FROM stint.time_entries e WHERE e.id = $1`, e.ID).Scan(&version, &audits); err != nil {
			t.Fatal(err)
		}
		if audits != 1 {
			t.Errorf("entry %s has %d audit rows, want 1", e.ID, audits)
		}
		versions = append(versions, version)
	}
	var head int64
	if err := conn.QueryRow(ctx, `SELECT change_seq FROM stint.tenant_counters WHERE tenant_id = $1`, sc.TenantID).Scan(&head); err != nil {
		t.Fatal(err)
	}
	for i, v := range versions {
		if want := head - int64(len(versions)-1-i); v != want {
			t.Fatalf("versions %v, want consecutive values in write order ending at the counter's %d", versions, head)
		}
	}

	// A duplicate id among new ones fails the transaction as the caller's conflict, and
	// leaves none of them.
	fresh := make([]app.TimeEntry, 6)
	for i := range fresh {
		fresh[i] = es[i]
		fresh[i].ID = app.NewID()
	}
	fresh[4].ID = es[7].ID
	err = insert(fresh)
	if !errors.Is(err, app.ErrConflict) {
		t.Errorf("a duplicate id among repeated creates: %v, want ErrConflict", err)
	}
	if _, err := readEntry(ctx, st, sc, fresh[0].ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an entry of the failed transaction is there: %v", err)
	}
}

func readEntry(ctx context.Context, st app.Store, sc app.Scope, id uuid.UUID) (app.TimeEntry, error) {
	var e app.TimeEntry
	err := st.Read(ctx, func(tx app.Tx) error {
		var err error
		e, err = tx.TimeEntries().Get(ctx, sc, id)
		return err
	})
	return e, err
}
