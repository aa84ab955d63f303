package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// TestGroupCommitIsolatesFailures runs many writers at once so they share commits: each
// writer's work lands exactly when it returns nil, whatever its neighbours did.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	errBoom := errors.New("boom")
	const n = 200
	var wg sync.WaitGroup
	results := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			results[i] = st.Write(ctx, func(tx app.Tx) error {
				if err := tx.Device().Put(ctx, fmt.Sprintf("k%d", i), "v"); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errBoom // wrote, then failed: the write must vanish
				case 7:
					panic(fmt.Sprintf("panic %d", i))
				}
				return nil
			})
		}()
	}
	wg.Wait()
	err := st.Read(ctx, func(tx app.Tx) error {
		for i := range n {
			_, err := tx.Device().Get(ctx, fmt.Sprintf("k%d", i))
			switch i % 10 {
			case 3:
				if !errors.Is(results[i], errBoom) || !errors.Is(err, app.ErrNotFound) {
					t.Errorf("writer %d failed (%v) but its row is there (%v)", i, results[i], err)
				}
			case 7:
				if panics[i] != fmt.Sprintf("panic %d", i) || !errors.Is(err, app.ErrNotFound) {
					t.Errorf("writer %d: panic %v re-raised in the caller, row err %v", i, panics[i], err)
				}
			default:
				if results[i] != nil || err != nil {
					t.Errorf("writer %d: result %v, row %v", i, results[i], err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteCancelledAndClosed(t *testing.T) {
	st := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := st.Write(ctx, func(tx app.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled write: ran=%v err=%v", ran, err)
	}
	st.Close()
	st.Close() // idempotent
	if err := st.Write(context.Background(), func(tx app.Tx) error { return nil }); err == nil {
		t.Fatal("write after close succeeded")
	}
}

// TestCommittedWritesSurviveReopen checks that a Write that returned nil is on disk.
func TestCommittedWritesSurviveReopen(t *testing.T) {
	path := t.TempDir() + "/stint.db"
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, fmt.Sprintf("k%d", i), "v") }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st.Close()
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.Read(ctx, func(tx app.Tx) error {
		for i := range 50 {
			if _, err := tx.Device().Get(ctx, fmt.Sprintf("k%d", i)); err != nil {
				t.Errorf("k%d lost after reopen: %v", i, err)
			}
		}
		return nil
	})
}

// TestUnitCommitsAllOrNothing: a unit's writes are invisible outside it until Commit, visible
// to its own reads, and kept only when the final function succeeds; a failed write inside the
// unit loses only its own work.
func TestUnitCommitsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		finalErr error
	}{{"final function fails", errors.New("record refused")}, {"commits", nil}} {
		t.Run(c.name, func(t *testing.T) {
			st := open(t)
			defer st.Close()
			uctx, u := st.BeginUnit(ctx)
			put := func(k string) error {
				return st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, k, "v") })
			}
			if err := put("a"); err != nil {
				t.Fatal(err)
			}
			errBoom := errors.New("boom")
			if err := st.Write(uctx, func(tx app.Tx) error {
				_ = tx.Device().Put(ctx, "failed", "v")
				return errBoom
			}); !errors.Is(err, errBoom) {
				t.Fatalf("failing write in unit: %v", err)
			}
			if err := put("b"); err != nil {
				t.Fatal(err)
			}
			get := func(c context.Context, k string) error {
				return st.Read(c, func(tx app.Tx) error { _, err := tx.Device().Get(ctx, k); return err })
			}
			if err := get(uctx, "a"); err != nil {
				t.Fatalf("the unit does not read its own write: %v", err)
			}
			if err := get(ctx, "a"); !errors.Is(err, app.ErrNotFound) {
				t.Fatalf("uncommitted unit write visible outside: %v", err)
			}
			err := u.Commit(ctx, func(tx app.Tx) error {
				if err := tx.Device().Put(ctx, "record", "v"); err != nil {
					return err
				}
				return c.finalErr
			})
			if !errors.Is(err, c.finalErr) {
				t.Fatalf("commit: %v, want %v", err, c.finalErr)
			}
			u.Rollback() // after Commit: nothing
			for _, k := range []string{"a", "b", "record"} {
				err := get(ctx, k)
				if c.finalErr == nil && err != nil {
					t.Errorf("%s lost after commit: %v", k, err)
				}
				if c.finalErr != nil && !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s kept although the final function failed: %v", k, err)
				}
			}
			if err := get(ctx, "failed"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a failed write's row was kept: %v", err)
			}
			if err := put("late"); err == nil {
				t.Error("a write joined a unit that had ended")
			}
		})
	}
}

