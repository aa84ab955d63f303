package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// The sync cases: server versions from one counter, and pulls that page by them
// without skipping or repeating a row, with tombstones, per-role visibility and tenant
// isolation (docs/sync.md).

// pullAll pulls every page after cursor with pages of limit rows, each in its own Read.
func pullAll(t *testing.T, st app.Store, sc app.Scope, after int64, limit int, vis app.Visibility) ([]app.SyncRow, int64) {
	t.Helper()
	var rows []app.SyncRow
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("pull does not end")
		}
		var p app.SyncPage
		read(t, st, func(tx app.Tx) error {
			var err error
			p, err = tx.Sync().Pull(context.Background(), sc, after, limit, vis)
			return err
		})
		if len(p.Rows) > limit {
			t.Fatalf("page of %d rows, limit %d", len(p.Rows), limit)
		}
		if p.Cursor < after {
			t.Fatalf("cursor went back from %d to %d", after, p.Cursor)
		}
		rows, after = append(rows, p.Rows...), p.Cursor
		if !p.More {
			return rows, after
		}
	}
}

func latestSeq(t *testing.T, st app.Store, sc app.Scope) int64 {
	t.Helper()
	var seq int64
	read(t, st, func(tx app.Tx) error {
		var err error
		seq, err = tx.Changes().LatestSeq(context.Background(), sc)
		return err
	})
	return seq
}

// ownerVis sees everything of both of the world's organizations.
func ownerVis(w world) app.Visibility {
	return app.Visibility{UserID: w.user.ID, Orgs: []app.OrgVisibility{{OrgID: w.org.ID, AllEntries: true}, {OrgID: w.org2.ID, AllEntries: true}}}
}

type rowKey struct {
	kind app.SyncKind
	id   uuid.UUID
}

func keys(rows []app.SyncRow) []rowKey {
	out := make([]rowKey, len(rows))
	for i, r := range rows {
		out[i] = rowKey{r.Kind, r.ID}
	}
	return out
}

// stoppedEntry is an entry of w.user in w.org, i seconds after base, one minute long.
func stoppedEntry(w world, i int) app.TimeEntry {
	start := base.Add(time.Duration(i) * time.Minute)
	stop := start.Add(time.Minute)
	return app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID,
		Description: fmt.Sprintf("entry %d", i), StartedAt: start, StoppedAt: &stop, Timezone: "UTC",
		Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(100 + i)}
}

