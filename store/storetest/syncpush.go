package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testSyncMutations pins app.SyncMutations: outcomes round-trip and are kept once per
// mutation id, a tenant reads and expires only its own, LocateAnyTenant tells the tenant's
// rows (tombstones too) from another tenant's without saying more about those, and Get holds
// the mutation id, so a second unit asking for it waits until the first has recorded it.
func testSyncMutations(t *testing.T, st app.Store) {
	ctx := context.Background()
	a := seed(t, st, "push-a@example.com")
	b := seed(t, st, "push-b@example.com")
	tenantA, tenantB := app.Scope{TenantID: a.tenant.ID}, app.Scope{TenantID: b.tenant.ID}
	rec := app.SyncMutation{TenantID: a.tenant.ID, MutationID: app.NewID(), UserID: a.user.ID, OrganizationID: a.org.ID,
		Entity: app.EntityProject, EntityID: a.project.ID, Status: app.MutationRejected, Reason: app.RejectInvalid,
		Message: "name: is required", Version: 7, At: base}
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenantA, rec) })

	read(t, st, func(tx app.Tx) error {
		got, err := lookupOne(ctx, tx, tenantA, rec.MutationID)
		if err != nil || got != rec {
			t.Errorf("get: %+v, %v; want %+v", got, err, rec)
		}
		_, err = lookupOne(ctx, tx, tenantB, rec.MutationID)
		wantErr(t, "another tenant's outcome", err, app.ErrNotFound)
		_, err = lookupOne(ctx, tx, tenantA, app.NewID())
		wantErr(t, "unknown mutation", err, app.ErrNotFound)
		return nil
	})
	err := st.Write(ctx, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenantA, rec) })
	wantErr(t, "second insert of one mutation", err, app.ErrConflict)
	other := rec
	other.TenantID, other.UserID, other.OrganizationID = b.tenant.ID, b.user.ID, b.org.ID
	err = st.Write(ctx, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenantA, other) })
	wantErr(t, "insert into another tenant's scope", err, app.ErrNotFound)
	// The same mutation id in another tenant is another mutation.
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenantB, other) })

	// Several at once: the recorded ones come back; a batch with one recorded mutation
	// stores none.
	m2, m3 := rec, rec
	m2.MutationID, m3.MutationID = app.NewID(), app.NewID()
	err = st.Write(ctx, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenantA, m2, rec, m3) })
	wantErr(t, "a batch with a recorded mutation", err, app.ErrConflict)
	write(t, st, func(tx app.Tx) error {
		if err := tx.SyncMutations().Insert(ctx, tenantA); err != nil { // nothing to store
			return err
		}
		return tx.SyncMutations().Insert(ctx, tenantA, m2, m3)
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.SyncMutations().Lookup(ctx, tenantA, []uuid.UUID{app.NewID(), m3.MutationID, rec.MutationID, m2.MutationID, m3.MutationID})
		seen := map[uuid.UUID]bool{}
		for _, m := range got {
			seen[m.MutationID] = true
		}
		if err != nil || len(seen) != 3 || !seen[rec.MutationID] || !seen[m2.MutationID] || !seen[m3.MutationID] {
			t.Errorf("lookup of several: %v, %v", seen, err)
		}
		got, err = tx.SyncMutations().Lookup(ctx, tenantB, []uuid.UUID{m2.MutationID, m3.MutationID})
		if err != nil || len(got) != 0 {
			t.Errorf("another tenant's lookup: %+v, %v", got, err)
		}
		return nil
	})

	// Expiry: only the tenant's own outcomes older than the instant go.
	fresh := rec
	fresh.MutationID, fresh.At = app.NewID(), base.Add(time.Hour)
	write(t, st, func(tx app.Tx) error {
		if err := tx.SyncMutations().Insert(ctx, tenantA, fresh); err != nil {
			return err
		}
		n, err := tx.SyncMutations().DeleteBefore(ctx, tenantA, base.Add(time.Minute))
		if n != 3 {
			t.Errorf("expired %d outcomes, want 3", n)
		}
		return err
	})
	read(t, st, func(tx app.Tx) error {
		_, err := lookupOne(ctx, tx, tenantA, rec.MutationID)
		wantErr(t, "expired outcome", err, app.ErrNotFound)
		_, err = lookupOne(ctx, tx, tenantA, fresh.MutationID)
		wantErr(t, "fresh outcome", err, nil)
		_, err = lookupOne(ctx, tx, tenantB, other.MutationID)
		wantErr(t, "another tenant's old outcome", err, nil)
		return nil
	})

	// Locating ids.
	gone := a.tag2
	gone.DeletedAt, gone.Version = &base, gone.Version+1
	write(t, st, func(tx app.Tx) error { return tx.Tags().Update(ctx, a.sc, gone, a.tag2.Version) })
	read(t, st, func(tx app.Tx) error {
		for _, c := range []struct {
			what   string
			entity string
			id     uuid.UUID
			want   app.RowLocation
		}{
			{"own project", app.EntityProject, a.project.ID, app.RowLocation{Found: true, OrganizationID: a.org.ID}},
			{"own entry", app.EntityTimeEntry, a.entry.ID, app.RowLocation{Found: true, OrganizationID: a.org.ID}},
			{"own client", app.EntityClient, a.client.ID, app.RowLocation{Found: true, OrganizationID: a.org.ID}},
			{"own task", app.EntityTask, a.task.ID, app.RowLocation{Found: true, OrganizationID: a.org.ID}},
			{"own tombstone", app.EntityTag, gone.ID, app.RowLocation{Found: true, OrganizationID: a.org.ID, Deleted: true}},
			{"another tenant's project", app.EntityProject, b.project.ID, app.RowLocation{Found: true, OtherTenant: true}},
			{"another tenant's entry", app.EntityTimeEntry, b.entry.ID, app.RowLocation{Found: true, OtherTenant: true}},
			{"a project id in the tags", app.EntityTag, a.project.ID, app.RowLocation{}},
			{"a new id", app.EntityTask, app.NewID(), app.RowLocation{}},
		} {
			got, err := tx.SyncMutations().LocateAnyTenant(ctx, tenantA, c.entity, []uuid.UUID{c.id})
			l, listed := got[c.id]
			if err != nil || l != c.want || listed != c.want.Found || len(got) > 1 {
				t.Errorf("locate %s: %+v, %v; want %+v", c.what, got, err, c.want)
			}
		}
		// Several ids of one table in one call.
		newID := app.NewID()
		got, err := tx.SyncMutations().LocateAnyTenant(ctx, tenantA, app.EntityProject, []uuid.UUID{a.project.ID, newID, b.project.ID})
		want := map[uuid.UUID]app.RowLocation{a.project.ID: {Found: true, OrganizationID: a.org.ID}, b.project.ID: {Found: true, OtherTenant: true}}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("locate several: %+v, %v; want %+v", got, err, want)
		}
		_, err = tx.SyncMutations().LocateAnyTenant(ctx, tenantA, "user", []uuid.UUID{a.user.ID})
		if err == nil {
			t.Errorf("locate in a table pushes do not carry: no error")
		}
		return nil
	})

	testFieldClocksAndConflicts(t, st, a, b)
	testSyncMutationHold(t, st, a)
	testSyncPushOnce(t, st)
}

