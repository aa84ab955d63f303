package sync_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/postgres"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// serveStore runs a team server on st (no tenant yet) and returns its service and URL.
func serveStore(t *testing.T, st app.Store) (*app.Service, string) {
	t.Helper()
	svc := app.New(st, app.Options{Hasher: fastHasher, NodeID: "server"})
	ts := httptest.NewServer(server.New(svc, server.Config{AllowSignup: true}).Handler())
	t.Cleanup(ts.Close)
	return svc, ts.URL
}

// postgresStore is a store on a throwaway database of STINT_TEST_POSTGRES's cluster, opened
// as the application role (row-level security on). Without the variable the test skips,
// unless CI is set.
func postgresStore(t *testing.T) app.Store {
	t.Helper()
	dsn := os.Getenv("STINT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STINT_TEST_POSTGRES is not set under CI: run the tests through ./.ci/test-env")
		}
		t.Skip("STINT_TEST_POSTGRES is not set: run through ./.ci/test-env for the PostgreSQL tests")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "stint_sync_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + name + `_app`, `DROP ROLE IF EXISTS ` + name + `_owner`} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	appDSN, err := postgres.Setup(ctx, u.String(), postgres.SetupOptions{Owner: name + "_owner", App: name + "_app"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// localDevice is an installation that has tracked time offline in its own local workspace
// and is connected to nothing yet.
func localDevice(t *testing.T, node, org, serverURL string) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir, url: serverURL}
	if d.actor, _, err = d.svc.EnsureLocal(ctx, app.LocalSetup{Name: node, Organization: org, Timezone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	return d
}

// catalog makes the device's clients, projects (name → client name), tasks (project/name)
// and tags, and returns their ids by name.
func (d *device) catalog(clients []string, projects map[string]string, tasks [][2]string, tags []string) map[string]uuid.UUID {
	d.t.Helper()
	ctx := context.Background()
	ids := map[string]uuid.UUID{}
	for _, name := range clients {
		c, err := d.svc.CreateClient(ctx, d.actor, app.ClientInput{Name: name})
		if err != nil {
			d.t.Fatal(err)
		}
		ids[name] = c.ID
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range projects {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		in := app.ProjectInput{Name: name}
		if c := projects[name]; c != "" {
			id := ids[c]
			in.ClientID = &id
		}
		p, err := d.svc.CreateProject(ctx, d.actor, in)
		if err != nil {
			d.t.Fatal(err)
		}
		ids[name] = p.ID
	}
	for _, pt := range tasks {
		tk, err := d.svc.CreateTask(ctx, d.actor, app.TaskInput{ProjectID: ids[pt[0]], Name: pt[1]})
		if err != nil {
			d.t.Fatal(err)
		}
		ids[pt[0]+"/"+pt[1]] = tk.ID
	}
	for _, name := range tags {
		tg, err := d.svc.CreateTag(ctx, d.actor, app.TagInput{Name: name})
		if err != nil {
			d.t.Fatal(err)
		}
		ids["#"+name] = tg.ID
	}
	return ids
}

// entry logs an hour on day (of November 2026) at hour.
func (d *device) entry(day, hour int, desc string, project, task *uuid.UUID, tags ...uuid.UUID) {
	d.t.Helper()
	from := time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	if _, err := d.svc.CreateTimeEntry(context.Background(), d.actor, app.TimeEntryInput{ProjectID: project, TaskID: task,
		Description: desc, StartedAt: from, StoppedAt: &to, TagIDs: tags}); err != nil {
		d.t.Fatal(err)
	}
}

// teamView is what a replica holds, by names, for comparing replicas.
type teamView struct {
	projects, clients, tasks, tags []string
	entries                        []string // started_at, project name, task name, tag names
}

func viewOf(t *testing.T, svc *app.Service, a app.Actor) teamView {
	t.Helper()
	ctx := context.Background()
	var v teamView
	ps, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) { return svc.Projects(ctx, a, lp, true) })
	if err != nil {
		t.Fatal(err)
	}
	cs, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Client], error) { return svc.Clients(ctx, a, lp, true) })
	if err != nil {
		t.Fatal(err)
	}
	ts, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Task], error) { return svc.Tasks(ctx, a, lp, nil, true) })
	if err != nil {
		t.Fatal(err)
	}
	gs, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Tag], error) { return svc.Tags(ctx, a, lp, true) })
	if err != nil {
		t.Fatal(err)
	}
	name := map[uuid.UUID]string{}
	clientName := map[uuid.UUID]string{}
	for _, c := range cs {
		v.clients = append(v.clients, c.Name)
		clientName[c.ID] = c.Name
	}
	for _, p := range ps {
		n := p.Name
		if p.ClientID != nil {
			n += " (" + clientName[*p.ClientID] + ")"
		}
		v.projects = append(v.projects, n)
		name[p.ID] = p.Name
	}
	for _, tk := range ts {
		v.tasks = append(v.tasks, name[tk.ProjectID]+"/"+tk.Name)
		name[tk.ID] = tk.Name
	}
	for _, g := range gs {
		v.tags = append(v.tags, g.Name)
		name[g.ID] = g.Name
	}
	for _, e := range entries(t, svc, a) {
		s := e.StartedAt.UTC().Format(time.RFC3339) + " " + e.Description
		if e.ProjectID != nil {
			s += " " + name[*e.ProjectID]
		}
		if e.TaskID != nil {
			s += "/" + name[*e.TaskID]
		}
		for _, g := range e.TagIDs {
			s += " #" + name[g]
		}
		v.entries = append(v.entries, s)
	}
	for _, l := range [][]string{v.projects, v.clients, v.tasks, v.tags, v.entries} {
		slices.Sort(l)
	}
	return v
}

