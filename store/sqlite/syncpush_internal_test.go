package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// countingQuerier counts the statements run through it and the texts they had.
type countingQuerier struct {
	querier
	n     int
	texts map[string]bool
}

func (c *countingQuerier) count(query string) {
	c.n++
	c.texts[query] = true
}

func (c *countingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.count(query)
	return c.querier.ExecContext(ctx, query, args...)
}

func (c *countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.count(query)
	return c.querier.QueryContext(ctx, query, args...)
}

func (c *countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.count(query)
	return c.querier.QueryRowContext(ctx, query, args...)
}

// TestPushLookupsOneStatementPerBatch: a push batch's dedup lookup and the location of the
// rows it names take a statement each, not one per mutation, and batches of other sizes
// reuse a few statement texts; what they answer is unchanged.
func TestPushLookupsOneStatementPerBatch(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	other := app.Tenant{ID: app.NewID(), Name: "o", Meta: ten.Meta}
	sc := app.Scope{TenantID: ten.ID}
	var recorded []uuid.UUID
	ms := make([]app.SyncMutation, 300)
	for i := range ms {
		ms[i] = app.SyncMutation{TenantID: ten.ID, MutationID: app.NewID(), UserID: app.NewID(), OrganizationID: app.NewID(),
			Entity: app.EntityTag, EntityID: app.NewID(), Status: app.MutationApplied, Version: 1, At: time.Now()}
		recorded = append(recorded, ms[i].MutationID)
	}
	err = st.Write(ctx, func(tx app.Tx) error {
		for _, tn := range []app.Tenant{ten, other} {
			if err := tx.Tenants().Insert(ctx, tn); err != nil {
				return err
			}
		}
		return tx.SyncMutations().Insert(ctx, sc, ms...)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Tags of both tenants, one of them deleted.
	org := app.Organization{ID: app.NewID(), TenantID: ten.ID, Name: "o", Timezone: "UTC", Meta: ten.Meta}
	otherOrg := app.Organization{ID: app.NewID(), TenantID: other.ID, Name: "o", Timezone: "UTC", Meta: ten.Meta}
	mine := app.Tag{ID: app.NewID(), TenantID: ten.ID, OrganizationID: org.ID, Name: "mine", Meta: ten.Meta}
	gone := app.Tag{ID: app.NewID(), TenantID: ten.ID, OrganizationID: org.ID, Name: "gone", Meta: ten.Meta}
	now := time.Now().UTC().Truncate(time.Microsecond)
	gone.DeletedAt = &now
	theirs := app.Tag{ID: app.NewID(), TenantID: other.ID, OrganizationID: otherOrg.ID, Name: "theirs", Meta: ten.Meta}
	err = st.Write(ctx, func(tx app.Tx) error {
		for _, o := range []app.Organization{org, otherOrg} {
			if err := tx.Organizations().Insert(ctx, app.Scope{TenantID: o.TenantID}, o); err != nil {
				return err
			}
		}
		for _, tg := range []app.Tag{mine, gone, theirs} {
			if err := tx.Tags().Insert(ctx, app.Scope{TenantID: tg.TenantID, OrgID: tg.OrganizationID}, tg); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	err = st.Write(ctx, func(tx app.Tx) error {
		cq := &countingQuerier{querier: tx.(*txn).q, texts: map[string]bool{}}
		sm := syncMutations{cq}
		ask := append([]uuid.UUID{app.NewID()}, recorded[:299]...)
		got, err := sm.Lookup(ctx, sc, ask)
		if err != nil {
			return err
		}
		if len(got) != 299 || cq.n != 1 {
			t.Errorf("lookup of 300 ids: %d outcomes in %d statements, want 299 in one", len(got), cq.n)
		}
		if got, _ := sm.Lookup(ctx, app.Scope{TenantID: other.ID}, recorded[:3]); len(got) != 0 {
			t.Errorf("another tenant's lookup found %d outcomes", len(got))
		}
		for _, n := range []int{5, 6, 7, 8} {
			if _, err := sm.Lookup(ctx, sc, recorded[:n]); err != nil {
				return err
			}
		}
		if len(cq.texts) != 3 { // 300 ids (512), 3 (4), and 5 to 8 (8)
			t.Errorf("lookups used %d statement texts, want 3", len(cq.texts))
		}
		cq.n = 0
		locs, err := sm.LocateAnyTenant(ctx, sc, app.EntityTag, append([]uuid.UUID{mine.ID, gone.ID, theirs.ID}, recorded[:200]...))
		if err != nil {
			return err
		}
		if cq.n != 1 {
			t.Errorf("locating 203 rows took %d statements, want one", cq.n)
		}
		want := map[uuid.UUID]app.RowLocation{mine.ID: {Found: true, OrganizationID: org.ID},
			gone.ID: {Found: true, OrganizationID: org.ID, Deleted: true}, theirs.ID: {Found: true, OtherTenant: true}}
		if len(locs) != len(want) {
			t.Errorf("located %v, want %v", locs, want)
		}
		for id, l := range want {
			if locs[id] != l {
				t.Errorf("location of %s = %+v, want %+v", id, locs[id], l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