// testSyncVersions: every insert and update of a synced row takes a version from the
// store's counter, in write order, shared with the change log; a rolled-back write leaves
// no version behind.
func testSyncVersions(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "versions@example.com")
	rows, head := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	// seed writes in this order; tenants and tokens are not synced.
	want := []rowKey{{app.SyncOrganization, w.org.ID}, {app.SyncOrganization, w.org2.ID}, {app.SyncUser, w.user.ID},
		{app.SyncMembership, w.membership.ID}, {app.SyncMembership, uuid.Nil}, {app.SyncClient, w.client.ID},
		{app.SyncProject, w.project.ID}, {app.SyncTask, w.task.ID}, {app.SyncTag, w.tag.ID}, {app.SyncTag, w.tag2.ID},
		{app.SyncTimeEntry, w.entry.ID}}
	got := keys(rows)
	if len(got) == len(want) {
		want[4].id = got[4].id // the second membership's id is not kept by seed
	}
	same(t, "rows in write order", got, want)
	for i, r := range rows {
		if r.Version <= 0 || (i > 0 && r.Version <= rows[i-1].Version) {
			t.Errorf("row %d (%s) has version %d after %d: versions must strictly increase", i, r.Kind, r.Version, rows[max(i-1, 0)].Version)
		}
	}
	if len(rows) > 0 && head < rows[len(rows)-1].Version {
		t.Errorf("cursor %d is below the newest version %d", head, rows[len(rows)-1].Version)
	}
	if seq := latestSeq(t, st, w.sc); seq != head {
		t.Errorf("latest seq %d, pull head %d: they share the tenant's counter", seq, head)
	}

	// An update and a change-log row take the next values, across kinds, in one write.
	p := w.project
	p.Name, p.Version = "Website 2", 2
	e := w.entry
	e.Description, e.Version = "wireframes v2", 2
	write(t, st, func(tx app.Tx) error {
		return errors.Join(tx.Projects().Update(ctx, w.sc, p, 1),
			tx.Changes().Append(ctx, w.sc, app.Change{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
				Entity: "project", EntityID: p.ID, Op: app.OpUpsert, Version: 2, HLC: p.HLC, At: base}),
			tx.TimeEntries().Update(ctx, w.sc, e, 1))
	})
	rows, head2 := pullAll(t, st, w.sc, head, 1000, ownerVis(w))
	same(t, "rows after the update", keys(rows), []rowKey{{app.SyncProject, p.ID}, {app.SyncTimeEntry, e.ID}})
	var ch []app.Change
	read(t, st, func(tx app.Tx) error {
		var err error
		ch, err = tx.Changes().After(ctx, w.sc, 0, 10)
		return err
	})
	if len(rows) == 2 && len(ch) == 1 {
		if !(head < rows[0].Version && rows[0].Version < ch[0].Seq && ch[0].Seq < rows[1].Version && rows[1].Version == head2) {
			t.Errorf("project %d, change %d, entry %d after %d (head %d): want one counter in write order",
				rows[0].Version, ch[0].Seq, rows[1].Version, head, head2)
		}
		if got := rows[0].Row.(app.Project); got.Name != "Website 2" {
			t.Errorf("pulled project %q, want the update", got.Name)
		}
	} else {
		t.Errorf("%d rows, %d changes after the update", len(rows), len(ch))
	}

	// A write that fails rolls its versions back with it.
	boom := errors.New("boom")
	err := st.Write(ctx, func(tx app.Tx) error {
		p2 := p
		p2.Name, p2.Version = "Never", 3
		if err := tx.Projects().Update(ctx, w.sc, p2, 2); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, "failed write", err, boom)
	if rows, h := pullAll(t, st, w.sc, head2, 1000, ownerVis(w)); len(rows) != 0 || h != head2 {
		t.Errorf("after a rolled-back write: %d rows, head %d, want none and %d", len(rows), h, head2)
	}
}

// testSyncPaging pulls in small pages, first from a quiet store, then while many writers
// insert and update rows; the reader must see every committed row at its final version, and
// never a row twice at one version or a version at or below its cursor.
func testSyncPaging(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "paging@example.com")
	write(t, st, func(tx app.Tx) error {
		for i := range 40 {
			if err := tx.TimeEntries().Insert(ctx, w.sc, stoppedEntry(w, i)); err != nil {
				return err
			}
		}
		return nil
	})
	full, head := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	for _, limit := range []int{1, 3, 7, 51, 52} {
		paged, h := pullAll(t, st, w.sc, 0, limit, ownerVis(w))
		same(t, fmt.Sprintf("pages of %d", limit), keys(paged), keys(full))
		if h != head {
			t.Errorf("pages of %d end at cursor %d, want %d", limit, h, head)
		}
	}

	// Concurrent writers; the reader pulls pages of 5 all along.
	const writers, perWriter = 8, 25
	var (
		mu        sync.Mutex
		committed = map[uuid.UUID]bool{} // entries inserted
		werr      error
		wg        sync.WaitGroup
	)
	done := make(chan struct{})
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				e := stoppedEntry(w, 1000+g*perWriter+i)
				err := st.Write(ctx, func(tx app.Tx) error {
					if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
						return err
					}
					// Every writer also bumps one shared project, so rows move ahead of the
					// reader's cursor while it pages.
					cur, err := tx.Projects().Get(ctx, w.sc, w.project.ID)
					if err != nil {
						return err
					}
					prev := cur.Version
					cur.Version++
					cur.Name = fmt.Sprintf("Website %d", cur.Version)
					return tx.Projects().Update(ctx, w.sc, cur, prev)
				})
				mu.Lock()
				if err != nil {
					werr = errors.Join(werr, err)
				} else {
					committed[e.ID] = true
				}
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	seen := map[rowKey]int64{} // newest version seen per row
	cursor := head
	pulls := func() (more bool) {
		var p app.SyncPage
		read(t, st, func(tx app.Tx) error {
			var err error
			p, err = tx.Sync().Pull(ctx, w.sc, cursor, 5, ownerVis(w))
			return err
		})
		for _, r := range p.Rows {
			k := rowKey{r.Kind, r.ID}
			if r.Version <= cursor || r.Version <= seen[k] {
				t.Errorf("%s %s at version %d after cursor %d, seen at %d", r.Kind, r.ID, r.Version, cursor, seen[k])
			}
			seen[k] = r.Version
		}
		cursor = p.Cursor
		return p.More
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		pulls()
	}
	for pulls() {
	}
	if werr != nil {
		t.Fatalf("writers: %v", werr)
	}
	if len(committed) != writers*perWriter {
		t.Fatalf("%d entries committed, want %d", len(committed), writers*perWriter)
	}
	final, _ := pullAll(t, st, w.sc, head, 1000, ownerVis(w))
	if len(final) != len(seen) {
		t.Errorf("reader saw %d rows, the store has %d changed since %d", len(seen), len(final), head)
	}
	for _, r := range final {
		if v := seen[rowKey{r.Kind, r.ID}]; v != r.Version {
			t.Errorf("%s %s: reader's newest version %d, committed %d (skipped)", r.Kind, r.ID, v, r.Version)
		}
		if r.Kind == app.SyncTimeEntry && !committed[r.ID] {
			t.Errorf("entry %s pulled but not committed", r.ID)
		}
		delete(committed, r.ID)
	}
	if len(committed) != 0 {
		t.Errorf("%d committed entries never pulled", len(committed))
	}
	if cursor != latestSeq(t, st, w.sc) {
		t.Errorf("reader's cursor %d, tenant's counter %d", cursor, latestSeq(t, st, w.sc))
	}
}

