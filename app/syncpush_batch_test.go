package app_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// countingStore is a real store that counts the reads of memberships made through it.
type countingStore struct {
	app.UnitStore
	memberships atomic.Int64
}

func (s *countingStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.UnitStore.Write(ctx, func(tx app.Tx) error { return fn(countingTx{Tx: tx, s: s}) })
}

func (s *countingStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	return s.UnitStore.Read(ctx, func(tx app.Tx) error { return fn(countingTx{Tx: tx, s: s}) })
}

type countingTx struct {
	app.Tx
	s *countingStore
}

func (tx countingTx) Memberships() app.Memberships {
	return countingMemberships{Memberships: tx.Tx.Memberships(), s: tx.s}
}

type countingMemberships struct {
	app.Memberships
	s *countingStore
}

func (m countingMemberships) Get(ctx context.Context, sc app.Scope, userID uuid.UUID) (app.Membership, error) {
	m.s.memberships.Add(1)
	return m.Memberships.Get(ctx, sc, userID)
}

// TestPushReadsMembershipOncePerBatch: a batch reads the pushing user's membership once, in
// its transaction, and every mutation in it is decided with that role; the services used to
// read it again for each mutation, a statement per mutation. A role changed between two
// batches is the next batch's.
func TestPushReadsMembershipOncePerBatch(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{UnitStore: e.st}
	svc := app.New(cs, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	d := newDevice(t, "laptop", e.clock.Now())
	start := e.clock.Now().Add(-48 * time.Hour)
	var ms []app.Mutation
	for i := range 20 {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(30 * time.Minute)
		en := app.TimeEntry{ID: app.NewID(), StartedAt: from, StoppedAt: &to, Description: fmt.Sprint("entry ", i), Source: app.SourceManual}
		ms = append(ms, d.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, en))
	}
	project := app.Project{ID: app.NewID(), Name: "Members may not"}
	ms = append(ms, d.mutation(app.EntityProject, project.ID, app.OpUpsert, project))
	out, err := svc.Push(e.ctx, member, batch(ms...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out[:20] {
		wantOutcome(t, fmt.Sprint("entry ", i), o, app.MutationApplied, "")
	}
	wantOutcome(t, "a member's project", out[20], app.MutationRejected, app.RejectForbidden)
	if n := cs.memberships.Load(); n != 1 {
		t.Errorf("a batch of %d mutations read the membership %d times, want once", len(ms), n)
	}
	// Promoted between batches: the next batch decides with the new role.
	manager := app.RoleManager
	if _, err := e.svc.UpdateMember(e.ctx, owner, member.UserID, app.MemberPatch{Role: &manager}, 0); err != nil {
		t.Fatal(err)
	}
	project.ID = app.NewID()
	out, err = svc.Push(e.ctx, member, batch(d.mutation(app.EntityProject, project.ID, app.OpUpsert, project)))
	if err != nil {
		t.Fatal(err)
	}
	wantOutcome(t, "a manager's project", out[0], app.MutationApplied, "")
}
