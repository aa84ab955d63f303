package sync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// fastHasher keeps password hashing out of the tests' time.
var fastHasher = app.Argon2id{Memory: 64, Time: 1, Threads: 1}

const (
	ownerEmail    = "ada@example.com"
	ownerPassword = "correct horse battery"
)

// team is a team server in-process: real app services on a real SQLite file, behind the real
// HTTP server, reached through handler (which a test may wrap to inject faults).
type team struct {
	svc     *app.Service
	owner   app.Actor
	url     string
	base    http.Handler
	handler atomic.Pointer[http.Handler]
}

func newTeam(t *testing.T) *team {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tm := &team{svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: "server"})}
	sess, err := tm.svc.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada",
		Organization: "Team", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if tm.owner, err = tm.svc.Authenticate(ctx, sess.Token, nil); err != nil {
		t.Fatal(err)
	}
	h := server.New(tm.svc, server.Config{AllowSignup: true}).Handler()
	tm.base = h
	tm.handler.Store(&h)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*tm.handler.Load()).ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	tm.url = ts.URL
	return tm
}

// wrap puts a fault injector in front of the server's handler.
func (tm *team) wrap(f func(next http.Handler) http.Handler) {
	h := f(*tm.handler.Load())
	tm.handler.Store(&h)
}

// device is an installation with its own SQLite file, logged in to the team as the owner.
type device struct {
	t     *testing.T
	svc   *app.Service
	dir   string
	actor app.Actor
	url   string
}

func newDevice(t *testing.T, tm *team, node string) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir, url: tm.url}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	d.sync()
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatalf("after the first sync the device acts as the server's user: %v", err)
	}
	return d
}

func (d *device) remote() *stintsync.Remote {
	d.t.Helper()
	tok, err := app.RemoteTokenFile(d.dir).RemoteToken()
	if err != nil {
		d.t.Fatal(err)
	}
	r, err := stintsync.NewRemote(d.url, tok, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

// sync runs one round that must succeed.
func (d *device) sync() app.SyncReport {
	d.t.Helper()
	rep, err := d.svc.SyncRound(context.Background(), d.remote(), nil)
	if err != nil {
		d.t.Fatalf("sync: %v", err)
	}
	return rep
}

func (d *device) status() app.SyncState {
	d.t.Helper()
	st, err := d.svc.SyncStatus(context.Background(), app.RemoteTokenFile(d.dir))
	if err != nil {
		d.t.Fatal(err)
	}
	return st
}

func projectNames(t *testing.T, svc *app.Service, a app.Actor) map[uuid.UUID]string {
	t.Helper()
	ps, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) {
		return svc.Projects(context.Background(), a, lp, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for _, p := range ps {
		out[p.ID] = p.Name
	}
	return out
}

func entries(t *testing.T, svc *app.Service, a app.Actor) map[uuid.UUID]app.TimeEntry {
	t.Helper()
	es, err := app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return svc.TimeEntries(context.Background(), a, app.EntryQuery{ListParams: lp})
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]app.TimeEntry{}
	for _, e := range es {
		out[e.ID] = e
	}
	return out
}

func (d *device) addEntries(n int, project *uuid.UUID, desc string) {
	d.t.Helper()
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i := range n {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(30 * time.Minute)
		if _, err := d.svc.CreateTimeEntry(context.Background(), d.actor, app.TimeEntryInput{ProjectID: project,
			Description: desc, StartedAt: from, StoppedAt: &to}); err != nil {
			d.t.Fatal(err)
		}
	}
}

// TestTwoDevicesConverge: what A makes offline reaches B through the server, B's edit reaches
// A, ids are kept, and nothing pulled re-enters an outbox.
func TestTwoDevicesConverge(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")

	p, err := a.svc.CreateProject(ctx, a.actor, app.ProjectInput{Name: "Apollo", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	a.addEntries(3, &p.ID, "offline work")
	if got := a.status().Pending; got != 4 {
		t.Fatalf("A pending before sync = %d, want 4", got)
	}
	if rep := a.sync(); rep.Pushed != 4 || rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("A's round = %+v, want 4 pushed, none rejected or pending", rep)
	}

	b.sync()
	if got := projectNames(t, b.svc, b.actor); got[p.ID] != "Apollo" {
		t.Fatalf("B's projects = %v, want A's Apollo under its id", got)
	}
	if got := entries(t, b.svc, b.actor); len(got) != 3 {
		t.Fatalf("B has %d entries, want A's 3", len(got))
	}
	if got := b.status().Pending; got != 0 {
		t.Fatalf("B's outbox holds %d changes after a pull, want 0: pulled rows are not local changes", got)
	}

	name := "Apollo 2"
	if _, err := b.svc.UpdateProject(ctx, b.actor, p.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	b.sync()
	a.sync()
	if got := projectNames(t, a.svc, a.actor)[p.ID]; got != "Apollo 2" {
		t.Fatalf("A sees project %q, want B's edit Apollo 2", got)
	}
	if got := projectNames(t, tm.svc, tm.owner)[p.ID]; got != "Apollo 2" {
		t.Fatalf("server has project %q, want Apollo 2", got)
	}
	if got := a.status(); got.Pending != 0 || got.LastSuccess == nil || got.LastError != "" || !got.Connected {
		t.Fatalf("A's status = %+v, want connected, synced, nothing pending", got)
	}
}

// TestRejectionKept: a change the server refuses (its project was deleted meanwhile) leaves
// the outbox and is kept with its reason.
func TestRejectionKept(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	p, err := a.svc.CreateProject(ctx, a.actor, app.ProjectInput{Name: "Gone soon"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	if err := a.svc.DeleteProject(ctx, a.actor, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.addEntries(1, &p.ID, "on a deleted project") // B has not heard of the delete
	rep := b.sync()
	if rep.Rejected != 1 || rep.Pending != 0 {
		t.Fatalf("B's round = %+v, want 1 rejected and nothing pending", rep)
	}
	st := b.status()
	if len(st.Rejections) != 1 || st.Rejections[0].Entity != app.EntityTimeEntry || st.Rejections[0].Reason == "" || st.Rejections[0].Message == "" {
		t.Fatalf("B keeps rejections %+v, want the entry's with a reason and message", st.Rejections)
	}
	if _, ok := projectNames(t, b.svc, b.actor)[p.ID]; ok {
		t.Fatal("B still lists the project deleted on A after pulling its tombstone")
	}
}

// TestInterruptedRoundConverges: the server applies a batch but its answer is lost (503,
// then a dropped connection); the round fails, and the next one converges with no entry
// twice on the server or on the other device.
func TestInterruptedRoundConverges(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	a.addEntries(12, nil, "batched")

	var pushes atomic.Int32
	tm.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/sync/push" {
				next.ServeHTTP(w, r)
				return
			}
			n := pushes.Add(1)
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r) // the server applies and commits the batch ...
			switch n {
			case 1: // ... but the answer is a 503
				http.Error(w, "busy", http.StatusServiceUnavailable)
			default: // ... or never arrives
				panic(http.ErrAbortHandler)
			}
		})
	})
	_, err := a.svc.SyncRound(context.Background(), a.remote(), nil)
	if !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("interrupted round: err = %v, want ErrUnavailable", err)
	}
	if pushes.Load() != 2 {
		t.Fatalf("pushes = %d, want 2 (the full batch, then half of it after the 503)", pushes.Load())
	}
	if st := a.status(); st.Pending != 12 || st.LastError == "" {
		t.Fatalf("after the failed round A's status = %+v, want 12 pending and the error", st)
	}
	tm.wrap(func(http.Handler) http.Handler { return tm.plain() })
	if rep := a.sync(); rep.Pending != 0 || rep.Rejected != 0 {
		t.Fatalf("retried round = %+v, want everything acknowledged", rep)
	}
	if st := a.status(); st.LastError != "" {
		t.Fatalf("a successful round keeps the old error %q", st.LastError)
	}
	b.sync()
	if got := len(entries(t, tm.svc, tm.owner)); got != 12 {
		t.Fatalf("server has %d entries, want 12 (no duplicates)", got)
	}
	if got := len(entries(t, b.svc, b.actor)); got != 12 {
		t.Fatalf("B has %d entries, want 12", got)
	}
}

