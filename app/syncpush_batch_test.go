package app_test

import (
	"context"
	"errors"
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

// writeCountingStore is a real store that counts the writes made through it, and can fail
// the first write that inserted at least failAt entries after its function ran (the write
// rolls back), as PostgreSQL does when a write queued for the release of a savepoint is
// refused there.
type writeCountingStore struct {
	app.UnitStore
	writes  atomic.Int64
	failAt  int
	failed  atomic.Bool
	entries atomic.Int64 // entries inserted in the write under way
}

var errInjectedFlush = errors.New("a queued write was refused")

func (s *writeCountingStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	s.writes.Add(1)
	return s.UnitStore.Write(ctx, func(tx app.Tx) error {
		s.entries.Store(0)
		if err := fn(entryCountingTx{Tx: tx, s: s}); err != nil {
			return err
		}
		if s.failAt > 0 && int(s.entries.Load()) >= s.failAt && s.failed.CompareAndSwap(false, true) {
			return errInjectedFlush
		}
		return nil
	})
}

type entryCountingTx struct {
	app.Tx
	s *writeCountingStore
}

func (tx entryCountingTx) TimeEntries() app.TimeEntries {
	return entryCountingEntries{TimeEntries: tx.Tx.TimeEntries(), s: tx.s}
}

type entryCountingEntries struct {
	app.TimeEntries
	s *writeCountingStore
}

func (e entryCountingEntries) Insert(ctx context.Context, sc app.Scope, en app.TimeEntry) error {
	e.s.entries.Add(1)
	return e.TimeEntries.Insert(ctx, sc, en)
}

// stoppedEntries makes n mutations creating finished entries, an hour apart.
func stoppedEntries(d *device, start time.Time, n int, what string) []app.Mutation {
	var ms []app.Mutation
	for i := range n {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(30 * time.Minute)
		en := app.TimeEntry{ID: app.NewID(), StartedAt: from, StoppedAt: &to, Description: fmt.Sprint(what, " ", i), Source: app.SourceManual}
		ms = append(ms, d.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, en))
	}
	return ms
}

// TestPushAppliesInGroups: the mutations of a batch are applied several to a store write (a
// group), not one write each: on PostgreSQL each write of a unit costs a round trip, on
// SQLite a trip to the writer goroutine. A batch of 40 creates used to take 42 writes.
func TestPushAppliesInGroups(t *testing.T) {
	e := newEnv(t)
	cs := &writeCountingStore{UnitStore: e.st}
	svc := app.New(cs, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	owner, _ := e.signup()
	d := newDevice(t, "laptop", e.clock.Now())
	ms := stoppedEntries(d, e.clock.Now().Add(-60*time.Hour), 40, "entry")
	before := cs.writes.Load()
	out, err := svc.Push(e.ctx, owner, batch(ms...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		wantOutcome(t, fmt.Sprint("entry ", i), o, app.MutationApplied, "")
	}
	if n := cs.writes.Load() - before; n > 3 {
		t.Errorf("a batch of %d creates took %d store writes, want at most 3 (the lookup, one group, the outcomes)", len(ms), n)
	}
	if got := len(must[[]app.TimeEntry](t)(app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return e.svc.TimeEntries(e.ctx, owner, app.EntryQuery{ListParams: lp})
	}))); got != len(ms) {
		t.Errorf("the server has %d entries, want %d", got, len(ms))
	}
}

// TestPushGroupStoppedByRejection: a rejected mutation inside a group leaves every outcome
// as if each mutation had been applied on its own: those before and after it applied, its
// own rejected with nothing of it kept, and the rest still applied in groups.
func TestPushGroupStoppedByRejection(t *testing.T) {
	e := newEnv(t)
	cs := &writeCountingStore{UnitStore: e.st}
	svc := app.New(cs, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	d := newDevice(t, "laptop", e.clock.Now())
	start := e.clock.Now().Add(-60 * time.Hour)
	project := app.Project{ID: app.NewID(), Name: "Members may not"}
	missing := app.NewID()
	to := start.Add(-time.Hour)
	orphan := app.TimeEntry{ID: app.NewID(), StartedAt: start.Add(-2 * time.Hour), StoppedAt: &to, ProjectID: &missing, Source: app.SourceManual}
	var ms []app.Mutation
	ms = append(ms, stoppedEntries(d, start, 5, "first")...)
	ms = append(ms, d.mutation(app.EntityProject, project.ID, app.OpUpsert, project))
	ms = append(ms, stoppedEntries(d, start.Add(10*time.Hour), 5, "second")...)
	ms = append(ms, d.mutation(app.EntityTimeEntry, orphan.ID, app.OpUpsert, orphan))
	ms = append(ms, stoppedEntries(d, start.Add(20*time.Hour), 20, "third")...)
	before := cs.writes.Load()
	out, err := svc.Push(e.ctx, member, batch(ms...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		switch i {
		case 5:
			wantOutcome(t, "a member's project", o, app.MutationRejected, app.RejectForbidden)
		case 11:
			wantOutcome(t, "an entry of a missing project", o, app.MutationRejected, app.RejectInvalid)
		default:
			wantOutcome(t, fmt.Sprint("mutation ", i), o, app.MutationApplied, "")
		}
	}
	entries := must[[]app.TimeEntry](t)(app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return e.svc.TimeEntries(e.ctx, member, app.EntryQuery{ListParams: lp})
	}))
	if len(entries) != 30 {
		t.Errorf("the server has %d of the member's entries, want 30", len(entries))
	}
	for _, en := range entries {
		if en.ID == orphan.ID {
			t.Error("the rejected entry was kept")
		}
		if n := e.audits(owner, en.ID); n != 1 {
			t.Errorf("entry %q has %d audit rows, want 1", en.Description, n)
		}
	}
	if _, err := e.svc.Project(e.ctx, owner, project.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the rejected project: %v, want not found", err)
	}
	// The lookup, the outcomes, and per rejection: the group it stopped, the group before
	// it again, the rejected one on its own; then the last group.
	if n := cs.writes.Load() - before; n > 9 {
		t.Errorf("the batch took %d store writes, want at most 9", n)
	}
}

// TestPushGroupWriteFails: a group whose write fails as a whole (a write queued for the
// release of its savepoint is refused there, on PostgreSQL) is applied again one mutation
// at a time, and every mutation is answered once.
func TestPushGroupWriteFails(t *testing.T) {
	e := newEnv(t)
	cs := &writeCountingStore{UnitStore: e.st, failAt: 2}
	svc := app.New(cs, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	owner, _ := e.signup()
	d := newDevice(t, "laptop", e.clock.Now())
	ms := stoppedEntries(d, e.clock.Now().Add(-60*time.Hour), 10, "entry")
	out, err := svc.Push(e.ctx, owner, batch(ms...))
	if err != nil {
		t.Fatal(err)
	}
	if !cs.failed.Load() {
		t.Fatal("no write of several entries was made")
	}
	for i, o := range out {
		wantOutcome(t, fmt.Sprint("entry ", i), o, app.MutationApplied, "")
	}
	entries := must[[]app.TimeEntry](t)(app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return e.svc.TimeEntries(e.ctx, owner, app.EntryQuery{ListParams: lp})
	}))
	if len(entries) != len(ms) {
		t.Errorf("the server has %d entries, want %d", len(entries), len(ms))
	}
	for _, en := range entries {
		if n := e.audits(owner, en.ID); n != 1 {
			t.Errorf("entry %q has %d audit rows, want 1", en.Description, n)
		}
	}
}
