package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// UnitDeadliner is an app.UnitStore whose unit deadline can be shortened, so the suite can
// watch a unit expire without waiting seconds. Both stores offer it.
type UnitDeadliner interface {
	SetUnitDeadline(d time.Duration)
}

// testUnits pins app.UnitStore's contract: a unit's writes commit together on Commit and
// not at all on Rollback or a failing final function; a failed Write inside the unit (the
// function's error or the database's) loses only its own work; Reads with the unit's
// context see the unit's writes once it has written, plain Reads do not before Commit; a
// call whose context is done fails with its error; a unit that has ended or expired fails
// later calls and the store serves others meanwhile.
func testUnits(t *testing.T, st app.Store) {
	us, ok := st.(app.UnitStore)
	if !ok {
		t.Skipf("%T holds no units of work", st)
	}
	ctx := context.Background()
	w := seed(t, st, "units@example.com")
	n := 0
	newTag := func() app.Tag {
		n++
		tg := w.tag
		tg.ID, tg.Name, tg.Meta = app.NewID(), fmt.Sprintf("unit tag %d", n), meta(100+n)
		return tg
	}
	insert := func(c context.Context, tg app.Tag) error {
		return st.Write(c, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, tg) })
	}
	// sees reports whether a Read made with c finds the tag.
	sees := func(c context.Context, tg app.Tag) bool {
		t.Helper()
		var err error
		if rerr := st.Read(c, func(tx app.Tx) error { _, err = tx.Tags().Get(ctx, w.sc, tg.ID); return nil }); rerr != nil {
			t.Fatalf("read: %v", rerr)
		}
		if err != nil && !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("get tag: %v", err)
		}
		return err == nil
	}
	kept := func(what string, want bool, tags ...app.Tag) {
		t.Helper()
		for _, tg := range tags {
			if got := sees(ctx, tg); got != want {
				t.Errorf("%s: %s kept %v, want %v", what, tg.Name, got, want)
			}
		}
	}
	errRefused := errors.New("refused")

	t.Run("Commit", func(t *testing.T) {
		uctx, u := us.BeginUnit(ctx)
		before := newTag()
		insert(ctx, before) //nolint:errcheck // checked below
		if !sees(uctx, before) {
			t.Error("a unit that has not written does not read committed data")
		}
		a, failed, dup, b, last := newTag(), newTag(), newTag(), newTag(), newTag()
		if err := insert(uctx, a); err != nil {
			t.Fatal(err)
		}
		err := st.Write(uctx, func(tx app.Tx) error {
			if err := tx.Tags().Insert(ctx, w.sc, failed); err != nil {
				return err
			}
			return errRefused
		})
		wantErr(t, "failing function in the unit", err, errRefused)
		// The database refuses this one (same id twice): the unit goes on without it.
		dup.ID = a.ID
		wantErr(t, "duplicate in the unit", insert(uctx, dup), app.ErrConflict)
		if err := insert(uctx, b); err != nil {
			t.Fatalf("write after failed writes in the unit: %v", err)
		}
		if !sees(uctx, a) || !sees(uctx, b) {
			t.Error("the unit does not read its own writes")
		}
		if sees(uctx, failed) {
			t.Error("the unit reads a failed function's write")
		}
		if sees(ctx, a) || sees(ctx, b) {
			t.Error("a plain read sees the unit's writes before Commit")
		}
		if err := u.Commit(ctx, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, last) }); err != nil {
			t.Fatalf("commit: %v", err)
		}
		kept("after Commit", true, a, b, last)
		kept("after Commit", false, failed)
		u.Rollback() // after Commit: does nothing
		kept("after Rollback of a committed unit", true, a, b, last)
		if err := insert(uctx, newTag()); err == nil {
			t.Error("a write joined a unit that had committed")
		}
		if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
			t.Error("a unit committed twice")
		}
	})

	t.Run("CommitOnly", func(t *testing.T) {
		_, u := us.BeginUnit(ctx)
		tg := newTag()
		if err := u.Commit(ctx, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, tg) }); err != nil {
			t.Fatalf("commit of a unit that had not written: %v", err)
		}
		kept("after Commit", true, tg)
	})

	t.Run("Rollback", func(t *testing.T) {
		uctx, u := us.BeginUnit(ctx)
		a := newTag()
		if err := insert(uctx, a); err != nil {
			t.Fatal(err)
		}
		u.Rollback()
		kept("after Rollback", false, a)
		if err := insert(uctx, newTag()); err == nil {
			t.Error("a write joined a unit that had rolled back")
		}
		if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
			t.Error("a unit committed after its Rollback")
		}
		u.Rollback() // twice: does nothing
		// The store serves others after the unit.
		other := newTag()
		if err := insert(ctx, other); err != nil {
			t.Fatalf("write after a rolled-back unit: %v", err)
		}
		kept("plain write", true, other)
	})

	t.Run("FailingCommit", func(t *testing.T) {
		uctx, u := us.BeginUnit(ctx)
		a, last := newTag(), newTag()
		if err := insert(uctx, a); err != nil {
			t.Fatal(err)
		}
		err := u.Commit(ctx, func(tx app.Tx) error {
			if err := tx.Tags().Insert(ctx, w.sc, last); err != nil {
				return err
			}
			return errRefused
		})
		wantErr(t, "failing Commit", err, errRefused)
		kept("after a failing Commit", false, a, last)
		if err := insert(uctx, newTag()); err == nil {
			t.Error("a write joined a unit whose Commit failed")
		}
		// A database error in the final function ends the unit the same way.
		uctx, u = us.BeginUnit(ctx)
		b, dup := newTag(), newTag()
		dup.ID = w.tag.ID
		if err := insert(uctx, b); err != nil {
			t.Fatal(err)
		}
		err = u.Commit(ctx, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, dup) })
		wantErr(t, "Commit refused by the database", err, app.ErrConflict)
		kept("after a refused Commit", false, b)
	})

	// A call whose context is done fails with the context's error without running, as a
	// plain Write does; the unit goes on, except after a Commit so refused, which ends it
	// with nothing kept. (The server commits with a context that outlives the client.)
	t.Run("DoneContext", func(t *testing.T) {
		uctx, u := us.BeginUnit(ctx)
		a := newTag()
		if err := insert(uctx, a); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(uctx)
		cancel()
		lost := newTag()
		wantErr(t, "write with a done context", insert(cctx, lost), context.Canceled)
		err := st.Read(cctx, func(tx app.Tx) error { _, err := tx.Tags().Get(ctx, w.sc, a.ID); return err })
		wantErr(t, "read with a done context", err, context.Canceled)
		if !sees(uctx, a) || sees(uctx, lost) {
			t.Error("the unit lost its write, or kept one refused for its context")
		}
		b, last := newTag(), newTag()
		if err := insert(uctx, b); err != nil {
			t.Fatalf("write after a refused one: %v", err)
		}
		err = u.Commit(cctx, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, last) })
		wantErr(t, "Commit with a done context", err, context.Canceled)
		kept("after a refused Commit", false, a, b, last, lost)
		if err := insert(uctx, newTag()); err == nil {
			t.Error("a write joined a unit whose Commit was refused")
		}
		// A unit that never wrote ends the same way.
		_, u = us.BeginUnit(ctx)
		c := newTag()
		err = u.Commit(cctx, func(tx app.Tx) error { return tx.Tags().Insert(ctx, w.sc, c) })
		wantErr(t, "first-call Commit with a done context", err, context.Canceled)
		kept("after a refused first-call Commit", false, c)
		if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
			t.Error("a unit committed after a refused Commit")
		}
	})

	t.Run("Expired", func(t *testing.T) {
		ud, ok := st.(UnitDeadliner)
		if !ok {
			t.Fatalf("%T cannot shorten its unit deadline: implement UnitDeadliner", st)
		}
		const deadline = 100 * time.Millisecond
		ud.SetUnitDeadline(deadline)
		defer ud.SetUnitDeadline(5 * time.Second)
		uctx, u := us.BeginUnit(ctx)
		a := newTag()
		if err := insert(uctx, a); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * deadline)
		if err := insert(uctx, newTag()); err == nil {
			t.Error("a write succeeded in an expired unit")
		} else if !errors.Is(err, context.DeadlineExceeded) {
			// The server answers work past its deadline with a 503, which a device's push
			// takes as "send a smaller batch"; anything else is a 500.
			t.Errorf("a write in an expired unit: %v, want it to be context.DeadlineExceeded", err)
		}
		err := st.Read(uctx, func(tx app.Tx) error { _, err := tx.Tags().Get(ctx, w.sc, a.ID); return err })
		if err == nil {
			t.Error("an expired unit still reads its rolled-back write")
		}
		if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
			t.Error("an expired unit committed")
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Commit of an expired unit: %v, want it to be context.DeadlineExceeded", err)
		}
		u.Rollback()
		kept("after expiry", false, a)
		other := newTag()
		if err := insert(ctx, other); err != nil {
			t.Fatalf("write after an expired unit: %v", err)
		}
		kept("plain write after expiry", true, other)
	})
}