func (v teamView) equal(w teamView) bool {
	return slices.Equal(v.projects, w.projects) && slices.Equal(v.clients, w.clients) && slices.Equal(v.tasks, w.tasks) &&
		slices.Equal(v.tags, w.tags) && slices.Equal(v.entries, w.entries)
}

// TestPublishThenJoin is the way into a team for devices that tracked time offline first,
// on a team server on SQLite and on PostgreSQL: A publishes its workspace as a new team,
// ids kept; B, invited as a manager, joins with its own workspace, whose catalog partly
// has the team's names. After a few rounds the server, A and B hold the union: every entry
// of both, each project, client, task and tag once.
func TestPublishThenJoin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) app.Store
	}{
		{"sqlite", func(t *testing.T) app.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", postgresStore},
	} {
		t.Run(tc.name, func(t *testing.T) { testPublishThenJoin(t, tc.store(t)) })
	}
}

func testPublishThenJoin(t *testing.T, st app.Store) {
	ctx := context.Background()
	srv, base := serveStore(t, st)

	a := localDevice(t, "Ada", "Ada's work", base)
	ai := a.catalog([]string{"Acme"}, map[string]string{"Website": "Acme", "Research": ""},
		[][2]string{{"Website", "Design"}}, []string{"urgent"})
	design := ai["Website/Design"]
	a.entry(2, 9, "ada", ptr(ai["Website"]), &design, ai["#urgent"])
	a.entry(2, 11, "ada", ptr(ai["Website"]), nil)
	a.entry(3, 9, "ada", ptr(ai["Research"]), nil)

	// A publishes: the server gets A's ids, the rows go up with the push.
	in, err := a.svc.PublishRequest(ctx, "ada@example.com", ownerPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Tenant.ID != a.actor.TenantID || sess.Organization.ID != a.actor.OrgID || sess.User.ID != a.actor.UserID {
		t.Fatalf("published session %v/%v/%v, want the workspace's ids %+v", sess.Tenant.ID, sess.Organization.ID, sess.User.ID, a.actor)
	}
	// Publishing again, or naming A's organization under a new tenant, is refused and
	// writes nothing: the new tenant id is still free afterwards.
	if _, err := stintsync.Publish(ctx, nil, base, in); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("publishing again: %v, want a conflict", err)
	}
	other := in
	other.TenantID, other.UserID, other.MembershipID, other.Email = app.NewID(), app.NewID(), app.NewID(), "mallory@example.com"
	if _, err := stintsync.Publish(ctx, nil, base, other); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("publishing with A's organization id: %v, want a conflict", err)
	}
	other.OrganizationID = app.NewID()
	if _, err := stintsync.Publish(ctx, nil, base, other); err != nil {
		t.Fatalf("the refused publish left rows behind: %v", err)
	}
	plan, err := a.svc.PlanConnect(ctx, sess, app.ConnectPublish, app.TeamCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Entries != 3 || plan.Projects.Created != 2 || plan.Clients.Created != 1 || plan.Tasks.Created != 1 || plan.Tags.Created != 1 {
		t.Fatalf("publish plan = %+v", plan)
	}
	if err := a.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(a.dir), base, sess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(); rep.Pushed != 8 || rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("A's first round = %+v, want 8 pushed, none rejected or pending (status %+v)", rep, a.status())
	}
	owner, err := srv.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := projectNames(t, srv, owner); got[ai["Website"]] != "Website" || got[ai["Research"]] != "Research" {
		t.Fatalf("server's projects = %v, want A's under A's ids", got)
	}

	// The owner invites B as a manager (who sees everyone's entries).
	inv, err := srv.CreateInvitation(ctx, owner, app.InvitationInput{Email: "bo@example.com", Role: app.RoleManager})
	if err != nil {
		t.Fatal(err)
	}

	b := localDevice(t, "Bo", "Bo's work", base)
	bi := b.catalog([]string{"ACME "}, map[string]string{"website": "ACME ", "Bo only": ""},
		[][2]string{{"website", "design"}, {"website", "Review"}}, []string{"Urgent", "later"})
	bdesign, review := bi["website/design"], bi["website/Review"]
	b.entry(2, 14, "bo", ptr(bi["website"]), &bdesign, bi["#Urgent"], bi["#later"])
	b.entry(4, 9, "bo", ptr(bi["website"]), &review)
	b.entry(4, 11, "bo", ptr(bi["Bo only"]), nil, bi["#later"])
	b.entry(5, 9, "bo", nil, nil)

	// B accepts the invitation on a device with data of its own: a join.
	bsess, err := stintsync.AcceptInvitation(ctx, nil, base, "", inv.Code, "Bo", ownerPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	remote, err := stintsync.NewRemote(base, bsess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	team, err := remote.Catalog(ctx, bsess.Organization.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = b.svc.PlanConnect(ctx, bsess, app.ConnectJoin, team)
	if err != nil {
		t.Fatal(err)
	}
	// Matched (any case): the client, Website, its task Design, the tag urgent; created:
	// Bo only, Review, later.
	counts := func(p app.ConnectPlan) string {
		return fmt.Sprintf("%s: %d entries, clients %+v, projects %+v, tasks %+v, tags %+v", p.Mode, p.Entries, p.Clients, p.Projects, p.Tasks, p.Tags)
	}
	want := app.ConnectPlan{Mode: app.ConnectJoin, Entries: 4, Clients: app.CatalogCounts{Matched: 1},
		Projects: app.CatalogCounts{Matched: 1, Created: 1}, Tasks: app.CatalogCounts{Matched: 1, Created: 1},
		Tags: app.CatalogCounts{Matched: 1, Created: 1}}
	if counts(plan) != counts(want) {
		t.Fatalf("join plan = %s, want %s", counts(plan), counts(want))
	}
	if err := b.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(b.dir), base, bsess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(); rep.Pushed != 7 || rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("B's first round = %+v, want 7 pushed (4 entries, a project, a task, a tag), none rejected (status %+v)", rep, b.status())
	}
	if b.actor, err = b.svc.LocalActor(ctx); err != nil {
		t.Fatalf("after the first round B acts as its team account: %v", err)
	}
	a.sync()
	b.sync()

	server := viewOf(t, srv, owner)
	wantView := teamView{
		clients:  []string{"Acme"},
		projects: []string{"Bo only", "Research", "Website (Acme)"},
		tasks:    []string{"Website/Design", "Website/Review"},
		tags:     []string{"later", "urgent"},
	}
	if !slices.Equal(server.clients, wantView.clients) || !slices.Equal(server.projects, wantView.projects) ||
		!slices.Equal(server.tasks, wantView.tasks) || !slices.Equal(server.tags, wantView.tags) {
		t.Fatalf("server's catalog = %+v, want %+v: matched rows once, the rest created", server, wantView)
	}
	if len(server.entries) != 7 {
		t.Fatalf("server has %d entries, want A's 3 and B's 4: %v", len(server.entries), server.entries)
	}
	// B's entries name the team's rows where B's were matched, and its own new ones.
	for _, want := range []string{"2026-11-02T14:00:00Z bo", "Website/Design #urgent #later",
		"Website/Review", "Bo only #later"} {
		if !slices.ContainsFunc(server.entries, func(e string) bool { return strings.Contains(e, want) }) {
			t.Errorf("server's entries %v have none with %q", server.entries, want)
		}
	}
	for name, d := range map[string]*device{"A": a, "B": b} {
		if got := viewOf(t, d.svc, d.actor); !got.equal(server) {
			t.Errorf("%s holds %+v, want the server's %+v", name, got, server)
		}
	}
}

func ptr[T any](v T) *T { return &v }