// TestUnitCrashBeforeCommitLeavesNothing: a process that dies while a unit is open (here
// the store is closed under it) has written nothing, however much the unit did.
func TestUnitCrashBeforeCommitLeavesNothing(t *testing.T) {
	path := t.TempDir() + "/stint.db"
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	uctx, u := st.BeginUnit(ctx)
	if err := st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "v") }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
		t.Fatal("a unit committed after its store closed")
	}
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Read(ctx, func(tx app.Tx) error { _, err := tx.Device().Get(ctx, "k"); return err }); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the open unit's write survived: %v", err)
	}
}

// TestStuckUnitDoesNotWedgeTheWriter: a unit whose request stops calling (here it waits on a
// plain Write, which needs the writer the unit holds) is rolled back at its deadline; the
// plain Write then goes through and the unit's later calls fail.
func TestStuckUnitDoesNotWedgeTheWriter(t *testing.T) {
	st := open(t)
	defer st.Close()
	sqlite.SetUnitDeadlineForTest(st, 200*time.Millisecond)
	ctx := context.Background()
	uctx, u := st.BeginUnit(ctx)
	if err := st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "unit", "v") }); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "plain", "v") })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a plain write waited for a stuck unit past its deadline")
	}
	// A unit's function that waits for the writer itself is freed the same way.
	uctx2, u2 := st.BeginUnit(ctx)
	err := st.Write(uctx2, func(tx app.Tx) error {
		return st.Write(uctx2, func(tx app.Tx) error { return nil })
	})
	if err == nil {
		t.Fatal("a nested write in a unit succeeded")
	}
	u2.Rollback()
	if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
		t.Fatal("an expired unit committed")
	}
	err = st.Read(ctx, func(tx app.Tx) error {
		if _, err := tx.Device().Get(ctx, "plain"); err != nil {
			return err
		}
		_, err := tx.Device().Get(ctx, "unit")
		return err
	})
	if !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("after the deadline: %v, want the plain write kept and the unit's gone", err)
	}
}

// TestConcurrentUnitsAndWrites mixes units and plain writes: every committed unit is whole,
// every rolled-back one is gone, and plain writers are not disturbed.
func TestConcurrentUnitsAndWrites(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				if err := st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, fmt.Sprintf("plain%d", i), "v") }); err != nil {
					t.Error(err)
				}
				return
			}
			uctx, u := st.BeginUnit(ctx)
			defer u.Rollback()
			for j := range 2 {
				if err := st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, fmt.Sprintf("u%d.%d", i, j), "v") }); err != nil {
					t.Error(err)
					return
				}
			}
			if i%3 == 1 {
				if err := u.Commit(ctx, func(app.Tx) error { return nil }); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	_ = st.Read(ctx, func(tx app.Tx) error {
		for i := range n {
			keys := []string{fmt.Sprintf("u%d.0", i), fmt.Sprintf("u%d.1", i)}
			want := i%3 == 1
			if i%3 == 0 {
				keys, want = []string{fmt.Sprintf("plain%d", i)}, true
			}
			for _, k := range keys {
				_, err := tx.Device().Get(ctx, k)
				if (err == nil) != want {
					t.Errorf("%s: err %v, want present=%v", k, err, want)
				}
			}
		}
		return nil
	})
}
