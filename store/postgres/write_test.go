package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stinthq/stint/app"
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
