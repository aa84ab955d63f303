package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func same[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func testAccounts(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "ada@example.com")
	read(t, st, func(tx app.Tx) error {
		ten, err := tx.Tenants().Get(ctx, w.sc)
		same(t, "tenant", ten, w.tenant)
		wantErr(t, "tenant get", err, nil)
		o, err := tx.Organizations().Get(ctx, w.sc, w.org.ID)
		same(t, "org", o, w.org)
		wantErr(t, "org get", err, nil)
		orgs, err := tx.Organizations().ListForUser(ctx, w.sc, w.user.ID)
		wantErr(t, "orgs", err, nil)
		if len(orgs) != 2 || orgs[0].ID != w.org.ID || orgs[1].ID != w.org2.ID {
			t.Errorf("orgs for user: got %v, want org then org2 (membership order)", orgs)
		}
		u, err := tx.Users().Get(ctx, w.sc, w.user.ID)
		same(t, "user", u, w.user)
		wantErr(t, "user get", err, nil)
		u, err = tx.Users().ByEmailAnyTenant(ctx, "ada@example.com", uuid.Nil)
		same(t, "user by email", u.ID, w.user.ID)
		wantErr(t, "by email", err, nil)
		_, err = tx.Users().ByEmailAnyTenant(ctx, "nobody@example.com", uuid.Nil)
		wantErr(t, "unknown email", err, app.ErrNotFound)
		m, err := tx.Memberships().Get(ctx, w.sc, w.user.ID)
		same(t, "membership", m, w.membership)
		wantErr(t, "membership get", err, nil)
		members, err := tx.Memberships().List(ctx, w.sc, page(10))
		wantErr(t, "members", err, nil)
		if len(members) != 1 || members[0].Name != "Ada" || members[0].Email != "ada@example.com" || members[0].Role != app.RoleOwner {
			t.Errorf("members: %+v", members)
		}
		n, err := tx.Memberships().CountOwners(ctx, w.sc)
		if n != 1 || err != nil {
			t.Errorf("owners: %d %v", n, err)
		}
		n, _ = tx.Memberships().CountOwners(ctx, w.sc2)
		if n != 0 {
			t.Errorf("owners of org2: %d, want 0", n)
		}
		return nil
	})
	// An address is unique within a tenant: another tenant may have an account with the
	// same address, and the lookup tells them apart by tenant (uuid.Nil: the first created).
	t2 := app.Tenant{ID: app.NewID(), Name: "Other", Meta: meta(0)}
	eve := app.User{ID: app.NewID(), TenantID: t2.ID, Email: "ada@example.com", Name: "Eve", Timezone: "UTC", Meta: meta(1)}
	write(t, st, func(tx app.Tx) error {
		if err := tx.Tenants().Insert(ctx, t2); err != nil {
			return err
		}
		return tx.Users().Insert(ctx, app.Scope{TenantID: t2.ID}, eve)
	})
	read(t, st, func(tx app.Tx) error {
		for _, c := range []struct {
			tenant uuid.UUID
			want   uuid.UUID
		}{{uuid.Nil, w.user.ID}, {w.tenant.ID, w.user.ID}, {t2.ID, eve.ID}} {
			u, err := tx.Users().ByEmailAnyTenant(ctx, "ada@example.com", c.tenant)
			wantErr(t, "by email in tenant", err, nil)
			same(t, "user by email in tenant "+c.tenant.String(), u.ID, c.want)
		}
		_, err := tx.Users().ByEmailAnyTenant(ctx, "nobody@example.com", t2.ID)
		wantErr(t, "unknown email in tenant", err, app.ErrNotFound)
		return nil
	})
	err := st.Write(ctx, func(tx app.Tx) error {
		return tx.Users().Insert(ctx, app.Scope{TenantID: t2.ID}, app.User{ID: app.NewID(), TenantID: t2.ID, Email: "ada@example.com", Name: "Eve again", Timezone: "UTC", Meta: meta(2)})
	})
	wantErr(t, "duplicate e-mail in one tenant", err, app.ErrConflict)
	// Users without e-mail (local workspaces) do not collide.
	write(t, st, func(tx app.Tx) error {
		for i := range 2 {
			if err := tx.Users().Insert(ctx, w.sc, app.User{ID: app.NewID(), TenantID: w.tenant.ID, Name: "local", Timezone: "UTC", Meta: meta(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	// Updates check the previous version and round-trip.
	write(t, st, func(tx app.Tx) error {
		m := w.membership
		m.Role, m.Version = app.RoleAdmin, 2
		if err := tx.Memberships().Update(ctx, w.sc, m, 1); err != nil {
			return err
		}
		got, err := tx.Memberships().Get(ctx, w.sc, w.user.ID)
		same(t, "updated membership", got, m)
		wantErr(t, "stale membership update", tx.Memberships().Update(ctx, w.sc, m, 1), app.ErrPrecondition)
		o := w.org
		o.Name, o.Timezone, o.Version = "Acme GmbH", "Asia/Tokyo", 2
		wantErr(t, "org update", tx.Organizations().Update(ctx, w.sc, o, 1), nil)
		got2, _ := tx.Organizations().Get(ctx, w.sc, w.org.ID)
		same(t, "updated org", got2, o)
		u := w.user
		u.Name, u.Version = "Ada L.", 2
		wantErr(t, "user update", tx.Users().Update(ctx, w.sc, u, 1), nil)
		got3, _ := tx.Users().Get(ctx, w.sc, w.user.ID)
		same(t, "updated user", got3, u)
		return err
	})
}

// catalogCase drives one catalog repository generically.
type catalogCase[T any] struct {
	name   string
	repo   func(app.Tx) catalogRepo[T]
	make   func(w world, i int) T
	id     func(T) uuid.UUID
	meta   func(*T) *app.Meta
	rename func(*T, string)
	arch   func(*T)
}

type catalogRepo[T any] interface {
	Get(ctx context.Context, s app.Scope, id uuid.UUID) (T, error)
	List(ctx context.Context, s app.Scope, f app.CatalogFilter) ([]T, error)
	Insert(ctx context.Context, s app.Scope, row T) error
	Update(ctx context.Context, s app.Scope, row T, prev int64) error
}

func clientCase() catalogCase[app.Client] {
	return catalogCase[app.Client]{name: "client",
		repo: func(tx app.Tx) catalogRepo[app.Client] { return tx.Clients() },
		make: func(w world, i int) app.Client {
			return app.Client{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "client " + string(rune('a'+i)), Meta: meta(i)}
		},
		id: func(c app.Client) uuid.UUID { return c.ID }, meta: func(c *app.Client) *app.Meta { return &c.Meta },
		rename: func(c *app.Client, n string) { c.Name = n }, arch: func(c *app.Client) { c.Archived = true }}
}

func projectCase() catalogCase[app.Project] {
	return catalogCase[app.Project]{name: "project",
		repo: func(tx app.Tx) catalogRepo[app.Project] { return tx.Projects() },
		make: func(w world, i int) app.Project {
			return app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "project " + string(rune('a'+i)), Color: "#000000", Meta: meta(i)}
		},
		id: func(p app.Project) uuid.UUID { return p.ID }, meta: func(p *app.Project) *app.Meta { return &p.Meta },
		rename: func(p *app.Project, n string) { p.Name = n }, arch: func(p *app.Project) { p.Archived = true }}
}

func taskCase() catalogCase[app.Task] {
	return catalogCase[app.Task]{name: "task",
		repo: func(tx app.Tx) catalogRepo[app.Task] { return tx.Tasks() },
		make: func(w world, i int) app.Task {
			return app.Task{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ProjectID: w.project.ID, Name: "task " + string(rune('a'+i)), Meta: meta(i)}
		},
		id: func(t app.Task) uuid.UUID { return t.ID }, meta: func(t *app.Task) *app.Meta { return &t.Meta },
		rename: func(t *app.Task, n string) { t.Name = n }, arch: func(t *app.Task) { t.Archived = true }}
}

func tagCase() catalogCase[app.Tag] {
	return catalogCase[app.Tag]{name: "tag",
		repo: func(tx app.Tx) catalogRepo[app.Tag] { return tx.Tags() },
		make: func(w world, i int) app.Tag {
			return app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "tag " + string(rune('a'+i)), Color: "#ffffff", Meta: meta(i)}
		},
		id: func(t app.Tag) uuid.UUID { return t.ID }, meta: func(t *app.Tag) *app.Meta { return &t.Meta },
		rename: func(t *app.Tag, n string) { t.Name = n }, arch: func(t *app.Tag) { t.Archived = true }}
}

func testCatalog(t *testing.T, st app.Store) {
	w := seed(t, st, "cat@example.com")
	t.Run("client", func(t *testing.T) { runCatalog(t, st, w, clientCase()) })
	t.Run("project", func(t *testing.T) { runCatalog(t, st, w, projectCase()) })
	t.Run("task", func(t *testing.T) { runCatalog(t, st, w, taskCase()) })
	t.Run("tag", func(t *testing.T) { runCatalog(t, st, w, tagCase()) })
}

// runCatalog checks round trip, paging by cursor, the archived filter and soft deletes.
func runCatalog[T any](t *testing.T, st app.Store, w world, c catalogCase[T]) {
	ctx := context.Background()
	var rows []T
	for i := range 5 {
		rows = append(rows, c.make(w, i))
	}
	write(t, st, func(tx app.Tx) error {
		for _, r := range rows {
			if err := c.repo(tx).Insert(ctx, w.sc, r); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		got, err := c.repo(tx).Get(ctx, w.sc, c.id(rows[2]))
		wantErr(t, "get", err, nil)
		same(t, "round trip", got, rows[2])
		// Page through our five rows (the seed adds others; filter them out by id).
		ours := map[uuid.UUID]bool{}
		for _, r := range rows {
			ours[c.id(r)] = true
		}
		var seen []uuid.UUID
		f := app.CatalogFilter{Page: page(2)}
		for range 10 {
			list, err := c.repo(tx).List(ctx, w.sc, f)
			wantErr(t, "list", err, nil)
			for _, r := range list {
				if ours[c.id(r)] {
					seen = append(seen, c.id(r))
				}
			}
			if len(list) < 2 {
				break
			}
			f.Page.After = &app.Cursor{ID: c.id(list[len(list)-1])}
		}
		if len(seen) != 5 {
			t.Errorf("paging saw %d of 5 rows", len(seen))
		}
		for i := 1; i < len(seen); i++ {
			if seen[i].String() <= seen[i-1].String() {
				t.Errorf("list not ordered by id")
			}
		}
		return nil
	})
	// Archive one, delete another.
	write(t, st, func(tx app.Tx) error {
		a, d := rows[0], rows[1]
		c.arch(&a)
		c.meta(&a).Version = 2
		if err := c.repo(tx).Update(ctx, w.sc, a, 1); err != nil {
			return err
		}
		now := base.Add(time.Hour)
		c.meta(&d).Version, c.meta(&d).DeletedAt = 2, &now
		return c.repo(tx).Update(ctx, w.sc, d, 1)
	})
	read(t, st, func(tx app.Tx) error {
		_, err := c.repo(tx).Get(ctx, w.sc, c.id(rows[1]))
		wantErr(t, "get deleted", err, app.ErrNotFound)
		got, err := c.repo(tx).Get(ctx, w.sc, c.id(rows[0]))
		wantErr(t, "get archived", err, nil)
		if c.meta(&got).Version != 2 {
			t.Errorf("archived version %d", c.meta(&got).Version)
		}
		live, _ := c.repo(tx).List(ctx, w.sc, app.CatalogFilter{Page: page(100)})
		all, _ := c.repo(tx).List(ctx, w.sc, app.CatalogFilter{Page: page(100), IncludeArchived: true})
		if len(all) != len(live)+1 {
			t.Errorf("archived filter: %d live, %d with archived", len(live), len(all))
		}
		for _, r := range all {
			if c.id(r) == c.id(rows[1]) {
				t.Errorf("deleted row listed")
			}
		}
		return nil
	})
}

func testCatalogVersions(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "ver@example.com")
	err := st.Write(ctx, func(tx app.Tx) error {
		p := w.project
		p.Name, p.Version = "Renamed", 2
		wantErr(t, "stale update", tx.Projects().Update(ctx, w.sc, p, 5), app.ErrPrecondition)
		wantErr(t, "update", tx.Projects().Update(ctx, w.sc, p, 1), nil)
		got, _ := tx.Projects().ByName(ctx, w.sc, "RENAMED")
		same(t, "by name, case-insensitive", got.ID, w.project.ID)
		_, err := tx.Projects().ByName(ctx, w.sc2, "renamed")
		wantErr(t, "by name in another org", err, app.ErrNotFound)
		dup := w.project
		dup.ID, dup.Name = app.NewID(), "renamed"
		wantErr(t, "duplicate project name", tx.Projects().Insert(ctx, w.sc, dup), app.ErrConflict)
		dupTag := w.tag
		dupTag.ID = app.NewID()
		wantErr(t, "duplicate tag name", tx.Tags().Insert(ctx, w.sc, dupTag), app.ErrConflict)
		dupTag.OrganizationID = w.org2.ID
		wantErr(t, "same tag name in another org", tx.Tags().Insert(ctx, w.sc2, dupTag), nil)
		return nil
	})
	wantErr(t, "write", err, nil)
}

func testTimeEntries(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "te@example.com")
	read(t, st, func(tx app.Tx) error {
		got, err := tx.TimeEntries().Get(ctx, w.sc, w.entry.ID)
		wantErr(t, "get", err, nil)
		same(t, "entry round trip (tags in order)", got, w.entry)
		_, err = tx.TimeEntries().Get(ctx, w.sc2, w.entry.ID)
		wantErr(t, "get from other org", err, app.ErrNotFound)
		_, err = tx.TimeEntries().Running(ctx, w.sc, w.user.ID)
		wantErr(t, "nothing running", err, app.ErrNotFound)
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		e := w.entry
		e.TagIDs = []uuid.UUID{w.tag.ID}
		e.ProjectID, e.TaskID = nil, nil
		e.Description = "changed"
		e.Version = 2
		if err := tx.TimeEntries().Update(ctx, w.sc, e, 1); err != nil {
			return err
		}
		got, err := tx.TimeEntries().Get(ctx, w.sc, e.ID)
		same(t, "updated entry", got, e)
		return err
	})
	// Filters: user, project, started_at range.
	write(t, st, func(tx app.Tx) error {
		for i := range 3 {
			stop := base.Add(time.Duration(i+1)*24*time.Hour + time.Hour)
			e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID,
				ProjectID: &w.project.ID, StartedAt: base.Add(time.Duration(i+1) * 24 * time.Hour), StoppedAt: &stop,
				Timezone: "UTC", Source: app.SourceTimer, TagIDs: []uuid.UUID{}, Meta: meta(20 + i)}
			if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		from, to := base.Add(24*time.Hour), base.Add(3*24*time.Hour)
		got, err := tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: page(10), From: &from, To: &to})
		wantErr(t, "list range", err, nil)
		if len(got) != 2 || !got[0].StartedAt.After(got[1].StartedAt) {
			t.Errorf("range [day1, day3): got %d entries, want 2 newest first", len(got))
		}
		got, _ = tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: page(10), ProjectID: &w.project.ID})
		if len(got) != 3 {
			t.Errorf("project filter: got %d, want 3", len(got))
		}
		other := app.NewID()
		got, _ = tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: page(10), UserID: &other})
		if len(got) != 0 {
			t.Errorf("user filter: got %d, want 0", len(got))
		}
		return nil
	})
}

