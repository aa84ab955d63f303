package sync_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// A change the server rejects: the device converges to the server's row at once and keeps
// its own in the rejection (regressions found by the simulation, sim_test.go).

const memberEmail = "bo@example.com"

// newMemberDevice adds a member to the team and logs a new device in as them.
func newMemberDevice(t *testing.T, tm *team, node string) *device {
	t.Helper()
	ctx := context.Background()
	if _, err := tm.svc.AddMember(ctx, tm.owner, app.MemberInput{Email: memberEmail, Name: "Bo", Role: app.RoleMember,
		Password: ownerPassword}); err != nil {
		t.Fatal(err)
	}
	return loginMember(t, tm, node, nil)
}

// loginMember logs a new device in as the member; its first round goes through
// first(remote) when first is not nil.
func loginMember(t *testing.T, tm *team, node string, first func(app.SyncRemote) app.SyncRemote) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir, url: tm.url}
	sess, err := stintsync.Login(ctx, nil, tm.url, memberEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	if first == nil {
		d.sync()
	} else if _, err := d.svc.SyncRound(ctx, first(d.remote()), nil); err != nil {
		t.Fatalf("first round: %v", err)
	}
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRejectedRenameReverts (seed 18 of the first runs: "tag differs: name server T2,
// device T10"): a device renames a tag offline to a name the server has meanwhile given
// another tag; the server refuses, and the device shows the server's name at once, keeping
// its own in the rejection.
func TestRejectedRenameReverts(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	tag, err := d.svc.CreateTag(ctx, d.actor, app.TagInput{Name: "urgent"})
	if err != nil {
		t.Fatal(err)
	}
	d.sync()
	if _, err := tm.svc.CreateTag(ctx, tm.owner, app.TagInput{Name: "later"}); err != nil {
		t.Fatal(err)
	}
	name := "later"
	if _, err := d.svc.UpdateTag(ctx, d.actor, tag.ID, app.TagPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	rep, err := d.svc.SyncRound(ctx, pushOnly{d.remote()}, nil)
	if err != nil || rep.Rejected != 1 {
		t.Fatalf("round = %+v, %v; want the rename rejected", rep, err)
	}
	got, err := d.svc.Tag(ctx, d.actor, tag.ID)
	if err != nil || got.Name != "urgent" {
		t.Fatalf("device's tag after the rejection = %q, %v; want the server's name urgent before any pull", got.Name, err)
	}
	rs := d.status().Rejections
	if len(rs) != 1 || rs[0].Outcome != app.RejectionReverted || len(rs[0].Row) == 0 {
		t.Fatalf("rejections = %+v, want one, reverted, with the device's row", rs)
	}
	if d.status().Pending != 0 {
		t.Fatal("the reverted row went back into the outbox")
	}
}

// pushOnly is a remote whose pulls bring nothing, so what a push answer does is seen alone.
type pushOnly struct{ app.SyncRemote }

func (pushOnly) Pull(_ context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	return app.RemotePage{Rows: []app.RemoteRow{}, Cursor: in.Cursor, Head: in.Cursor}, nil
}

func promote(t *testing.T, tm *team, role app.Role) {
	t.Helper()
	ms, err := tm.svc.Members(context.Background(), tm.owner, app.ListParams{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms.Items {
		if m.Email == memberEmail {
			if _, err := tm.svc.UpdateMember(context.Background(), tm.owner, m.UserID, app.MemberPatch{Role: &role}, 0); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no member")
}

func (d *device) localActor() app.Actor {
	d.t.Helper()
	a, err := d.svc.LocalActor(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	return a
}

// TestRejectedCreateAndDeleteConverge: a project made offline by a demoted manager is
// refused and leaves the device (kept in the rejection); a project they deleted offline is
// refused and comes back.
func TestRejectedCreateAndDeleteConverge(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	kept, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	m := newMemberDevice(t, tm, "member")
	promote(t, tm, app.RoleManager)
	m.sync()
	made, err := m.svc.CreateProject(ctx, m.localActor(), app.ProjectInput{Name: "Made offline"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.svc.DeleteProject(ctx, m.localActor(), kept.ID, 0); err != nil {
		t.Fatal(err)
	}
	promote(t, tm, app.RoleMember)
	if rep := m.sync(); rep.Rejected != 2 {
		t.Fatalf("round = %+v, want both changes rejected", rep)
	}
	names := projectNames(t, m.svc, m.localActor())
	if _, ok := names[made.ID]; ok {
		t.Fatalf("device still lists the refused new project: %v", names)
	}
	if names[kept.ID] != "Kept" {
		t.Fatalf("device's projects = %v, want Kept back after its refused delete", names)
	}
	outcomes := map[uuid.UUID]string{}
	for _, r := range m.status().Rejections {
		outcomes[r.EntityID] = r.Outcome
	}
	if outcomes[made.ID] != app.RejectionRemoved || outcomes[kept.ID] != app.RejectionReverted {
		t.Fatalf("rejection outcomes = %v, want the new project removed and the deleted one reverted", outcomes)
	}
	if m.status().Pending != 0 {
		t.Fatal("the converged rows went back into the outbox")
	}
}

// TestRejectedRowThatCannotLandWaits: the server refuses the stop of a timer on a project
// deleted meanwhile, and answers with its entry still running; the device's new timer
// runs already, so its store refuses the answer's row. The row waits among the deferred
// rows instead of failing every round, and the pull brings the entry as the server
// stopped it when the new timer arrived.
func TestRejectedRowThatCannotLandWaits(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Soon gone"})
	if err != nil {
		t.Fatal(err)
	}
	d.sync()
	x, err := d.svc.StartTimer(ctx, d.actor, app.TimerStart{ProjectID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	d.sync()
	if err := tm.svc.DeleteProject(ctx, tm.owner, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	y, err := d.svc.StartTimer(ctx, d.actor, app.TimerStart{Description: "next"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := d.svc.SyncRound(ctx, d.remote(), nil)
	if err != nil {
		t.Fatalf("round: %v", err)
	}
	if rep.Rejected != 1 {
		t.Fatalf("round = %+v, want the stop on the deleted project rejected", rep)
	}
	got := entries(t, d.svc, d.actor)
	if got[x.ID].StoppedAt == nil || got[y.ID].StoppedAt != nil {
		t.Fatalf("device has X %+v and Y %+v; want X stopped (by the server) and Y running", got[x.ID], got[y.ID])
	}
	d.sync()
	var deferred string
	_ = d.svc.Store().Read(ctx, func(tx app.Tx) error {
		deferred, _ = tx.Device().Get(ctx, "sync.deferred")
		return nil
	})
	if deferred != "" {
		t.Fatalf("rows still deferred: %s", deferred)
	}
}
