package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// connectFixture is a team on a server-side service and a device with its own local
// workspace, on a store the test may wrap.
type connectFixture struct {
	t      *testing.T
	ctx    context.Context
	team   *app.Service
	owner  app.Actor
	sess   app.Session
	device *app.Service
	local  app.Actor
	dir    string
}

func newConnectFixture(t *testing.T, wrap func(app.Store) app.Store) *connectFixture {
	t.Helper()
	ctx := context.Background()
	f := &connectFixture{t: t, ctx: ctx, dir: t.TempDir()}
	open := func(path string) *sqlite.Store {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	f.team = app.New(open(filepath.Join(t.TempDir(), "server.db")), app.Options{Hasher: fastHasher, NodeID: "server"})
	var err error
	if f.sess, err = f.team.Signup(ctx, app.SignupInput{Email: "ada@example.com", Password: "correct horse",
		Name: "Ada", Organization: "Team", Timezone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	if f.owner, err = f.team.Authenticate(ctx, f.sess.Token, nil); err != nil {
		t.Fatal(err)
	}
	var st app.Store = open(filepath.Join(f.dir, "stint.db"))
	if wrap != nil {
		st = wrap(st)
	}
	f.device = app.New(st, app.Options{Hasher: fastHasher, NodeID: "device"})
	if f.local, _, err = f.device.EnsureLocal(ctx, app.LocalSetup{Name: "Me", Organization: "Mine", Timezone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// catalog is the team's catalog as its owner reads it.
func (f *connectFixture) catalog() app.TeamCatalog {
	f.t.Helper()
	c := app.TeamCatalog{Role: app.RoleOwner}
	var err error
	if c.Projects, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) {
		return f.team.Projects(f.ctx, f.owner, lp, true)
	}); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// work makes a project on the device with n entries on it.
func (f *connectFixture) work(name string, n int) {
	f.t.Helper()
	p, err := f.device.CreateProject(f.ctx, f.local, app.ProjectInput{Name: name})
	if err != nil {
		f.t.Fatal(err)
	}
	for i := range n {
		from := time.Date(2026, 11, 2, 9+i, 0, 0, 0, time.UTC)
		to := from.Add(time.Hour)
		if _, err := f.device.CreateTimeEntry(f.ctx, f.local, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: from, StoppedAt: &to}); err != nil {
			f.t.Fatal(err)
		}
	}
}

// unchanged checks the device still works in its own workspace with what it had, and is
// connected to nothing.
func (f *connectFixture) unchanged(projects, entries, pending int) {
	f.t.Helper()
	a, err := f.device.LocalActor(f.ctx)
	if err != nil || a.TenantID != f.local.TenantID {
		f.t.Fatalf("local actor = %+v, %v; want the own workspace's", a, err)
	}
	ps, err := f.device.Projects(f.ctx, a, app.ListParams{}, true)
	if err != nil || len(ps.Items) != projects {
		f.t.Fatalf("projects = %d, %v; want %d", len(ps.Items), err, projects)
	}
	es, err := f.device.TimeEntries(f.ctx, a, app.EntryQuery{})
	if err != nil || len(es.Items) != entries {
		f.t.Fatalf("entries = %d, %v; want %d", len(es.Items), err, entries)
	}
	st, err := f.device.SyncStatus(f.ctx, app.RemoteTokenFile(filepath.Join(f.dir, "nowhere")))
	if err != nil {
		f.t.Fatal(err)
	}
	if st.URL != "" || st.Pending != pending {
		f.t.Fatalf("sync state = %+v; want no server and %d pending", st, pending)
	}
}

// errInvalid stands for a *app.ValidationError in the table below.
var errInvalid = errors.New("invalid")

func TestPlanConnectRefusals(t *testing.T) {
	f := newConnectFixture(t, nil)
	f.work("Mine", 1)
	other := f.sess
	other.Tenant.ID = uuid.Must(uuid.NewV7())
	own := f.sess
	own.Tenant.ID, own.Organization.ID, own.User.ID = f.local.TenantID, f.local.OrgID, f.local.UserID
	for _, tc := range []struct {
		name string
		sess app.Session
		mode app.ConnectMode
		team app.TeamCatalog
		want error
	}{
		{"a fresh connect of a workspace with data", f.sess, app.ConnectFresh, app.TeamCatalog{}, app.ErrConflict},
		{"a publish with another workspace's session", f.sess, app.ConnectPublish, app.TeamCatalog{}, app.ErrConflict},
		{"a join into the workspace's own tenant", own, app.ConnectJoin, app.TeamCatalog{Role: app.RoleOwner}, app.ErrConflict},
		{"a join without the user's role", f.sess, app.ConnectJoin, app.TeamCatalog{}, errInvalid},
		{"a member's join that creates a project", other, app.ConnectJoin, app.TeamCatalog{Role: app.RoleMember}, app.ErrForbidden},
		{"an unknown mode", f.sess, "merge", app.TeamCatalog{}, errInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.device.PlanConnect(f.ctx, tc.sess, tc.mode, tc.team)
			var ve *app.ValidationError
			if !errors.Is(err, tc.want) && !(tc.want == errInvalid && errors.As(err, &ve)) {
				t.Fatalf("PlanConnect = %v, want %v", err, tc.want)
			}
		})
	}
	f.unchanged(1, 1, 4+2) // the workspace's four onboarding rows, the project and its entry
}

// TestConnectRefusesAChangedWorkspace: the user confirms a summary, and the workspace
// changes before the connect: it is refused and nothing changes, also when the change
// leaves the counts as they were.
func TestConnectRefusesAChangedWorkspace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(f *connectFixture)
		// projects, entries and pending changes after the change
		projects, entries, pending int
	}{
		{"another entry", func(f *connectFixture) { f.work("Later", 1) }, 2, 2, 4 + 4},
		{"a renamed project", func(f *connectFixture) {
			ps, err := f.device.Projects(f.ctx, f.local, app.ListParams{}, true)
			if err != nil {
				f.t.Fatal(err)
			}
			name := "Renamed"
			if _, err := f.device.UpdateProject(f.ctx, f.local, ps.Items[0].ID, app.ProjectPatch{Name: &name}, 0); err != nil {
				f.t.Fatal(err)
			}
		}, 1, 1, 4 + 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newConnectFixture(t, nil)
			f.work("Mine", 1)
			plan, err := f.device.PlanConnect(f.ctx, f.sess, app.ConnectJoin, f.catalog())
			if err != nil {
				t.Fatal(err)
			}
			if plan.Entries != 1 || plan.Projects.Created != 1 {
				t.Fatalf("plan = %+v", plan)
			}
			tc.change(f)
			if err := f.device.ConnectWorkspace(f.ctx, app.RemoteTokenFile(f.dir), "https://team.example", f.sess, plan); !errors.Is(err, app.ErrConflict) {
				t.Fatalf("connect with a stale plan = %v, want a conflict", err)
			}
			f.unchanged(tc.projects, tc.entries, tc.pending)
		})
	}
}

