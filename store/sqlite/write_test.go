package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

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
