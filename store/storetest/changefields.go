package storetest

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/stinthq/stint/app"
)

// testChangeFields: a change-log row keeps the fields its change touched with their stamps
// (docs/sync.md, Conflicts), and a change that replaces a pending one keeps the fields
// both touched, each at its later stamp; a change whose fields are not known makes the
// replaced row's not known either.
func testChangeFields(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "fields@example.com")
	h := func(i int) string { return meta(i).HLC }
	every := func(entity string, at string) app.FieldStamps {
		fs := app.FieldStamps{}
		for _, f := range allFieldsOf(entity) {
			fs[f] = at
		}
		return fs
	}
	created := every(app.EntityTimeEntry, h(1))
	createdThenDescribed := maps.Clone(created)
	createdThenDescribed["description"] = h(2)
	for _, tc := range []struct {
		name    string
		entity  string
		appends []app.FieldStamps // one change each, stamped h(1), h(2), ...
		want    app.FieldStamps
	}{
		{"one edit", app.EntityProject, []app.FieldStamps{{"name": h(1)}}, app.FieldStamps{"name": h(1)}},
		{"no field changed", app.EntityProject, []app.FieldStamps{{}}, app.FieldStamps{}},
		{"not known", app.EntityProject, []app.FieldStamps{nil}, nil},
		{"a create", app.EntityTimeEntry, []app.FieldStamps{created}, created},
		{"a create, then an edit", app.EntityTimeEntry, []app.FieldStamps{created, {"description": h(2)}}, createdThenDescribed},
		{"two edits of other fields", app.EntityProject, []app.FieldStamps{{"name": h(1)}, {"color": h(2)}},
			app.FieldStamps{"name": h(1), "color": h(2)}},
		{"the same field twice", app.EntityTag, []app.FieldStamps{{"name": h(1), "color": h(1)}, {"name": h(2)}},
			app.FieldStamps{"name": h(2), "color": h(1)}},
		{"nothing, then an edit", app.EntityTag, []app.FieldStamps{{}, {"name": h(2)}}, app.FieldStamps{"name": h(2)}},
		{"known, then not", app.EntityProject, []app.FieldStamps{{"name": h(1)}, nil}, nil},
		{"not known, then known", app.EntityProject, []app.FieldStamps{nil, {"name": h(2)}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := app.NewID()
			write(t, st, func(tx app.Tx) error {
				for i, fs := range tc.appends {
					if err := tx.Changes().Append(ctx, w.sc, app.Change{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
						Entity: tc.entity, EntityID: id, Op: app.OpUpsert, Version: int64(i + 1), HLC: h(i + 1), At: base, Fields: fs}); err != nil {
						return err
					}
				}
				return nil
			})
			read(t, st, func(tx app.Tx) error {
				cs, err := tx.Changes().After(ctx, w.sc, 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					if c.EntityID != id {
						continue
					}
					if (c.Fields == nil) != (tc.want == nil) || !maps.Equal(c.Fields, tc.want) {
						t.Errorf("fields %v (nil: %v), want %v (nil: %v)", c.Fields, c.Fields == nil, tc.want, tc.want == nil)
					}
					return nil
				}
				t.Fatal("no pending change")
				return nil
			})
		})
	}
}

// allFieldsOf are the fields an entity syncs, as a create touches them.
func allFieldsOf(entity string) []string {
	fs, _ := app.DecodeFieldStamps(entity, "*", true, "x")
	return slices.Sorted(maps.Keys(fs))
}