// plain is the server without fault injection.
func (tm *team) plain() http.Handler { return tm.base }

// midRound is a remote that lets the user make a local change after the round pushed and
// before it pulls.
type midRound struct {
	app.SyncRemote
	before func()
}

func (m *midRound) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if m.before != nil {
		m.before()
		m.before = nil
	}
	return m.SyncRemote.Pull(ctx, in)
}

// TestPullKeepsPendingChange: a row changed locally while a round runs is not overwritten by
// the server's older copy in the pull (read-your-writes); the next round pushes it.
func TestPullKeepsPendingChange(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	p, err := a.svc.CreateProject(ctx, a.actor, app.ProjectInput{Name: "First"})
	if err != nil {
		t.Fatal(err)
	}
	r := &midRound{SyncRemote: a.remote(), before: func() {
		name := "Typed during the round"
		if _, err := a.svc.UpdateProject(ctx, a.actor, p.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
			t.Error(err)
		}
	}}
	if _, err := a.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if got := projectNames(t, a.svc, a.actor)[p.ID]; got != "Typed during the round" {
		t.Fatalf("after the pull A shows %q, want its own pending edit", got)
	}
	if got := a.status().Pending; got != 1 {
		t.Fatalf("A pending = %d, want the edit made during the round", got)
	}
	a.sync()
	if got := projectNames(t, tm.svc, tm.owner)[p.ID]; got != "Typed during the round" {
		t.Fatalf("server has %q, want the edit pushed by the next round", got)
	}
}

// smallPages is a remote that asks for pages of one row.
type smallPages struct{ app.SyncRemote }

func (p smallPages) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	in.Limit = 1
	return p.SyncRemote.Pull(ctx, in)
}

// TestPullRowBeforeItsReferent: a project arrives a page before its client (the client was
// renamed after the project was made, so it comes at a later version); the project waits
// for it instead of failing the round, and both end up on the device.
func TestPullRowBeforeItsReferent(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	c, err := tm.svc.CreateClient(ctx, tm.owner, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Rocket", ClientID: &c.ID})
	if err != nil {
		t.Fatal(err)
	}
	name := "Acme Corp"
	if _, err := tm.svc.UpdateClient(ctx, tm.owner, c.ID, app.ClientPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.SyncRound(ctx, smallPages{d.remote()}, nil); err != nil {
		t.Fatalf("a page naming a row of a later page fails the round: %v", err)
	}
	got, err := d.svc.Project(ctx, d.actor, p.ID)
	if err != nil || got.ClientID == nil || *got.ClientID != c.ID {
		t.Fatalf("device project = %+v, %v; want Rocket for Acme", got, err)
	}
}