// testSyncVisibility: a member pulls the organization's catalog and members and only their
// own entries; manager and above pull every entry; nobody pulls an organization they are not
// in, or a password hash, but everyone pulls their own memberships.
func testSyncVisibility(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "vis@example.com")
	bob := app.User{ID: app.NewID(), TenantID: w.tenant.ID, Email: "bob-vis@example.com", Name: "Bob", Timezone: "UTC", PasswordHash: "$argon2id$y", Meta: meta(20)}
	bobM := app.Membership{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: bob.ID, Role: app.RoleMember, Meta: meta(21)}
	bobEntry := stoppedEntry(w, 1)
	bobEntry.UserID = bob.ID
	adaOrg2 := stoppedEntry(w, 2) // Ada is a member of org2
	adaOrg2.OrganizationID = w.org2.ID
	bobOrg2 := stoppedEntry(w, 3) // someone else's entry in org2
	bobOrg2.OrganizationID, bobOrg2.UserID = w.org2.ID, bob.ID
	org2Project := app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org2.ID, Name: "Lab", Color: "#000000", Meta: meta(22)}
	write(t, st, func(tx app.Tx) error {
		return errors.Join(tx.Users().Insert(ctx, w.sc, bob), tx.Memberships().Insert(ctx, w.sc, bobM),
			tx.TimeEntries().Insert(ctx, w.sc, bobEntry), tx.TimeEntries().Insert(ctx, w.sc2, adaOrg2),
			tx.TimeEntries().Insert(ctx, w.sc2, bobOrg2), tx.Projects().Insert(ctx, w.sc2, org2Project))
	})
	var m2 app.Membership
	read(t, st, func(tx app.Tx) error {
		var err error
		m2, err = tx.Memberships().Get(ctx, w.sc2, w.user.ID)
		return err
	})
	ada := app.VisibilityFor(w.user.ID, []app.Membership{w.membership, m2, bobM})
	same(t, "Ada's visibility", ada, app.Visibility{UserID: w.user.ID, Orgs: []app.OrgVisibility{{OrgID: w.org.ID, AllEntries: true}, {OrgID: w.org2.ID}}})
	bobVis := app.VisibilityFor(bob.ID, []app.Membership{w.membership, m2, bobM})
	manager := bobVis
	manager.Orgs = []app.OrgVisibility{{OrgID: w.org.ID, AllEntries: true}}

	type want struct {
		name string
		vis  app.Visibility
		ids  []uuid.UUID
	}
	catalog := []uuid.UUID{w.client.ID, w.project.ID, w.task.ID, w.tag.ID, w.tag2.ID}
	cases := []want{
		{"owner here, member in org2", ada, append(append([]uuid.UUID{w.org.ID, w.org2.ID, w.user.ID, w.membership.ID, m2.ID, bob.ID, bobM.ID},
			catalog...), w.entry.ID, bobEntry.ID, adaOrg2.ID, org2Project.ID)},
		{"member", bobVis, append(append([]uuid.UUID{w.org.ID, w.user.ID, w.membership.ID, bob.ID, bobM.ID}, catalog...), bobEntry.ID)},
		{"manager", manager, append(append([]uuid.UUID{w.org.ID, w.user.ID, w.membership.ID, bob.ID, bobM.ID}, catalog...), w.entry.ID, bobEntry.ID)},
		// A user's own memberships come from every organization, so that a removal from
		// one reaches the device.
		{"owner here, no longer in org2", app.Visibility{UserID: w.user.ID, Orgs: ada.Orgs[:1]},
			append(append([]uuid.UUID{w.org.ID, w.user.ID, w.membership.ID, m2.ID, bob.ID, bobM.ID}, catalog...), w.entry.ID, bobEntry.ID)},
		{"no organization", app.Visibility{UserID: bob.ID}, []uuid.UUID{bobM.ID}},
	}
	head := latestSeq(t, st, w.sc)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, cursor := pullAll(t, st, w.sc, 0, 4, c.vis)
			var got []uuid.UUID
			for _, r := range rows {
				got = append(got, r.ID)
				if u, ok := r.Row.(app.User); ok && u.PasswordHash != "" {
					t.Errorf("user %s pulled with a password hash", u.Name)
				}
			}
			sortIDs := func(ids []uuid.UUID) []uuid.UUID {
				ids = slices.Clone(ids)
				slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
				return ids
			}
			same(t, "visible rows", sortIDs(got), sortIDs(c.ids))
			if cursor != head {
				t.Errorf("cursor %d at the end, want the tenant's counter %d", cursor, head)
			}
		})
	}
}

