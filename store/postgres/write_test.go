package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
