package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// Pulled rows the device's store cannot take as they come, and pulls after the user's
// visibility changed (regressions found by the simulation, sim_test.go).

// TestPulledRunningEntryWaitsForTheStop (seed 6: "time_entry is on the server, missing on
// the device"): B's timer stops A's on the server, then A's stopped entry is edited there,
// so a pull brings B's running entry before A's stop. The device's store refuses a second
// running entry; the entry waits for the stop instead of being skipped for good.
func TestPulledRunningEntryWaitsForTheStop(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	x, err := a.svc.StartTimer(ctx, a.actor, app.TimerStart{Description: "on A"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	time.Sleep(2 * time.Millisecond) // B's start stamps after A's
	y, err := b.svc.StartTimer(ctx, b.actor, app.TimerStart{Description: "on B"})
	if err != nil {
		t.Fatal(err)
	}
	b.sync() // B's own running entry was X: its start stopped it locally too
	desc := "on A, edited"
	if _, err := tm.svc.UpdateTimeEntry(ctx, tm.owner, x.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.SyncRound(ctx, smallPages{a.remote()}, nil); err != nil {
		t.Fatal(err)
	}
	got := entries(t, a.svc, a.actor)
	if _, ok := got[y.ID]; !ok {
		t.Fatal("A never took B's running entry")
	}
	if got[x.ID].StoppedAt == nil || got[y.ID].StoppedAt != nil || got[x.ID].Description != desc {
		t.Fatalf("A has X %+v and Y %+v; want X stopped and edited, Y running", got[x.ID], got[y.ID])
	}
}

// TestRoleChangeResyncs (seed 10: "time_entry is on the server, missing on the device",
// then "live on the device but not on the server"): a member promoted to manager sees the
// team's entries made before the promotion, and demoted again no longer holds them.
func TestRoleChangeResyncs(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	theirs, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "owner's",
		StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
	if err != nil {
		t.Fatal(err)
	}
	m.addEntries(1, nil, "member's")
	m.sync()
	if _, ok := entries(t, m.svc, m.localActor())[theirs.ID]; ok {
		t.Fatal("a member's device holds the owner's entry")
	}
	promote(t, tm, app.RoleManager)
	m.sync()
	if got := entries(t, m.svc, m.localActor()); len(got) != 2 {
		t.Fatalf("promoted, the device has %d entries, want the member's and the owner's", len(got))
	}
	promote(t, tm, app.RoleMember)
	m.sync()
	got := entries(t, m.svc, m.localActor())
	if _, ok := got[theirs.ID]; ok || len(got) != 1 {
		t.Fatalf("demoted, the device still has %d entries (owner's among them: %v), want only the member's", len(got), ok)
	}
	if m.status().Pending != 0 {
		t.Fatal("dropping rows no longer visible went into the outbox")
	}
	// Promoted again, the entries dropped before come back over the device's tombstones.
	promote(t, tm, app.RoleManager)
	m.sync()
	if got := entries(t, m.svc, m.localActor()); len(got) != 2 {
		t.Fatalf("promoted again, the device has %d entries, want the member's and the owner's", len(got))
	}
}

// holdFirstPush is a remote whose first push is held back in the network: the device
// times out, and the test delivers the batch later.
type holdFirstPush struct {
	app.SyncRemote
	held *app.PushBatch
}

func (h *holdFirstPush) Push(ctx context.Context, b app.PushBatch) ([]app.MutationOutcome, error) {
	if h.held == nil {
		h.held = &b
		return nil, app.ErrUnavailable
	}
	return h.SyncRemote.Push(ctx, b)
}

// TestLateCreateOverLocalDelete (seed 201: "live on the server, a tombstone on the device",
// and the row deferred for ever): an entry made offline is pushed, the push is held up in
// the network, the user deletes the entry, and the delete reaches the server first, which
// refuses it (no such row). Then the held create arrives. The device's tombstone gives way
// to the server's live row at the next pull.
func TestLateCreateOverLocalDelete(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	d.addEntries(1, nil, "made offline")
	var id uuid.UUID
	for k := range entries(t, d.svc, d.actor) {
		id = k
	}
	r := &holdFirstPush{SyncRemote: d.remote()}
	if _, err := d.svc.SyncRound(ctx, r, nil); err == nil {
		t.Fatal("the held push did not fail the round")
	}
	if err := d.svc.DeleteTimeEntry(ctx, d.actor, id, 0); err != nil {
		t.Fatal(err)
	}
	if rep, err := d.svc.SyncRound(ctx, r, nil); err != nil || rep.Rejected != 1 {
		t.Fatalf("round = %+v, %v; want the delete of a row the server lacks rejected", rep, err)
	}
	if _, err := d.remote().Push(ctx, *r.held); err != nil { // the held create arrives
		t.Fatal(err)
	}
	d.sync()
	if _, ok := entries(t, d.svc, d.actor)[id]; !ok {
		t.Fatal("the device keeps its tombstone of an entry live on the server")
	}
	var deferred string
	_ = d.svc.Store().Read(ctx, func(tx app.Tx) error {
		deferred, _ = tx.Device().Get(ctx, "sync.deferred")
		return nil
	})
	if deferred != "" {
		t.Fatalf("rows still deferred: %s", deferred)
	}
}

// failAfterPulls is a remote whose pulls fail after the first n.
type failAfterPulls struct {
	app.SyncRemote
	n int
}

func (f *failAfterPulls) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if f.n == 0 {
		return app.RemotePage{}, app.ErrUnavailable
	}
	f.n--
	in.Limit = 1
	return f.SyncRemote.Pull(ctx, in)
}

// TestPromotedAndDemotedBetweenRounds (seed 845): a member is promoted; the device pulls
// one page, the owner's entry, then loses the server before its membership row arrives;
// the member is demoted again. The membership the device then pulls has the role the
// device already shows, but a newer version: the device resyncs and drops the entry it
// pulled while the member was a manager.
func TestPromotedAndDemotedBetweenRounds(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	theirs, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "owner's",
		StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
	if err != nil {
		t.Fatal(err)
	}
	promote(t, tm, app.RoleManager)
	if _, err := m.svc.SyncRound(ctx, &failAfterPulls{SyncRemote: m.remote(), n: 1}, nil); err == nil {
		t.Fatal("the round did not fail")
	}
	if !m.holds(theirs.ID) {
		t.Fatal("setup: the first page did not bring the owner's entry")
	}
	promote(t, tm, app.RoleMember)
	m.sync()
	if m.holds(theirs.ID) {
		t.Fatal("demoted again, the device still holds the owner's entry")
	}
}

// holds reports whether the device's store has a live entry with the id, whoever's it is
// (the services show a member only their own).
func (d *device) holds(id uuid.UUID) bool {
	d.t.Helper()
	a := d.localActor()
	var found bool
	err := d.svc.Store().Read(context.Background(), func(tx app.Tx) error {
		_, err := tx.TimeEntries().Get(context.Background(), a.Scope(), id)
		found = err == nil
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return found
}

// cutAfterResyncBrings is a remote that pulls pages of one row and loses the server once a
// pull of a resync has brought the row with the given id: the resync is cut short with
// that row written again and the head not reached.
type cutAfterResyncBrings struct {
	app.SyncRemote
	id  uuid.UUID
	cut bool
}

func (c *cutAfterResyncBrings) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if c.cut {
		return app.RemotePage{}, app.ErrUnavailable
	}
	in.Limit = 1
	p, err := c.SyncRemote.Pull(ctx, in)
	for _, r := range p.Rows {
		if in.Resync && r.ID == c.id {
			c.cut = true
		}
	}
	return p, err
}

// TestDemotedDuringAResync (seeds 1708, 3331, 5131, 6259, 6625 and 6979 of ten thousand:
// "time_entry is live on the device but not on the server (for this user)"): a member is
// promoted; the device's round pulls the promotion and starts a resync from 0, which brings
// the owner's entry again and is cut short before the head. The member is demoted. The
// next round sees the demotion and pulls from 0 once more: the entry the cut resync wrote
// is not among what that pull brings, and is dropped with the rest it does not bring.
func TestDemotedDuringAResync(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	theirs, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "owner's",
		StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
	if err != nil {
		t.Fatal(err)
	}
	m.addEntries(1, nil, "member's")
	m.sync()
	promote(t, tm, app.RoleManager)
	cut := &cutAfterResyncBrings{SyncRemote: m.remote(), id: theirs.ID}
	if _, err := m.svc.SyncRound(ctx, cut, nil); err == nil {
		t.Fatal("the round did not fail")
	}
	if !cut.cut || !m.holds(theirs.ID) {
		t.Fatal("setup: the resync did not bring the owner's entry before it was cut")
	}
	promote(t, tm, app.RoleMember)
	m.sync()
	if m.holds(theirs.ID) {
		t.Fatal("demoted during a resync, the device still holds the owner's entry")
	}
	if got := entries(t, m.svc, m.localActor()); len(got) != 1 {
		t.Fatalf("the device has %d entries of its own, want the member's one", len(got))
	}
	if m.status().Pending != 0 {
		t.Fatal("dropping rows no longer visible went into the outbox")
	}
}

// TestAddedToASecondOrganization: a member's device has pulled past the rows of an
// organization the member did not belong to; once added to it, the device gets that
// organization's rows made before (its membership, never seen, starts a resync), and a
// device of a user already in both organizations pulls them the first time without going
// back to 0.
func TestAddedToASecondOrganization(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	org2, err := tm.svc.CreateOrganization(ctx, tm.owner, app.OrganizationInput{Name: "Second", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	owner2 := tm.owner
	owner2.OrgID = org2.ID
	mars, err := tm.svc.CreateProject(ctx, owner2, app.ProjectInput{Name: "Mars"})
	if err != nil {
		t.Fatal(err)
	}
	m.addEntries(1, nil, "member's") // moves the head past the project for the member too
	m.sync()
	member2 := m.localActor()
	member2.OrgID, member2.Role = org2.ID, app.RoleMember
	if _, err := m.svc.Project(ctx, member2, mars.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("before joining, the device has the second organization's project: %v", err)
	}
	if _, err := tm.svc.AddMember(ctx, owner2, app.MemberInput{Email: memberEmail, Role: app.RoleMember}); err != nil {
		t.Fatal(err)
	}
	m.sync()
	if got, err := m.svc.Project(ctx, member2, mars.ID); err != nil || got.Name != "Mars" {
		t.Fatalf("added to the second organization, the device has its project %+v, %v; want Mars", got, err)
	}
	if m.status().Pending != 0 {
		t.Fatal("the resync went into the outbox")
	}

	// A fresh device of the member, pulling a page at a time: the membership in the
	// second organization comes on a later page than the first, read with it all along.
	var from0 atomic.Int32
	fresh := loginMember(t, tm, "member-fresh", func(r app.SyncRemote) app.SyncRemote {
		return countFrom0{SyncRemote: smallPages{r}, n: &from0}
	})
	if got, err := fresh.svc.Project(ctx, member2, mars.ID); err != nil || got.Name != "Mars" {
		t.Fatalf("a fresh device has the second organization's project %+v, %v; want Mars", got, err)
	}
	if n := from0.Load(); n != 1 {
		t.Fatalf("a fresh device pulled from 0 %d times, want once", n)
	}

	// Removed from it again, the member's devices drop its rows: the removal (a membership
	// in an organization the user no longer sees) still reaches them.
	if err := tm.svc.RemoveMember(ctx, owner2, m.actor.UserID, 0); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{m, fresh} {
		d.sync()
		if _, err := d.svc.Project(ctx, member2, mars.ID); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("removed from the second organization, a device still has its project: %v", err)
		}
	}
}

// TestAddedAndRemovedBetweenRounds: a member added to another organization and removed
// again before their device pulled anything of it: the device gets the removal of a
// membership in an organization it never held, keeps nothing of it, nothing waits among
// its deferred rows, and its pull does not go back to 0.
func TestAddedAndRemovedBetweenRounds(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	m := newMemberDevice(t, tm, "member")
	org2, err := tm.svc.CreateOrganization(ctx, tm.owner, app.OrganizationInput{Name: "Second", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	owner2 := tm.owner
	owner2.OrgID = org2.ID
	if _, err := tm.svc.AddMember(ctx, owner2, app.MemberInput{Email: memberEmail, Role: app.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if err := tm.svc.RemoveMember(ctx, owner2, m.actor.UserID, 0); err != nil {
		t.Fatal(err)
	}
	var from0 atomic.Int32
	for range 2 {
		if _, err := m.svc.SyncRound(ctx, countFrom0{SyncRemote: m.remote(), n: &from0}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := from0.Load(); n != 0 {
		t.Fatalf("the device pulled from 0 %d times, want never", n)
	}
	if st := m.status(); len(st.Deferred) != 0 || st.Pending != 0 {
		t.Fatalf("status %+v, want nothing deferred or pending", st)
	}
}

// countFrom0 is a remote that counts the pulls from cursor 0.
type countFrom0 struct {
	app.SyncRemote
	n *atomic.Int32
}

func (c countFrom0) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if in.Cursor == 0 {
		c.n.Add(1)
	}
	return c.SyncRemote.Pull(ctx, in)
}

// TestDeferredRowSetAsideAtLast: a pulled entry names a project the device never receives
// (not the user's to see, or gone). It waits among the deferred rows while pulls reach
// the server's head; after the third, it is set aside: it leaves the deferred rows and is
// kept among the notices the user sees, with why and the row as it came, never dropped
// silently. A later pull that brings the row in a form the device can take applies it.
func TestDeferredRowSetAsideAtLast(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	from := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	e, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "orphan", StartedAt: from, StoppedAt: &to})
	if err != nil {
		t.Fatal(err)
	}
	orphan := e
	missing := app.NewID()
	orphan.ProjectID = &missing
	row, err := json.Marshal(orphan)
	if err != nil {
		t.Fatal(err)
	}
	head := d.status().Cursor + 1000
	r := &pagesRemote{SyncRemote: d.remote(), head: head, pages: []app.RemotePage{{
		Rows: []app.RemoteRow{{Kind: app.SyncTimeEntry, ID: e.ID, Version: head, HLC: e.HLC, Row: row}}, Cursor: head, Head: head}}}
	setAside := func() []app.SyncRejection {
		var out []app.SyncRejection
		for _, rj := range d.status().Rejections {
			if rj.EntityID == e.ID {
				out = append(out, rj)
			}
		}
		return out
	}
	for round := 1; round <= 3; round++ {
		if _, err := d.svc.SyncRound(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		st := d.status()
		if round < 3 {
			if len(st.Deferred) != 1 || len(setAside()) != 0 {
				t.Fatalf("round %d: deferred %+v, notices %+v; want the entry waiting", round, st.Deferred, setAside())
			}
			continue
		}
		if len(st.Deferred) != 0 {
			t.Fatalf("round %d: still deferred %+v", round, st.Deferred)
		}
		got := setAside()
		if len(got) != 1 || got[0].Reason != app.RejectNotApplied || got[0].Outcome != app.RejectionSetAside ||
			!strings.Contains(got[0].Message, "set aside") || !jsonEqual(got[0].Row, row) {
			t.Fatalf("round %d: notices %+v, want the entry set aside with its row", round, got)
		}
	}
	if _, ok := entries(t, d.svc, d.actor)[e.ID]; ok {
		t.Fatal("the set-aside entry is on the device")
	}

	// The row comes again, at a later version, in a form the device can take.
	desc := "edited"
	edited, err := tm.svc.UpdateTimeEntry(ctx, tm.owner, e.ID, app.TimeEntryPatch{Description: &desc}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if row, err = json.Marshal(edited); err != nil {
		t.Fatal(err)
	}
	r.head++
	r.pages = []app.RemotePage{{Rows: []app.RemoteRow{{Kind: app.SyncTimeEntry, ID: e.ID, Version: r.head, HLC: edited.HLC, Row: row}},
		Cursor: r.head, Head: r.head}}
	if _, err := d.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, d.svc, d.actor)[e.ID]; got.Description != desc || len(d.status().Deferred) != 0 {
		t.Fatalf("the entry pulled again: %+v, deferred %+v", got, d.status().Deferred)
	}
}