// testSyncTombstones: a soft delete is pulled like an update, with its deletion time.
func testSyncTombstones(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "tomb@example.com")
	head := latestSeq(t, st, w.sc)
	gone := base.Add(time.Hour)
	tag, e := w.tag2, w.entry
	tag.Version, tag.DeletedAt = 2, &gone
	e.Version, e.DeletedAt = 2, &gone
	write(t, st, func(tx app.Tx) error {
		return errors.Join(tx.Tags().Update(ctx, w.sc, tag, 1), tx.TimeEntries().Update(ctx, w.sc, e, 1))
	})
	rows, _ := pullAll(t, st, w.sc, head, 10, ownerVis(w))
	same(t, "tombstones", keys(rows), []rowKey{{app.SyncTag, tag.ID}, {app.SyncTimeEntry, e.ID}})
	for _, r := range rows {
		var at *time.Time
		switch v := r.Row.(type) {
		case app.Tag:
			at = v.DeletedAt
		case app.TimeEntry:
			at = v.DeletedAt
		}
		if at == nil || !at.Equal(gone) {
			t.Errorf("%s %s pulled with deleted_at %v, want %v", r.Kind, r.ID, at, gone)
		}
	}
	// A fresh device pulls the tombstones too, at their newest versions.
	all, _ := pullAll(t, st, w.sc, 0, 3, ownerVis(w))
	n := 0
	for _, r := range all {
		if r.ID == tag.ID || r.ID == e.ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("full pull has %d of the 2 tombstones", n)
	}
}