// testSyncMutationHold: a unit that looked a mutation up holds it; a second unit's lookup
// returns only after the first has committed, and then finds its outcome.
func testSyncMutationHold(t *testing.T, st app.Store, a world) {
	us, ok := st.(app.UnitStore)
	if !ok {
		t.Skipf("%T holds no units of work", st)
	}
	ctx := context.Background()
	tenant := app.Scope{TenantID: a.tenant.ID}
	rec := app.SyncMutation{TenantID: a.tenant.ID, MutationID: app.NewID(), UserID: a.user.ID, OrganizationID: a.org.ID,
		Entity: app.EntityTag, EntityID: a.tag.ID, Status: app.MutationApplied, Version: 2, At: base}
	first, u1 := us.BeginUnit(ctx)
	defer u1.Rollback()
	if err := st.Write(first, func(tx app.Tx) error {
		_, err := lookupOne(first, tx, tenant, rec.MutationID)
		wantErr(t, "first lookup", err, app.ErrNotFound)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		m   app.SyncMutation
		err error
	}
	done := make(chan result, 1)
	go func() {
		second, u2 := us.BeginUnit(ctx)
		defer u2.Rollback()
		var r result
		r.err = st.Write(second, func(tx app.Tx) error {
			var err error
			r.m, err = lookupOne(second, tx, tenant, rec.MutationID)
			return err
		})
		done <- r
	}()
	select {
	case r := <-done:
		t.Fatalf("the second lookup did not wait for the first unit: %+v, %v", r.m, r.err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := u1.Commit(ctx, func(tx app.Tx) error { return tx.SyncMutations().Insert(ctx, tenant, rec) }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || r.m.Status != app.MutationApplied {
			t.Errorf("second lookup after the first committed: %+v, %v", r.m, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second lookup never returned")
	}
}

// testSyncPushOnce runs app.Service.Push on the store: the same batch pushed by several
// requests at once has one effect, every push answers it, and a retry is answered from the
// recorded outcomes.
func testSyncPushOnce(t *testing.T, st app.Store) {
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}, NodeID: "server"})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "push-once@example.com", Password: "correct horse", Name: "Ada", Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	device := app.NewHLC(app.SystemClock{}, "laptop")
	mutation := func(entity string, id uuid.UUID, row string) app.Mutation {
		return app.Mutation{ID: app.NewID(), HLC: device.Now(), Entity: entity, EntityID: id, Op: app.OpUpsert, Row: []byte(row)}
	}
	project, entry := app.NewID(), app.NewID()
	started := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	b := app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{
		mutation(app.EntityProject, project, `{"name":"Website"}`),
		mutation(app.EntityProject, project, `{"name":"Website relaunch"}`),
		mutation(app.EntityTimeEntry, entry, `{"project_id":"`+project.String()+`","started_at":"`+started+`","source":"timer"}`),
	}}
	const pushes = 6
	outs := make([][]app.MutationOutcome, pushes)
	errs := make([]error, pushes)
	var wg sync.WaitGroup
	for i := range pushes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = svc.Push(ctx, a, b)
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range pushes {
		if errs[i] != nil {
			t.Fatalf("push %d: %v", i, errs[i])
		}
		for j, o := range outs[i] {
			if o.Status != app.MutationApplied {
				t.Errorf("push %d mutation %d: %s %s %s", i, j, o.Status, o.Reason, o.Message)
			}
		}
		if !outs[i][0].Replayed {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d of %d pushes applied the batch, want 1", fresh, pushes)
	}
	p, err := svc.Project(ctx, a, project)
	if err != nil || p.Name != "Website relaunch" || p.Version != 2 {
		t.Errorf("project: %+v, %v; want Website relaunch v2", p, err)
	}
	r, err := svc.RunningEntry(ctx, a)
	if err != nil || r == nil || r.ID != entry || r.Version != 1 {
		t.Errorf("running entry: %+v, %v", r, err)
	}
}

// lookupOne looks one mutation up: its outcome, or ErrNotFound.
func lookupOne(ctx context.Context, tx app.Tx, sc app.Scope, id uuid.UUID) (app.SyncMutation, error) {
	ms, err := tx.SyncMutations().Lookup(ctx, sc, []uuid.UUID{id})
	switch {
	case err != nil:
		return app.SyncMutation{}, err
	case len(ms) != 1:
		return app.SyncMutation{}, fmt.Errorf("%d outcomes of mutation %s: %w", len(ms), id, app.ErrNotFound)
	}
	return ms[0], nil
}

// testFieldClocksAndConflicts: a row's field clocks round-trip and are replaced; conflict
// records list oldest first with their values and stamps; both stay in their tenant.
func testFieldClocksAndConflicts(t *testing.T, st app.Store, a, b world) {
	ctx := context.Background()
	tenantA, tenantB := app.Scope{TenantID: a.tenant.ID}, app.Scope{TenantID: b.tenant.ID}
	stamp := func(ms int) string { return fmt.Sprintf("%015d-%010d-laptop", 1795790948865+ms, 0) }
	read(t, st, func(tx app.Tx) error {
		_, err := tx.SyncMutations().FieldClocks(ctx, tenantA, a.entry.ID)
		wantErr(t, "no clocks yet", err, app.ErrNotFound)
		return nil
	})
	first := app.FieldClocks{Version: 2, Clocks: map[string]string{"description": stamp(1), "billable": stamp(2)}}
	second := app.FieldClocks{Version: 3, Clocks: map[string]string{"description": stamp(3)}}
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().PutFieldClocks(ctx, tenantA, a.entry.ID, first) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.SyncMutations().FieldClocks(ctx, tenantA, a.entry.ID)
		if err != nil || got.Version != 2 || !maps.Equal(got.Clocks, first.Clocks) {
			t.Errorf("clocks: %+v, %v", got, err)
		}
		_, err = tx.SyncMutations().FieldClocks(ctx, tenantB, a.entry.ID)
		wantErr(t, "another tenant's clocks", err, app.ErrNotFound)
		return nil
	})
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().PutFieldClocks(ctx, tenantA, a.entry.ID, second) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.SyncMutations().FieldClocks(ctx, tenantA, a.entry.ID)
		if err != nil || got.Version != 3 || !maps.Equal(got.Clocks, second.Clocks) {
			t.Errorf("replaced clocks: %+v, %v", got, err)
		}
		return nil
	})

	c1 := app.SyncConflict{ID: app.NewID(), TenantID: a.tenant.ID, OrganizationID: a.org.ID, UserID: a.user.ID, MutationID: app.NewID(),
		Entity: app.EntityTimeEntry, EntityID: a.entry.ID, Field: "description", Kept: []byte(`"kept"`), Lost: []byte(`"lost"`),
		KeptHLC: stamp(5), LostHLC: stamp(4), At: base}
	c2 := c1
	c2.ID, c2.Field, c2.Kept, c2.Lost, c2.At = app.NewID(), "tag_ids", []byte(`["a"]`), []byte(`[]`), base.Add(time.Second)
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().AddConflicts(ctx, tenantA, c2, c1) })
	err := st.Write(ctx, func(tx app.Tx) error { return tx.SyncMutations().AddConflicts(ctx, tenantB, c1) })
	wantErr(t, "a conflict into another tenant's scope", err, app.ErrNotFound)
	read(t, st, func(tx app.Tx) error {
		got, err := tx.SyncMutations().Conflicts(ctx, tenantA, a.entry.ID)
		if err != nil || len(got) != 2 || got[0].ID != c1.ID || got[1].ID != c2.ID {
			t.Fatalf("conflicts: %+v, %v", got, err)
		}
		g := got[0]
		if g.Field != "description" || string(g.Kept) != `"kept"` || string(g.Lost) != `"lost"` || g.KeptHLC != c1.KeptHLC ||
			g.LostHLC != c1.LostHLC || !g.At.Equal(base) || g.UserID != a.user.ID || g.MutationID != c1.MutationID || g.OrganizationID != a.org.ID {
			t.Errorf("conflict as read: %+v", g)
		}
		other, err := tx.SyncMutations().Conflicts(ctx, tenantB, a.entry.ID)
		if err != nil || len(other) != 0 {
			t.Errorf("another tenant's conflicts: %+v, %v", other, err)
		}
		return nil
	})

	// The organization's log, newest first: c3 is another member's, c4 another
	// organization's, c5 shares c3's instant (the id breaks the tie).
	c3, c4, c5 := c1, c1, c1
	c3.ID, c3.UserID, c3.At = app.NewID(), app.NewID(), base.Add(2*time.Second)
	c4.ID, c4.OrganizationID, c4.At = app.NewID(), app.NewID(), base.Add(3*time.Second)
	c5.ID, c5.At = app.NewID(), c3.At
	write(t, st, func(tx app.Tx) error { return tx.SyncMutations().AddConflicts(ctx, tenantA, c3, c4, c5) })
	hi, lo := c3, c5
	if hi.ID.String() < lo.ID.String() {
		hi, lo = lo, hi
	}
	ids := func(cs []app.SyncConflict, err error) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID.String())
		}
		return fmt.Sprint(out, err)
	}
	want := func(cs ...app.SyncConflict) string { return ids(cs, nil) }
	orgA := app.Scope{TenantID: a.tenant.ID, OrgID: a.org.ID}
	read(t, st, func(tx app.Tx) error {
		m := tx.SyncMutations()
		same(t, "the organization's conflicts", ids(m.RecentConflicts(ctx, orgA, nil, nil, 10)), want(hi, lo, c2, c1))
		same(t, "a member's conflicts", ids(m.RecentConflicts(ctx, orgA, &a.user.ID, nil, 10)), want(c5, c2, c1))
		same(t, "the first two", ids(m.RecentConflicts(ctx, orgA, nil, nil, 2)), want(hi, lo))
		same(t, "the page after the tie", ids(m.RecentConflicts(ctx, orgA, nil, &hi, 10)), want(lo, c2, c1))
		same(t, "the page after c2", ids(m.RecentConflicts(ctx, orgA, nil, &c2, 10)), want(c1))
		same(t, "another organization's", ids(m.RecentConflicts(ctx, app.Scope{TenantID: a.tenant.ID, OrgID: c4.OrganizationID}, nil, nil, 10)), want(c4))
		same(t, "another tenant's", ids(m.RecentConflicts(ctx, app.Scope{TenantID: b.tenant.ID, OrgID: a.org.ID}, nil, nil, 10)), want())
		return nil
	})
}