func testOneRunning(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "run@example.com")
	running := func(org uuid.UUID, i int) app.TimeEntry {
		return app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: org, UserID: w.user.ID,
			StartedAt: base.Add(time.Duration(i) * time.Hour), Timezone: "UTC", Source: app.SourceTimer, TagIDs: []uuid.UUID{}, Meta: meta(i)}
	}
	first := running(w.org.ID, 1)
	write(t, st, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, w.sc, first) })
	err := st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, w.sc2, running(w.org2.ID, 2)) })
	wantErr(t, "second running entry, other org", err, app.ErrConflict)
	read(t, st, func(tx app.Tx) error {
		got, err := tx.TimeEntries().Running(ctx, app.Scope{TenantID: w.tenant.ID}, w.user.ID)
		wantErr(t, "running", err, nil)
		same(t, "running id", got.ID, first.ID)
		return nil
	})
	// Stopping frees the slot; deleting a running entry does too.
	write(t, st, func(tx app.Tx) error {
		stop := first.StartedAt.Add(time.Minute)
		first.StoppedAt, first.Version = &stop, 2
		if err := tx.TimeEntries().Update(ctx, w.sc, first, 1); err != nil {
			return err
		}
		second := running(w.org2.ID, 3)
		if err := tx.TimeEntries().Insert(ctx, w.sc2, second); err != nil {
			return err
		}
		now := base
		second.DeletedAt, second.Version = &now, 2
		if err := tx.TimeEntries().Update(ctx, w.sc2, second, 1); err != nil {
			return err
		}
		return tx.TimeEntries().Insert(ctx, w.sc, running(w.org.ID, 4))
	})
	// Stop before start is refused by the database.
	err = st.Write(ctx, func(tx app.Tx) error {
		e := running(w.org.ID, 9)
		stop := e.StartedAt.Add(-time.Second)
		e.StoppedAt = &stop
		return tx.TimeEntries().Insert(ctx, w.sc, e)
	})
	if err == nil {
		t.Errorf("stop before start was stored")
	}
}