// testSyncIsolation: a tenant's head is its own newest version, which other tenants' writes
// do not move (the counter may be one per tenant, as on PostgreSQL, or one per database, as
// on SQLite), and a pull in one tenant's scope returns nothing of another, even when its
// visibility names the other's organizations.
func testSyncIsolation(t *testing.T, st app.Store) {
	ctx := context.Background()
	a := seed(t, st, "sync-a@example.com")
	b := seed(t, st, "sync-b@example.com")
	ra, ha := pullAll(t, st, a.sc, 0, 1000, ownerVis(a))
	rb, hb := pullAll(t, st, b.sc, 0, 1000, ownerVis(b))
	if len(ra) != len(rb) || len(ra) == 0 {
		t.Fatalf("tenant a: %d rows, tenant b: %d rows; want the same seed in each", len(ra), len(rb))
	}
	if ha != ra[len(ra)-1].Version || hb != rb[len(rb)-1].Version {
		t.Errorf("heads %d and %d, newest versions %d and %d: a tenant's head is its own newest version",
			ha, hb, ra[len(ra)-1].Version, rb[len(rb)-1].Version)
	}
	// b writes; a's head and latest seq stay, and a pulls nothing new.
	p := b.project
	p.Name, p.Version = "B's rename", 2
	write(t, st, func(tx app.Tx) error { return tx.Projects().Update(ctx, b.sc, p, 1) })
	if rows, h := pullAll(t, st, a.sc, ha, 1000, ownerVis(a)); len(rows) != 0 || h != ha {
		t.Errorf("after b's write, a pulled %d rows to head %d, want none and %d", len(rows), h, ha)
	}
	if seq := latestSeq(t, st, a.sc); seq != ha {
		t.Errorf("after b's write, a's latest seq is %d, want %d", seq, ha)
	}
	if rows, h := pullAll(t, st, b.sc, hb, 1000, ownerVis(b)); len(rows) != 1 || h <= hb || h != latestSeq(t, st, b.sc) {
		t.Errorf("after b's write, b pulled %d rows to head %d (latest seq %d), want its project above %d",
			len(rows), h, latestSeq(t, st, b.sc), hb)
	}
	cross, _ := pullAll(t, st, b.sc, 0, 1000, ownerVis(a))
	if len(cross) != 0 {
		t.Errorf("b's scope with a's organizations pulled %d rows", len(cross))
	}
	mixed := ownerVis(a)
	mixed.Orgs = append(mixed.Orgs, ownerVis(b).Orgs...)
	rows, _ := pullAll(t, st, b.sc, 0, 1000, mixed)
	for _, r := range rows {
		if !slices.Contains(keys(rb), rowKey{r.Kind, r.ID}) {
			t.Errorf("b's scope pulled %s %s of another tenant", r.Kind, r.ID)
		}
	}
}

// testLatestSeqKept: acknowledging every change leaves LatestSeq where it was, and the next
// change gets a higher seq.
func testLatestSeqKept(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "latest@example.com")
	change := app.Change{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
		Entity: "project", EntityID: w.project.ID, Op: app.OpUpsert, Version: 1, HLC: w.project.HLC, At: base}
	write(t, st, func(tx app.Tx) error { return tx.Changes().Append(ctx, w.sc, change) })
	var ch []app.Change
	read(t, st, func(tx app.Tx) error {
		var err error
		ch, err = tx.Changes().After(ctx, w.sc, 0, 10)
		return err
	})
	if len(ch) != 1 {
		t.Fatalf("%d changes, want 1", len(ch))
	}
	if got := latestSeq(t, st, w.sc); got != ch[0].Seq {
		t.Errorf("latest seq %d, want the change's %d", got, ch[0].Seq)
	}
	write(t, st, func(tx app.Tx) error {
		n, err := tx.Changes().Acknowledge(ctx, w.sc, ch[0].Seq)
		if n != 1 {
			t.Errorf("acknowledged %d, want 1", n)
		}
		return err
	})
	prev := latestSeq(t, st, w.sc)
	if prev != ch[0].Seq {
		t.Errorf("latest seq %d after acknowledging everything, want %d still", prev, ch[0].Seq)
	}
	change.ID, change.EntityID = app.NewID(), w.tag.ID
	write(t, st, func(tx app.Tx) error { return tx.Changes().Append(ctx, w.sc, change) })
	read(t, st, func(tx app.Tx) error {
		var err error
		ch, err = tx.Changes().After(ctx, w.sc, 0, 10)
		return err
	})
	if latest := latestSeq(t, st, w.sc); len(ch) != 1 || ch[0].Seq <= prev || latest != ch[0].Seq {
		t.Errorf("next change %+v, latest seq %d: want a seq above %d, and latest to follow it", ch, latest, prev)
	}
}

