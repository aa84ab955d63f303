package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testIsolation seeds two tenants and checks, area by area, that tenant B's scope can neither
// see nor change tenant A's rows, and that another organization of the same tenant cannot
// see organization-scoped rows either.
func testIsolation(t *testing.T, st app.Store) {
	ctx := context.Background()
	a := seed(t, st, "a@example.com")
	b := seed(t, st, "b@example.com")
	// B's scope, but naming A's organization: still B's tenant, so nothing of A is reachable.
	mixed := app.Scope{TenantID: b.tenant.ID, OrgID: a.org.ID}
	for _, sc := range []app.Scope{b.sc, mixed, a.sc2} {
		crossTenant := sc.TenantID != a.tenant.ID
		read(t, st, func(tx app.Tx) error {
			notFound := func(what string, err error) { t.Helper(); wantErr(t, what, err, app.ErrNotFound) }
			if crossTenant {
				_, err := tx.Tenants().Get(ctx, app.Scope{TenantID: sc.TenantID})
				wantErr(t, "own tenant", err, nil)
				_, err = tx.Organizations().Get(ctx, sc, a.org.ID)
				notFound("organization", err)
				orgs, _ := tx.Organizations().ListForUser(ctx, sc, a.user.ID)
				if len(orgs) != 0 {
					t.Errorf("orgs of a foreign user listed: %d", len(orgs))
				}
				_, err = tx.Users().Get(ctx, sc, a.user.ID)
				notFound("user", err)
				_, err = tx.Tokens().Get(ctx, sc, a.token.ID)
				notFound("token", err)
				// B's token cannot be resolved into A's organization.
				_, _, err = tx.Tokens().PrincipalAnyTenant(ctx, b.tokenHash, &a.org.ID)
				notFound("principal across tenants", err)
				toks, _ := tx.Tokens().ListForUser(ctx, sc, a.user.ID)
				if len(toks) != 0 {
					t.Errorf("foreign tokens listed")
				}
				_, err = tx.TimeEntries().Running(ctx, sc, a.user.ID)
				notFound("running", err)
				ch, _ := tx.Changes().After(ctx, sc, 0, 1000)
				au, _ := tx.Audit().List(ctx, sc, page(1000))
				if len(ch) != 0 || len(au) != 0 {
					t.Errorf("foreign changes/audit listed: %d/%d", len(ch), len(au))
				}
			}
			_, err := tx.Memberships().Get(ctx, sc, a.user.ID)
			if sc != a.sc2 { // a.user is a member of a.org2 by design
				notFound("membership", err)
			}
			_, err = tx.Clients().Get(ctx, sc, a.client.ID)
			notFound("client", err)
			_, err = tx.Projects().Get(ctx, sc, a.project.ID)
			notFound("project", err)
			_, err = tx.Projects().ByName(ctx, sc, a.project.Name)
			if sc != b.sc { // b has its own project of that name
				notFound("project by name", err)
			}
			_, err = tx.Tasks().Get(ctx, sc, a.task.ID)
			notFound("task", err)
			_, err = tx.Tags().Get(ctx, sc, a.tag.ID)
			notFound("tag", err)
			_, err = tx.TimeEntries().Get(ctx, sc, a.entry.ID)
			notFound("time entry", err)
			foreign := map[uuid.UUID]bool{a.client.ID: true, a.project.ID: true, a.task.ID: true, a.tag.ID: true, a.tag2.ID: true, a.entry.ID: true, a.user.ID: true}
			check := func(what string, ids []uuid.UUID) {
				for _, id := range ids {
					if foreign[id] {
						t.Errorf("%s lists a row of another scope", what)
					}
				}
			}
			all := app.CatalogFilter{Page: page(1000), IncludeArchived: true}
			cl, _ := tx.Clients().List(ctx, sc, all)
			pr, _ := tx.Projects().List(ctx, sc, all)
			ta, _ := tx.Tasks().List(ctx, sc, app.CatalogFilter{Page: page(1000), ProjectID: &a.project.ID})
			tg, _ := tx.Tags().List(ctx, sc, all)
			en, _ := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page(1000), UserID: &a.user.ID})
			ms, _ := tx.Memberships().List(ctx, sc, page(1000))
			check("clients", ids(cl, func(c app.Client) uuid.UUID { return c.ID }))
			check("projects", ids(pr, func(p app.Project) uuid.UUID { return p.ID }))
			check("tasks", ids(ta, func(t app.Task) uuid.UUID { return t.ID }))
			check("tags", ids(tg, func(t app.Tag) uuid.UUID { return t.ID }))
			check("entries", ids(en, func(e app.TimeEntry) uuid.UUID { return e.ID }))
			if sc != a.sc2 {
				check("members", ids(ms, func(m app.Member) uuid.UUID { return m.UserID }))
			}
			_, err = tx.Idempotency().Get(ctx, sc, a.user.ID, "k")
			notFound("idempotency", err)
			return nil
		})
		// Writes through the wrong scope change nothing.
		_ = st.Write(ctx, func(tx app.Tx) error {
			bump := func(m *app.Meta) { m.Version = 2; m.UpdatedAt = base.Add(time.Hour) }
			c, p, tk, tg, e := a.client, a.project, a.task, a.tag, a.entry
			c.Name, p.Name, tk.Name, tg.Name, e.Description = "hacked", "hacked", "hacked", "hacked", "hacked"
			bump(&c.Meta)
			bump(&p.Meta)
			bump(&tk.Meta)
			bump(&tg.Meta)
			bump(&e.Meta)
			for what, err := range map[string]error{
				"client":  tx.Clients().Update(ctx, sc, c, 1),
				"project": tx.Projects().Update(ctx, sc, p, 1),
				"task":    tx.Tasks().Update(ctx, sc, tk, 1),
				"tag":     tx.Tags().Update(ctx, sc, tg, 1),
				"entry":   tx.TimeEntries().Update(ctx, sc, e, 1),
			} {
				if err == nil {
					t.Errorf("%s updated through scope %v", what, sc)
				}
			}
			if crossTenant {
				o, u := a.org, a.user
				o.Name, u.Name = "hacked", "hacked"
				if tx.Organizations().Update(ctx, sc, o, 1) == nil || tx.Users().Update(ctx, sc, u, 1) == nil {
					t.Errorf("org/user updated across tenants")
				}
				if tx.Tokens().Delete(ctx, sc, a.token.ID) == nil {
					t.Errorf("token deleted across tenants")
				}
				_ = tx.Tokens().Touch(ctx, sc, a.token.ID, base.Add(99*time.Hour))
				m := a.membership
				m.Role = app.RoleMember
				if tx.Memberships().Update(ctx, sc, m, 1) == nil {
					t.Errorf("membership updated across tenants")
				}
				// Inserting a row that claims another tenant through this scope is refused.
				p2 := a.project
				p2.ID, p2.Name = app.NewID(), "smuggled"
				if tx.Projects().Insert(ctx, sc, p2) == nil {
					t.Errorf("row of tenant A inserted through tenant B's scope")
				}
				// A membership tying B's org to A's user is refused.
				bad := app.Membership{ID: app.NewID(), TenantID: b.tenant.ID, OrganizationID: b.org.ID, UserID: a.user.ID, Role: app.RoleOwner, Meta: meta(0)}
				if tx.Memberships().Insert(ctx, b.sc, bad) == nil {
					t.Errorf("membership of a foreign user inserted")
				}
			}
			return nil
		})
	}
	// A's rows are untouched.
	read(t, st, func(tx app.Tx) error {
		p, _ := tx.Projects().Get(ctx, a.sc, a.project.ID)
		e, _ := tx.TimeEntries().Get(ctx, a.sc, a.entry.ID)
		tok, err := tx.Tokens().Get(ctx, a.sc, a.token.ID)
		if p.Name != a.project.Name || e.Description != a.entry.Description || err != nil || tok.LastUsedAt != nil {
			t.Errorf("tenant A's rows changed through another scope")
		}
		return nil
	})
}

func ids[T any](rows []T, id func(T) uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}