func testEntryPaging(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "page@example.com")
	want := map[uuid.UUID]bool{w.entry.ID: true}
	write(t, st, func(tx app.Tx) error {
		for i := range 11 {
			// Pairs share a start time so the id tie-break matters.
			start := base.Add(-time.Duration(i/2) * time.Hour)
			stop := start.Add(time.Minute)
			e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID,
				StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(i)}
			want[e.ID] = true
			if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		seen := map[uuid.UUID]bool{}
		f := app.EntryFilter{Page: page(3)}
		var prev *app.TimeEntry
		for range 20 {
			list, err := tx.TimeEntries().List(ctx, w.sc, f)
			wantErr(t, "list", err, nil)
			for i := range list {
				e := list[i]
				if seen[e.ID] {
					t.Errorf("entry %s listed twice", e.ID)
				}
				seen[e.ID] = true
				if prev != nil && (e.StartedAt.After(prev.StartedAt) || (e.StartedAt.Equal(prev.StartedAt) && e.ID.String() > prev.ID.String())) {
					t.Errorf("order broken at %s", e.ID)
				}
				prev = &e
			}
			if len(list) < 3 {
				break
			}
			last := list[len(list)-1]
			f.Page.After = &app.Cursor{Time: last.StartedAt, ID: last.ID}
		}
		same(t, "paged entries", seen, want)
		return nil
	})
}