// failingTx fails the insert of the second time entry of a transaction.
type failingTx struct {
	app.Tx
	inserts *int
}

type failingEntries struct {
	app.TimeEntries
	inserts *int
}

func (tx failingTx) TimeEntries() app.TimeEntries {
	return failingEntries{TimeEntries: tx.Tx.TimeEntries(), inserts: tx.inserts}
}

func (e failingEntries) Insert(ctx context.Context, s app.Scope, te app.TimeEntry) error {
	if *e.inserts++; *e.inserts == 2 {
		return errors.New("disk full")
	}
	return e.TimeEntries.Insert(ctx, s, te)
}

type failingStore struct {
	app.Store
	armed *bool
}

func (s failingStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.Store.Write(ctx, func(tx app.Tx) error {
		if !*s.armed {
			return fn(tx)
		}
		n := 0
		return fn(failingTx{Tx: tx, inserts: &n})
	})
}

// TestJoinIsOneTransaction: a join that fails halfway (the second entry cannot be written)
// leaves the workspace as it was: nothing moved, nothing retired, not connected.
func TestJoinIsOneTransaction(t *testing.T) {
	armed := false
	f := newConnectFixture(t, func(st app.Store) app.Store { return failingStore{Store: st, armed: &armed} })
	f.work("Mine", 3)
	plan, err := f.device.PlanConnect(f.ctx, f.sess, app.ConnectJoin, f.catalog())
	if err != nil {
		t.Fatal(err)
	}
	armed = true
	if err := f.device.ConnectWorkspace(f.ctx, app.RemoteTokenFile(f.dir), "https://team.example", f.sess, plan); err == nil {
		t.Fatal("the join went through with an entry it could not write")
	}
	armed = false
	f.unchanged(1, 3, 4+4)
	if tok, _ := app.RemoteTokenFile(f.dir).RemoteToken(); tok != "" {
		t.Fatal("the failed join kept the session")
	}
}

