package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestWriteRetriesDeadlock: two writes take two rows in opposite orders, so PostgreSQL
// aborts one of them as a deadlock; Write runs that one again and both succeed.
func TestWriteRetriesDeadlock(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	if err := st.Write(ctx, func(tx app.Tx) error {
		return errorsJoin(tx.Device().Put(ctx, "a", "0"), tx.Device().Put(ctx, "b", "0"))
	}); err != nil {
		t.Fatal(err)
	}
	var both sync.WaitGroup
	both.Add(2)
	var attempts atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, keys := range [][2]string{{"a", "b"}, {"b", "a"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			errs[i] = st.Write(ctx, func(tx app.Tx) error {
				attempts.Add(1)
				if err := tx.Device().Put(ctx, keys[0], "1"); err != nil {
					return err
				}
				if first { // both hold their first row before either asks for its second
					first = false
					both.Done()
					both.Wait()
				}
				return tx.Device().Put(ctx, keys[1], "1")
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if attempts.Load() < 3 {
		t.Errorf("%d attempts, want 3: the write PostgreSQL aborted as a deadlock runs again", attempts.Load())
	}
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestWriteSlots: at most WriteSlots write transactions run at once, however many callers
// and pooled connections there are; the others wait for a slot and then all complete. (Past
// a few per core, more concurrent writers only add PostgreSQL's cost of their shared locks
// on the tenant row; see writeSlots.)
func TestWriteSlots(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	slots := postgres.WriteSlotsForTest()
	var inside, most atomic.Int32
	full := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	errs := make(chan error, 3*slots)
	for range 3 * slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.Write(ctx, func(tx app.Tx) error {
				n := inside.Add(1)
				defer inside.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				if n >= int32(slots) {
					once.Do(func() { close(full) })
				}
				<-full
				// Give writers past the slots the time to come in, were they let in.
				time.Sleep(20 * time.Millisecond)
				return tx.Device().Put(ctx, "k", "v")
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := most.Load(); got != int32(slots) {
		t.Errorf("%d write transactions at once, want %d (the slots)", got, slots)
	}
}

// stoppedEntry is a stopped entry of the actor's, i hours into 2025.
func stoppedEntry(a app.Actor, i int) app.TimeEntry {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	stop := start.Add(30 * time.Minute)
	return app.TimeEntry{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
		StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual, TagIDs: []uuid.UUID{},
		Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: app.NewHLC(app.SystemClock{}, "test").Now()}}
}

// signedUp is a fresh store with one tenant and its owner, as an actor.
func signedUp(t *testing.T) (*postgres.Store, app.Actor) {
	t.Helper()
	st := open(t)
	t.Cleanup(func() { st.Close() })
	_, a := signUp(t, st, "lock@example.com")
	return st, a
}

// TestStoppedEntryHoldsNoLockUntilCommit: a stopped entry's insert goes out with its
// transaction's COMMIT, so the tenant's counter (whose lock every writer of the tenant
// queues on) is not held while the transaction is still open: a second writer of the same
// tenant commits while the first, past its insert, waits for it. Were the insert sent when
// made, the second writer would wait for the first's commit, and the first for the second.
func TestStoppedEntryHoldsNoLockUntilCommit(t *testing.T) {
	st, a := signedUp(t)
	ctx := context.Background()
	inserted, second := make(chan struct{}), make(chan error, 1)
	go func() {
		<-inserted
		second <- st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, a.Scope(), stoppedEntry(a, 2)) })
	}()
	err := st.Write(ctx, func(tx app.Tx) error {
		if err := tx.TimeEntries().Insert(ctx, a.Scope(), stoppedEntry(a, 1)); err != nil {
			return err
		}
		close(inserted)
		select {
		case err := <-second:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("the second writer is still waiting: the first holds the tenant's lock before its commit")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.Read(ctx, func(tx app.Tx) error {
		got, err := tx.TimeEntries().List(ctx, a.Scope(), app.EntryFilter{Page: app.PageRequest{Limit: 10}})
		n = len(got)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d entries, want both", n)
	}
}

// TestLateInsertFailure: a stopped entry's insert that the database refuses at the commit
// (its id is taken) fails the whole Write as ErrConflict, and nothing of it is kept: not the
// entry, nor the audit row queued after it.
func TestLateInsertFailure(t *testing.T) {
	st, a := signedUp(t)
	ctx := context.Background()
	e := stoppedEntry(a, 1)
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, a.Scope(), e) }); err != nil {
		t.Fatal(err)
	}
	audits := func() int {
		var n int
		if err := st.Read(ctx, func(tx app.Tx) error {
			got, err := tx.Audit().List(ctx, a.Scope(), app.PageRequest{Limit: 100})
			n = len(got)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := audits()
	dup := stoppedEntry(a, 2)
	dup.ID = e.ID
	err := st.Write(ctx, func(tx app.Tx) error {
		if err := tx.TimeEntries().Insert(ctx, a.Scope(), dup); err != nil {
			return err
		}
		return tx.Audit().Append(ctx, a.Scope(), app.AuditEntry{ID: app.NewID(), TenantID: a.TenantID, Action: "time_entry.create",
			Entity: "time_entry", EntityID: dup.ID, At: time.Now()})
	})
	if !errors.Is(err, app.ErrConflict) {
		t.Fatalf("duplicate id: %v, want ErrConflict", err)
	}
	if got := audits(); got != before {
		t.Errorf("%d audit rows after the failed write, want %d", got, before)
	}
	if err := st.Read(ctx, func(tx app.Tx) error {
		got, err := tx.TimeEntries().Get(ctx, a.Scope(), e.ID)
		if err == nil && !got.StartedAt.Equal(e.StartedAt) {
			err = fmt.Errorf("entry starts at %v, want the first insert's %v", got.StartedAt, e.StartedAt)
		}
		return err
	}); err != nil {
		t.Error(err)
	}
}

// TestUserReadAhead: a membership's read brings its user along (memberships.Get), and a
// users.Get later in the transaction takes that copy only while nothing was written since;
// a unit's savepoint rolled back drops it too, since what it read may have been the
// savepoint's own write.
func TestUserReadAhead(t *testing.T) {
	st, a := signedUp(t)
	ctx := context.Background()
	sc := a.Scope()
	rename := func(tx app.Tx, name string) error {
		u, err := tx.Users().Get(ctx, sc, a.UserID)
		if err != nil {
			return err
		}
		prev := u.Version
		u.Name, u.Version = name, u.Version+1
		return tx.Users().Update(ctx, sc, u, prev)
	}
	name := func(tx app.Tx) string {
		t.Helper()
		u, err := tx.Users().Get(ctx, sc, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		return u.Name
	}
	if err := st.Write(ctx, func(tx app.Tx) error {
		if _, err := tx.Memberships().Get(ctx, sc, a.UserID); err != nil {
			return err
		}
		if got := name(tx); got != "Owner" {
			t.Errorf("user read ahead: %q, want Owner (signUp's name)", got)
		}
		if err := rename(tx, "Renamed"); err != nil {
			return err
		}
		if got := name(tx); got != "Renamed" {
			t.Errorf("after a write: %q, want Renamed", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	uctx, u := st.BeginUnit(ctx)
	defer u.Rollback()
	errUndo := errors.New("undo")
	if err := st.Write(uctx, func(tx app.Tx) error {
		if err := rename(tx, "Savepoint"); err != nil {
			return err
		}
		if _, err := tx.Memberships().Get(ctx, sc, a.UserID); err != nil { // reads the savepoint's name
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatalf("unit write: %v", err)
	}
	if err := u.Commit(uctx, func(tx app.Tx) error {
		if got := name(tx); got != "Renamed" {
			t.Errorf("after a savepoint rolled back: %q, want Renamed", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