func testTokens(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "tok@example.com")
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Tokens().ByHashAnyTenant(ctx, w.tokenHash)
		wantErr(t, "by hash", err, nil)
		same(t, "token", got, w.token)
		_, err = tx.Tokens().ByHashAnyTenant(ctx, app.HashToken("stint_nope"))
		wantErr(t, "unknown hash", err, app.ErrNotFound)
		list, _ := tx.Tokens().ListForUser(ctx, w.sc, w.user.ID)
		if len(list) != 1 {
			t.Errorf("tokens: %d", len(list))
		}
		// Without an organization, the oldest membership; with one, that membership.
		tok, m, err := tx.Tokens().PrincipalAnyTenant(ctx, w.tokenHash, nil)
		wantErr(t, "principal", err, nil)
		same(t, "principal token", tok, w.token)
		same(t, "principal membership", m, w.membership)
		_, m, err = tx.Tokens().PrincipalAnyTenant(ctx, w.tokenHash, &w.org2.ID)
		if err != nil || m.OrganizationID != w.org2.ID || m.Role != app.RoleMember {
			t.Errorf("principal in org2: %+v %v", m, err)
		}
		other := app.NewID()
		_, _, err = tx.Tokens().PrincipalAnyTenant(ctx, w.tokenHash, &other)
		wantErr(t, "principal in unknown org", err, app.ErrNotFound)
		_, _, err = tx.Tokens().PrincipalAnyTenant(ctx, app.HashToken("stint_nope"), nil)
		wantErr(t, "principal of unknown token", err, app.ErrNotFound)
		return nil
	})
	// A removed membership no longer admits the token there.
	write(t, st, func(tx app.Tx) error {
		m := w.membership
		now := base
		m.Version, m.DeletedAt = 2, &now
		if err := tx.Memberships().Update(ctx, w.sc, m, 1); err != nil {
			return err
		}
		_, _, err := tx.Tokens().PrincipalAnyTenant(ctx, w.tokenHash, &w.org.ID)
		wantErr(t, "principal after removal", err, app.ErrNotFound)
		_, m2, err := tx.Tokens().PrincipalAnyTenant(ctx, w.tokenHash, nil)
		if err != nil || m2.OrganizationID != w.org2.ID {
			t.Errorf("principal falls back to the remaining membership: %+v %v", m2, err)
		}
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		at := base.Add(time.Minute)
		if err := tx.Tokens().Touch(ctx, w.sc, w.token.ID, at); err != nil {
			return err
		}
		got, _ := tx.Tokens().Get(ctx, w.sc, w.token.ID)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
			t.Errorf("touch: %v", got.LastUsedAt)
		}
		if err := tx.Tokens().Delete(ctx, w.sc, w.token.ID); err != nil {
			return err
		}
		wantErr(t, "delete again", tx.Tokens().Delete(ctx, w.sc, w.token.ID), app.ErrNotFound)
		_, err := tx.Tokens().ByHashAnyTenant(ctx, w.tokenHash)
		wantErr(t, "revoked token", err, app.ErrNotFound)
		return nil
	})
}

