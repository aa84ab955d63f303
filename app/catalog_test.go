package app_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func TestCatalogRolesAndVersions(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	manager := e.member(owner, app.RoleManager)
	member := e.member(owner, app.RoleMember)

	c := must[app.Client](t)(e.svc.CreateClient(e.ctx, manager, app.ClientInput{Name: "Globex"}))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, manager, app.ProjectInput{Name: "Site", ClientID: &c.ID, Color: "#ABCDEF"}))
	if p.Color != "#abcdef" || p.Version != 1 {
		t.Fatalf("project: %+v", p)
	}
	_, err := e.svc.CreateProject(e.ctx, member, app.ProjectInput{Name: "Nope"})
	wantErr(t, err, app.ErrForbidden)
	_, err = e.svc.Clients(e.ctx, member, app.ListParams{}, false)
	wantErr(t, err, app.ErrForbidden)
	must[app.Page[app.Project]](t)(e.svc.Projects(e.ctx, member, app.ListParams{}, false))
	_, err = e.svc.CreateProject(e.ctx, manager, app.ProjectInput{Name: "site"})
	wantErr(t, err, app.ErrConflict)
	_, err = e.svc.CreateProject(e.ctx, manager, app.ProjectInput{Name: "X", Color: "red"})
	if !slices.Equal(fields(err), []string{"color"}) {
		t.Fatalf("bad colour: %v", err)
	}
	ghost := app.NewID()
	_, err = e.svc.CreateProject(e.ctx, manager, app.ProjectInput{Name: "X", ClientID: &ghost})
	if !slices.Equal(fields(err), []string{"client_id"}) {
		t.Fatalf("unknown client: %v", err)
	}

	up := must[app.Project](t)(e.svc.UpdateProject(e.ctx, manager, p.ID, app.ProjectPatch{Name: ptr("Site v2"), ClientID: app.Nullable[uuid.UUID]{Set: true}}, p.Version))
	if up.Name != "Site v2" || up.ClientID != nil || up.Version != 2 {
		t.Fatalf("patched: %+v", up)
	}
	_, err = e.svc.UpdateProject(e.ctx, manager, p.ID, app.ProjectPatch{Archived: ptr(true)}, 1)
	wantErr(t, err, app.ErrPrecondition)
	arch := must[app.Project](t)(e.svc.UpdateProject(e.ctx, manager, p.ID, app.ProjectPatch{Archived: ptr(true)}, 0))
	live := must[app.Page[app.Project]](t)(e.svc.Projects(e.ctx, member, app.ListParams{}, false))
	all := must[app.Page[app.Project]](t)(e.svc.Projects(e.ctx, member, app.ListParams{}, true))
	if len(live.Items) != 0 || len(all.Items) != 1 || !arch.Archived {
		t.Fatalf("archived filter: %d live, %d all", len(live.Items), len(all.Items))
	}
	wantErr(t, e.svc.DeleteProject(e.ctx, manager, p.ID, 1), app.ErrPrecondition)
	wantErr(t, e.svc.DeleteProject(e.ctx, manager, p.ID, arch.Version), nil)
	_, err = e.svc.Project(e.ctx, manager, p.ID)
	wantErr(t, err, app.ErrNotFound)
	// A deleted name is free again.
	must[app.Project](t)(e.svc.CreateProject(e.ctx, manager, app.ProjectInput{Name: "Site v2"}))

	tk := must[app.Tag](t)(e.svc.CreateTag(e.ctx, manager, app.TagInput{Name: "urgent"}))
	if tk.Color == "" {
		t.Fatal("tag got no default colour")
	}
	_, err = e.svc.CreateTag(e.ctx, member, app.TagInput{Name: "mine"})
	wantErr(t, err, app.ErrForbidden)
	must[app.Page[app.Tag]](t)(e.svc.Tags(e.ctx, member, app.ListParams{}, false))

	_, err = e.svc.CreateTask(e.ctx, manager, app.TaskInput{Name: "orphan"})
	if !slices.Equal(fields(err), []string{"project_id"}) {
		t.Fatalf("task without project: %v", err)
	}
}

func TestListPaging(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	for i := range 7 {
		must[app.Client](t)(e.svc.CreateClient(e.ctx, owner, app.ClientInput{Name: string(rune('a' + i))}))
	}
	seen := 0
	lp := app.ListParams{Limit: 3}
	for pages := 0; ; pages++ {
		p := must[app.Page[app.Client]](t)(e.svc.Clients(e.ctx, owner, lp, false))
		seen += len(p.Items)
		if p.NextCursor == "" {
			if pages != 2 {
				t.Fatalf("7 rows by 3 should take 3 pages, took %d", pages+1)
			}
			break
		}
		lp.Cursor = p.NextCursor
	}
	if seen != 7 {
		t.Fatalf("saw %d clients", seen)
	}
	for _, bad := range []app.ListParams{{Limit: -1}, {Limit: 501}, {Cursor: "garbage!"}} {
		_, err := e.svc.Clients(e.ctx, owner, bad, false)
		if fields(err) == nil {
			t.Errorf("%+v: want a validation error, got %v", bad, err)
		}
	}
}

