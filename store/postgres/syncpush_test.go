package postgres_test

import (
	"context"
	"encoding/json"
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