// testSync runs the sync cases, each on its own world.
func testSync(t *testing.T, st app.Store) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T, app.Store)
	}{
		{"Versions", testSyncVersions},
		{"Paging", testSyncPaging},
		{"Visibility", testSyncVisibility},
		{"Tombstones", testSyncTombstones},
		{"TenantIsolation", testSyncIsolation},
		{"LatestSeqKept", testLatestSeqKept},
		{"TombstonePurge", testTombstonePurge},
		{"DropStale", testDropStale},
		{"InsertPulledEntries", testInsertPulledEntries},
		{"UpdatePulledEntries", testUpdatePulledEntries},
		{"UnchangedPulledEntries", testUnchangedPulledEntries},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, st) })
	}
}

// testInsertPulledEntries: a device's pulled entries go in several to a statement, each at
// a version of its own in the order given, as the server sent them; a row whose id or
// running entry is already there is left out without stopping the others; a row of another
// tenant or naming a missing row fails the call.
func testInsertPulledEntries(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "bulk@example.com")
	_, head := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	// More than one statement's worth, with a tail that is not a power of two.
	var es []app.TimeEntry
	for i := range 301 {
		e := stoppedEntry(w, 1000+i)
		switch i % 5 {
		case 1:
			e.OrganizationID = w.org2.ID
		case 2:
			e.ProjectID, e.TaskID, e.TagIDs = &w.project.ID, &w.task.ID, []uuid.UUID{w.tag2.ID, w.tag.ID}
		case 3:
			d := base.Add(time.Hour)
			e.DeletedAt, e.Version = &d, 3
		}
		es = append(es, e)
	}
	running := stoppedEntry(w, 5000)
	running.StoppedAt = nil
	again := stoppedEntry(w, 5001) // a second running entry of the user: left out
	again.StoppedAt = nil
	taken := w.entry // its id is there already: left out, the stored row untouched
	taken.Description = "not this"
	es = slices.Insert(es, 100, running, taken)
	es = slices.Insert(es, 280, again)
	var ids []uuid.UUID
	write(t, st, func(tx app.Tx) error {
		var err error
		ids, err = tx.Sync().InsertPulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, es)
		return err
	})
	var want []uuid.UUID
	byID := map[uuid.UUID]app.TimeEntry{}
	for _, e := range es {
		if e.ID != taken.ID && e.ID != again.ID {
			want = append(want, e.ID)
			byID[e.ID] = e
		}
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	wantSorted := slices.SortedFunc(slices.Values(want), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	same(t, "inserted ids", ids, wantSorted)

	rows, newHead := pullAll(t, st, w.sc, head, 1000, ownerVis(w))
	got := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		got[i] = r.ID
		if r.Kind != app.SyncTimeEntry {
			t.Fatalf("pulled a %s after the insert", r.Kind)
		}
		if i > 0 && r.Version <= rows[i-1].Version {
			t.Errorf("row %d has version %d after %d: each row takes a version of its own, in order", i, r.Version, rows[i-1].Version)
		}
		e := r.Row.(app.TimeEntry)
		if w, ok := byID[r.ID]; !ok {
			t.Errorf("pulled entry %s, which was not to be inserted", r.ID)
		} else {
			same(t, "inserted entry", e, w)
		}
	}
	same(t, "entries in the order given", got, want)
	if seq := latestSeq(t, st, w.sc); seq != newHead {
		t.Errorf("latest seq %d, pull head %d", seq, newHead)
	}
	read(t, st, func(tx app.Tx) error {
		e, err := tx.TimeEntries().Get(ctx, w.sc, w.entry.ID)
		same(t, "the entry that was there", e, w.entry)
		return err
	})

	// Another tenant's row, or one naming a project the store does not have, fails.
	other := stoppedEntry(w, 6000)
	other.TenantID = app.NewID()
	err := st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Sync().InsertPulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, []app.TimeEntry{other})
		return err
	})
	wantErr(t, "another tenant's entry", err, app.ErrNotFound)
	dangling := stoppedEntry(w, 6001)
	p := app.NewID()
	dangling.ProjectID = &p
	err = st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Sync().InsertPulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, []app.TimeEntry{dangling})
		return err
	})
	if err == nil {
		t.Error("an entry naming a missing project went in")
	}
}

