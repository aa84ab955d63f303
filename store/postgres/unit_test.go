package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

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

// TestUnitKeepsTenantAcrossSavepoints: a failed write in a unit rolls back its savepoint,
// and with it the tenant setting it made; the unit's next statement on that tenant must
// set it again rather than trust a setting that is gone.
func TestUnitKeepsTenantAcrossSavepoints(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	sc := app.Scope{TenantID: ten.ID}
	uctx, u := st.BeginUnit(ctx)
	defer u.Rollback()
	// The first write sets the tenant inside its savepoint, then fails.
	errBoom := errors.New("boom")
	if err := st.Write(uctx, func(tx app.Tx) error {
		if _, err := tx.Tenants().Get(ctx, sc); err != nil {
			return err
		}
		return errBoom
	}); !errors.Is(err, errBoom) {
		t.Fatalf("first write: %v", err)
	}
	err := u.Commit(ctx, func(tx app.Tx) error {
		_, err := tx.Tenants().Get(ctx, sc)
		return err
	})
	if err != nil {
		t.Fatalf("the tenant is not visible after a failed write in the unit: %v", err)
	}
}

// TestStuckUnitIsRolledBack: a unit that holds a row lock and stops calling is rolled back
// at its deadline; a plain write waiting for that row then goes through, a call made from
// inside the unit's own function fails instead of waiting for ever, and the unit's later
// calls fail.
func TestStuckUnitIsRolledBack(t *testing.T) {
	st := open(t)
	defer st.Close()
	postgres.SetUnitDeadlineForTest(st, 300*time.Millisecond)
	ctx := context.Background()
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "before") }); err != nil {
		t.Fatal(err)
	}
	uctx, u := st.BeginUnit(ctx)
	if err := st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "unit") }); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "plain") })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a plain write waited for a stuck unit past its deadline")
	}
	uctx2, u2 := st.BeginUnit(ctx)
	nested := make(chan error, 1)
	go func() {
		nested <- st.Write(uctx2, func(tx app.Tx) error {
			return st.Write(uctx2, func(tx app.Tx) error { return nil })
		})
	}()
	select {
	case err := <-nested:
		if err == nil {
			t.Error("a nested write in a unit succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a nested write in a unit still waits past the deadline")
	}
	u2.Rollback()
	if err := u.Commit(ctx, func(app.Tx) error { return nil }); err == nil {
		t.Fatal("an expired unit committed")
	}
	err := st.Read(ctx, func(tx app.Tx) error {
		v, err := tx.Device().Get(ctx, "k")
		if v != "plain" {
			t.Errorf("k = %q, want the plain write's", v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
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