// testUnchangedPulledEntries: of a device's pulled entries, those whose live copy already
// holds every field UpdatePulledEntries writes, bookkeeping included, are named (the
// creation instant, which the copy keeps, does not count); one that differs in any of them,
// or has no live copy in its organization (none, a tombstone, another organization's), is
// not; another tenant's fails the call.
func testUnchangedPulledEntries(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "unchanged@example.com")
	// More than one statement's worth, with a tail that is not a power of two.
	var have []app.TimeEntry
	for i := range 301 {
		e := stoppedEntry(w, 5000+i)
		if i%2 == 0 {
			e.ProjectID, e.TaskID, e.TagIDs = &w.project.ID, &w.task.ID, []uuid.UUID{w.tag.ID, w.tag2.ID}
		}
		have = append(have, e)
	}
	tomb := stoppedEntry(w, 6000)
	gone := base.Add(time.Hour)
	tomb.DeletedAt, tomb.Version = &gone, 2
	write(t, st, func(tx app.Tx) error {
		for _, e := range append(slices.Clone(have), tomb) {
			if err := tx.TimeEntries().Insert(ctx, app.Scope{TenantID: w.tenant.ID, OrgID: e.OrganizationID}, e); err != nil {
				return err
			}
		}
		return nil
	})
	later := func(t *time.Time) *time.Time { v := t.Add(time.Microsecond); return &v }
	changes := []struct {
		field  string
		change func(e *app.TimeEntry)
	}{
		{"project_id", func(e *app.TimeEntry) { e.ProjectID = nil }},
		{"task_id", func(e *app.TimeEntry) { e.TaskID = &w.task.ID }},
		{"description", func(e *app.TimeEntry) { e.Description += " " }},
		{"started_at", func(e *app.TimeEntry) { e.StartedAt = e.StartedAt.Add(time.Second) }},
		{"stopped_at", func(e *app.TimeEntry) { e.StoppedAt = later(e.StoppedAt) }},
		{"timezone", func(e *app.TimeEntry) { e.Timezone = "Europe/Berlin" }},
		{"billable", func(e *app.TimeEntry) { e.Billable = true }},
		{"tag_ids", func(e *app.TimeEntry) { e.TagIDs = []uuid.UUID{w.tag2.ID, w.tag.ID} }},
		{"version", func(e *app.TimeEntry) { e.Version++ }},
		{"hlc", func(e *app.TimeEntry) { e.HLC = "000000000000009-0000000000-server" }},
		{"updated_at", func(e *app.TimeEntry) { e.UpdatedAt = *later(&e.UpdatedAt) }},
		{"deleted_at", func(e *app.TimeEntry) { e.DeletedAt = &gone }},
		{"organization_id", func(e *app.TimeEntry) { e.OrganizationID = w.org2.ID }},
	}
	var es []app.TimeEntry
	var want []uuid.UUID
	for i, e := range have {
		if i < len(changes) {
			changes[i].change(&e)
		} else {
			want = append(want, e.ID)
			if i%3 == 0 {
				e.CreatedAt = e.CreatedAt.Add(time.Hour) // the copy's is kept
			}
		}
		es = append(es, e)
	}
	absent := stoppedEntry(w, 7000)
	es = slices.Insert(es, 100, absent, tomb)
	var ids []uuid.UUID
	write(t, st, func(tx app.Tx) error {
		var err error
		ids, err = tx.Sync().UnchangedPulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, es)
		return err
	})
	byID := func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }
	slices.SortFunc(ids, byID)
	slices.SortFunc(want, byID)
	for _, id := range ids {
		for i, e := range es[:len(changes)] {
			if e.ID == id {
				t.Errorf("an entry whose %s differs counts as unchanged", changes[i].field)
			}
		}
	}
	same(t, "unchanged ids", ids, want)

	other := have[200]
	other.TenantID = app.NewID()
	err := st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Sync().UnchangedPulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, []app.TimeEntry{other})
		return err
	})
	wantErr(t, "another tenant's entry", err, app.ErrNotFound)
}