// TestEveryMutationIsAuditedAndLogged checks the outbox promise: each mutation writes one audit
// row and one change-log row, in the same transaction, carrying the row's new version.
func TestEveryMutationIsAuditedAndLogged(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	changes := func() []app.Change {
		var out []app.Change
		_ = e.st.Read(e.ctx, func(tx app.Tx) error {
			var err error
			out, err = tx.Changes().After(e.ctx, owner.Scope(), 0, 10000)
			return err
		})
		return out
	}
	audits := func() []app.AuditEntry {
		var out []app.AuditEntry
		_ = e.st.Read(e.ctx, func(tx app.Tx) error {
			var err error
			out, err = tx.Audit().List(e.ctx, owner.Scope(), app.PageRequest{Limit: 10000})
			return err
		})
		return out
	}
	if n := len(changes()); n != 4 { // tenant, organization, user, membership
		t.Fatalf("signup wrote %d changes, want 4", n)
	}
	c := must[app.Client](t)(e.svc.CreateClient(e.ctx, owner, app.ClientInput{Name: "C"}))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P"}))
	steps := []struct {
		name   string
		do     func() error
		entity string
		op     app.ChangeOp
		action string
	}{
		{"update client", func() error {
			_, err := e.svc.UpdateClient(e.ctx, owner, c.ID, app.ClientPatch{Name: ptr("C2")}, 0)
			return err
		}, "client", app.OpUpsert, "client.update"},
		{"delete client", func() error { return e.svc.DeleteClient(e.ctx, owner, c.ID, 0) }, "client", app.OpDelete, "client.delete"},
		{"create task", func() error {
			_, err := e.svc.CreateTask(e.ctx, owner, app.TaskInput{ProjectID: p.ID, Name: "T"})
			return err
		}, "task", app.OpUpsert, "task.create"},
		{"create tag", func() error { _, err := e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "G"}); return err }, "tag", app.OpUpsert, "tag.create"},
		{"start timer", func() error { _, err := e.svc.StartTimer(e.ctx, owner, app.TimerStart{}); return err }, "time_entry", app.OpUpsert, "time_entry.create"},
		{"stop timer", func() error { _, err := e.svc.StopTimer(e.ctx, owner); return err }, "time_entry", app.OpUpsert, "time_entry.stop"},
		{"update org", func() error {
			_, err := e.svc.UpdateOrganization(e.ctx, owner, owner.OrgID, app.OrganizationPatch{Timezone: ptr("Asia/Tokyo")}, 0)
			return err
		}, "organization", app.OpUpsert, "organization.update"},
	}
	// The outbox holds one pending change per entity: a change to an entity already pending
	// replaces its row (with a new seq) instead of adding one.
	for _, s := range steps {
		before, beforeA := changes(), len(audits())
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		ch, au := changes(), audits()
		last, lastA := ch[len(ch)-1], au[len(au)-1]
		want := len(before) + 1
		for _, c := range before {
			if c.EntityID == last.EntityID {
				want--
			}
		}
		if len(ch) != want || len(au) != beforeA+1 {
			t.Fatalf("%s: %d pending changes (want %d) and %d new audit rows (want 1)", s.name, len(ch), want, len(au)-beforeA)
		}
		if last.Entity != s.entity || last.Op != s.op || lastA.Action != s.action || lastA.EntityID != last.EntityID || *lastA.ActorID != owner.UserID {
			t.Fatalf("%s: change %+v audit %+v", s.name, last, lastA)
		}
		if len(before) > 0 && last.Seq <= before[len(before)-1].Seq || last.Version < 1 || last.HLC == "" {
			t.Fatalf("%s: change seq %d, version %d, hlc %q", s.name, last.Seq, last.Version, last.HLC)
		}
	}
	// A failed mutation writes nothing.
	beforeC, beforeA := len(changes()), len(audits())
	_, err := e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P"})
	wantErr(t, err, app.ErrConflict)
	if len(changes()) != beforeC || len(audits()) != beforeA {
		t.Fatal("a failed mutation left audit or change rows")
	}
	// HLC stamps increase in commit order.
	ch := changes()
	for i := 1; i < len(ch); i++ {
		if ch[i].HLC <= ch[i-1].HLC {
			t.Fatalf("hlc not increasing: %s then %s", ch[i-1].HLC, ch[i].HLC)
		}
	}
}

func TestLocalWorkspace(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.LocalActor(e.ctx)
	wantErr(t, err, app.ErrNotFound)
	a, created, err := e.svc.EnsureLocal(e.ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "Europe/Berlin"})
	if err != nil || !created || a.Role != app.RoleOwner {
		t.Fatalf("first ensure: %+v %v %v", a, created, err)
	}
	b, created, err := e.svc.EnsureLocal(e.ctx, app.LocalSetup{Name: "Other", Organization: "Other"})
	if err != nil || created || b != a {
		t.Fatalf("second ensure: %+v %v %v", b, created, err)
	}
	got := must[app.Actor](t)(e.svc.LocalActor(e.ctx))
	if got != a {
		t.Fatalf("local actor %+v, want %+v", got, a)
	}
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "offline"}))
}