// testUpdatePulledEntries: pulled entries go over the device's live copies several to a
// statement, each at a version of its own in the order given, with the server's fields and
// bookkeeping and the copy's creation instant; a row without a live copy in its
// organization (none, a tombstone, another organization's) is left out without stopping
// the others; a running row or another tenant's fails the call.
func testUpdatePulledEntries(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "bulkupdate@example.com")
	// More than one statement's worth, with a tail that is not a power of two.
	var have []app.TimeEntry
	for i := range 301 {
		e := stoppedEntry(w, 1000+i)
		if i%5 == 1 {
			e.OrganizationID = w.org2.ID
		}
		have = append(have, e)
	}
	tomb := stoppedEntry(w, 3000)
	d := base.Add(time.Hour)
	tomb.DeletedAt, tomb.Version = &d, 2
	write(t, st, func(tx app.Tx) error {
		for _, e := range append(have, tomb) {
			if err := tx.TimeEntries().Insert(ctx, app.Scope{TenantID: w.tenant.ID, OrgID: e.OrganizationID}, e); err != nil {
				return err
			}
		}
		return nil
	})
	_, head := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	var es []app.TimeEntry
	want := map[uuid.UUID]app.TimeEntry{}
	var order []uuid.UUID
	for i, e := range have {
		e.Description = fmt.Sprint("pulled ", i)
		e.Version, e.HLC = e.Version+1, "000000000000009-0000000000-server"
		e.UpdatedAt = e.UpdatedAt.Add(time.Minute)
		stop := e.StoppedAt.Add(time.Minute)
		e.StoppedAt = &stop
		switch i % 5 {
		case 2:
			e.ProjectID, e.TaskID, e.TagIDs = &w.project.ID, &w.task.ID, []uuid.UUID{w.tag2.ID, w.tag.ID}
		case 3:
			del := base.Add(2 * time.Hour)
			e.DeletedAt = &del
		}
		pulled := e
		pulled.CreatedAt = e.CreatedAt.Add(time.Hour) // the copy's is kept
		es = append(es, pulled)
		want[e.ID] = e
		order = append(order, e.ID)
	}
	absent := stoppedEntry(w, 4000) // no copy: left out
	moved := have[0]                // another organization's copy: left out
	moved.OrganizationID = w.org2.ID
	overTomb := tomb // a tombstone's: left out
	overTomb.DeletedAt, overTomb.Description = nil, "alive again"
	es = slices.Insert(es, 100, absent, overTomb)
	es = append(es, moved)
	var ids []uuid.UUID
	write(t, st, func(tx app.Tx) error {
		var err error
		ids, err = tx.Sync().UpdatePulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, es)
		return err
	})
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	wantSorted := slices.SortedFunc(slices.Values(order), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	same(t, "updated ids", ids, wantSorted)

	rows, newHead := pullAll(t, st, w.sc, head, 1000, ownerVis(w))
	got := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		got[i] = r.ID
		if i > 0 && r.Version <= rows[i-1].Version {
			t.Errorf("row %d has version %d after %d: each row takes a version of its own, in order", i, r.Version, rows[i-1].Version)
		}
		if e, ok := want[r.ID]; !ok {
			t.Errorf("pulled %s %s, which was not to be updated", r.Kind, r.ID)
		} else {
			same(t, "updated entry", r.Row.(app.TimeEntry), e)
		}
	}
	same(t, "entries in the order given", got, order)
	if seq := latestSeq(t, st, w.sc); seq != newHead {
		t.Errorf("latest seq %d, pull head %d", seq, newHead)
	}

	// A running row, or another tenant's, fails.
	running := have[4]
	running.StoppedAt = nil
	err := st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Sync().UpdatePulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, []app.TimeEntry{running})
		return err
	})
	wantErr(t, "a running entry", err, app.ErrConflict)
	other := have[6]
	other.TenantID = app.NewID()
	err = st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Sync().UpdatePulledEntries(ctx, app.Scope{TenantID: w.tenant.ID}, []app.TimeEntry{other})
		return err
	})
	wantErr(t, "another tenant's entry", err, app.ErrNotFound)
}