func testAuditAndChanges(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "audit@example.com")
	change := func(entity string, id uuid.UUID, version int) app.Change {
		return app.Change{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
			Entity: entity, EntityID: id, Op: app.OpUpsert, Version: int64(version), HLC: meta(version).HLC, At: base}
	}
	write(t, st, func(tx app.Tx) error {
		for i := range 3 {
			if err := tx.Audit().Append(ctx, w.sc, app.AuditEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
				ActorID: &w.user.ID, Action: "project.update", Entity: "project", EntityID: w.project.ID, At: base}); err != nil {
				return err
			}
			// Three changes of one project leave one pending change: the newest.
			if err := tx.Changes().Append(ctx, w.sc, change("project", w.project.ID, i+1)); err != nil {
				return err
			}
		}
		return tx.Changes().Append(ctx, w.sc, change("tag", w.tag.ID, 1))
	})
	var ch []app.Change
	read(t, st, func(tx app.Tx) error {
		a, err := tx.Audit().List(ctx, w.sc, page(10))
		if err != nil || len(a) != 3 || a[0].Action != "project.update" || *a[0].ActorID != w.user.ID {
			t.Errorf("audit list: %v %+v", err, a)
		}
		ch, err = tx.Changes().After(ctx, w.sc, 0, 10)
		if err != nil || len(ch) != 2 {
			t.Fatalf("changes: %v %d, want one per entity", err, len(ch))
		}
		if ch[0].EntityID != w.project.ID || ch[0].Version != 3 || ch[0].HLC != meta(3).HLC || ch[0].Op != app.OpUpsert ||
			*ch[0].OrganizationID != w.org.ID || !ch[0].At.Equal(base) {
			t.Errorf("pending project change: %+v, want the newest (version 3)", ch[0])
		}
		if ch[1].EntityID != w.tag.ID || ch[1].Seq <= ch[0].Seq {
			t.Errorf("pending tag change: %+v after %d", ch[1], ch[0].Seq)
		}
		rest, _ := tx.Changes().After(ctx, w.sc, ch[0].Seq, 10)
		if len(rest) != 1 {
			t.Errorf("after first: %d", len(rest))
		}
		latest, err := tx.Changes().LatestSeq(ctx, w.sc)
		if err != nil || latest != ch[1].Seq {
			t.Errorf("latest seq %d (%v), want %d", latest, err, ch[1].Seq)
		}
		none, _ := tx.Changes().LatestSeq(ctx, app.Scope{TenantID: app.NewID()})
		if none != 0 {
			t.Errorf("latest seq of an empty tenant: %d", none)
		}
		if n, err := tx.Changes().Count(ctx, w.sc); err != nil || n != 2 {
			t.Errorf("count %d (%v), want 2 pending", n, err)
		}
		if n, err := tx.Changes().Count(ctx, app.Scope{TenantID: app.NewID()}); err != nil || n != 0 {
			t.Errorf("count of another tenant %d (%v), want 0", n, err)
		}
		return nil
	})
	// Acknowledged changes leave; another tenant's acknowledgement drops nothing here.
	write(t, st, func(tx app.Tx) error {
		if n, err := tx.Changes().Acknowledge(ctx, app.Scope{TenantID: app.NewID()}, ch[1].Seq); err != nil || n != 0 {
			t.Errorf("foreign acknowledge: %d %v", n, err)
		}
		n, err := tx.Changes().Acknowledge(ctx, w.sc, ch[0].Seq)
		if err != nil || n != 1 {
			t.Errorf("acknowledge first: %d %v", n, err)
		}
		return err
	})
	read(t, st, func(tx app.Tx) error {
		left, _ := tx.Changes().After(ctx, w.sc, 0, 10)
		if len(left) != 1 || left[0].Seq != ch[1].Seq {
			t.Errorf("pending after acknowledging the first: %+v", left)
		}
		if n, err := tx.Changes().Count(ctx, w.sc); err != nil || n != 1 {
			t.Errorf("count after acknowledging the first %d (%v), want 1", n, err)
		}
		return nil
	})
	// A change after an acknowledgement gets a greater seq than every earlier one.
	write(t, st, func(tx app.Tx) error {
		if _, err := tx.Changes().Acknowledge(ctx, w.sc, ch[1].Seq); err != nil {
			return err
		}
		return tx.Changes().Append(ctx, w.sc, change("project", w.project.ID, 4))
	})
	read(t, st, func(tx app.Tx) error {
		left, _ := tx.Changes().After(ctx, w.sc, 0, 10)
		if len(left) != 1 || left[0].Seq <= ch[1].Seq || left[0].Version != 4 {
			t.Errorf("pending after a new change: %+v (earlier seq %d)", left, ch[1].Seq)
		}
		return nil
	})
}