// TestJoinMoves: after a join the device acts in the team's organization; matched rows are
// the team's, the others new rows with new ids in the outbox as creates, and the old
// workspace holds only tombstones and no outbox.
func TestJoinMoves(t *testing.T) {
	f := newConnectFixture(t, nil)
	if _, err := f.team.CreateProject(f.ctx, f.owner, app.ProjectInput{Name: "Shared"}); err != nil {
		t.Fatal(err)
	}
	f.work("shared", 2)
	f.work("Mine", 1)
	plan, err := f.device.PlanConnect(f.ctx, f.sess, app.ConnectJoin, f.catalog())
	if err != nil {
		t.Fatal(err)
	}
	if plan.Entries != 3 || plan.Projects != (app.CatalogCounts{Matched: 1, Created: 1}) || !plan.Moves() {
		t.Fatalf("plan = %+v", plan)
	}
	if err := f.device.ConnectWorkspace(f.ctx, app.RemoteTokenFile(f.dir), "https://team.example", f.sess, plan); err != nil {
		t.Fatal(err)
	}
	st, err := f.device.SyncStatus(f.ctx, app.RemoteTokenFile(f.dir))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Connected || st.Pending != 4 || st.Cursor != 0 {
		t.Fatalf("sync state = %+v, want connected with 4 creates (Mine and 3 entries) waiting", st)
	}
	// Connected, the device's workspace is the team's: it is not joined or published again.
	for _, mode := range []app.ConnectMode{app.ConnectJoin, app.ConnectPublish} {
		if _, err := f.device.PlanConnect(f.ctx, f.sess, mode, f.catalog()); !errors.Is(err, app.ErrConflict) {
			t.Errorf("%s while connected = %v, want a conflict", mode, err)
		}
	}
	// The old workspace's rows are tombstones: its owner lists nothing.
	ps, err := f.device.Projects(f.ctx, f.local, app.ListParams{}, true)
	if err == nil && len(ps.Items) != 0 {
		t.Fatalf("the old workspace still lists %d projects", len(ps.Items))
	}
	team := app.Actor{TenantID: f.sess.Tenant.ID, OrgID: f.sess.Organization.ID, UserID: f.sess.User.ID, Role: app.RoleOwner}
	var entries []app.TimeEntry
	if err := f.device.Store().Read(f.ctx, func(tx app.Tx) error {
		var err error
		entries, err = tx.TimeEntries().List(f.ctx, team.Scope(), app.EntryFilter{Page: app.PageRequest{Limit: 10}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	shared := f.catalog().Projects[0].ID
	onShared := 0
	for _, e := range entries {
		if e.UserID != team.UserID {
			t.Errorf("moved entry belongs to %s, want the team's user", e.UserID)
		}
		if e.ProjectID != nil && *e.ProjectID == shared {
			onShared++
		}
	}
	if len(entries) != 3 || onShared != 2 {
		t.Fatalf("team scope holds %d entries, %d on the team's Shared; want 3 and 2", len(entries), onShared)
	}
}
