package postgres_test

import (
	"context"
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