func testAtomic(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "atomic@example.com")
	p := w.project
	p.ID, p.Name = app.NewID(), "Never"
	err := st.Write(ctx, func(tx app.Tx) error {
		if err := tx.Projects().Insert(ctx, w.sc, p); err != nil {
			return err
		}
		if err := tx.Audit().Append(ctx, w.sc, app.AuditEntry{ID: app.NewID(), TenantID: w.tenant.ID, Action: "x", Entity: "project", EntityID: p.ID, At: base}); err != nil {
			return err
		}
		return app.ErrConflict // the mutation fails after writing
	})
	wantErr(t, "failed write", err, app.ErrConflict)
	read(t, st, func(tx app.Tx) error {
		_, err := tx.Projects().Get(ctx, w.sc, p.ID)
		wantErr(t, "rolled back project", err, app.ErrNotFound)
		a, _ := tx.Audit().List(ctx, w.sc, page(100))
		for _, e := range a {
			if e.EntityID == p.ID {
				t.Errorf("audit row of a rolled-back write survived")
			}
		}
		return nil
	})
}

func testIdempotency(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "idem@example.com")
	r := app.IdempotencyRecord{TenantID: w.tenant.ID, UserID: w.user.ID, Key: "k1", Method: "POST", Path: "/v1/projects",
		RequestHash: []byte{1, 2}, Status: 201, Headers: map[string]string{"ETag": `"1"`}, Body: []byte(`{}`), CreatedAt: base}
	write(t, st, func(tx app.Tx) error { return tx.Idempotency().Insert(ctx, w.sc, r) })
	err := st.Write(ctx, func(tx app.Tx) error { return tx.Idempotency().Insert(ctx, w.sc, r) })
	wantErr(t, "same key twice", err, app.ErrConflict)
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Idempotency().Get(ctx, w.sc, w.user.ID, "k1")
		wantErr(t, "get", err, nil)
		same(t, "record", got, r)
		_, err = tx.Idempotency().Get(ctx, app.Scope{TenantID: app.NewID()}, w.user.ID, "k1")
		wantErr(t, "other tenant", err, app.ErrNotFound)
		return nil
	})
	// A response without a body (204) and a request without one: empty bytes read back
	// as nil on both stores, and no headers as a nil map.
	empty := app.IdempotencyRecord{TenantID: w.tenant.ID, UserID: w.user.ID, Key: "k2", Method: "POST", Path: "/v1/timer/stop",
		RequestHash: []byte{}, Status: 204, CreatedAt: base.Add(time.Second)}
	write(t, st, func(tx app.Tx) error { return tx.Idempotency().Insert(ctx, w.sc, empty) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Idempotency().Get(ctx, w.sc, w.user.ID, "k2")
		wantErr(t, "get record without body", err, nil)
		empty.RequestHash = nil
		same(t, "record without body", got, empty)
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		n, err := tx.Idempotency().DeleteBefore(ctx, base.Add(time.Second))
		if n != 1 {
			t.Errorf("expired %d records, want 1 (created_at < before: the one at before stays)", n)
		}
		return err
	})
}

func testDevice(t *testing.T, st app.Store) {
	ctx := context.Background()
	read(t, st, func(tx app.Tx) error {
		_, err := tx.Device().Get(ctx, "missing")
		wantErr(t, "missing setting", err, app.ErrNotFound)
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		return errors2(tx.Device().Put(ctx, "k", "v1"), tx.Device().Put(ctx, "k", "v2"))
	})
	read(t, st, func(tx app.Tx) error {
		v, err := tx.Device().Get(ctx, "k")
		if v != "v2" || err != nil {
			t.Errorf("setting: %q %v", v, err)
		}
		return nil
	})
}

func errors2(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
