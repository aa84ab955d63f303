package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storemetrics"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu      sync.Mutex
	batches []int
	txs     map[storemetrics.Kind]int
	failed  map[storemetrics.Kind]int
	longest time.Duration // the longest batch
}

func newRecorder() *recorder {
	return &recorder{txs: map[storemetrics.Kind]int{}, failed: map[storemetrics.Kind]int{}}
}

func (r *recorder) OnTx(kind storemetrics.Kind, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d < 0 {
		panic("negative duration")
	}
	r.txs[kind]++
	if err != nil {
		r.failed[kind]++
	}
}

func (r *recorder) OnBatch(size int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, size)
	r.longest = max(r.longest, d)
}

// TestObserverSeesTransactionsAndCommits runs concurrent writes, a failing write, a read and
// a unit of work, and checks what the observer was told: each Write and Read once, failures
// as failures, and one batch of one per commit (PostgreSQL commits each write on its own; a
// failed write commits nothing), the unit's timed from its BEGIN.
func TestObserverSeesTransactionsAndCommits(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	rec := newRecorder()
	st.SetObserver(rec)

	ok := func(app.Tx) error { return nil }
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.Write(ctx, ok); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := st.Write(ctx, func(app.Tx) error { return errors.New("refused") }); err == nil {
		t.Fatal("a failing write succeeded")
	}
	if err := st.Read(ctx, ok); err != nil {
		t.Fatal(err)
	}
	// A unit: two writes and a read inside it, then its commit, held open for a while.
	uctx, u := st.BeginUnit(ctx)
	put := func(k string) error {
		return st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, k, "v") })
	}
	if err := errors.Join(put("a"), put("b"), st.Read(uctx, ok)); err != nil {
		t.Fatal(err)
	}
	const held = 50 * time.Millisecond
	time.Sleep(held)
	if err := u.Commit(ctx, ok); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	if len(rec.batches) != 7 {
		t.Errorf("batches %v, want 7 of size 1 (6 writes and the unit; the failed write commits nothing)", rec.batches)
	}
	for _, b := range rec.batches {
		if b != 1 {
			t.Errorf("batch of %d, want 1", b)
		}
	}
	if rec.longest < held {
		t.Errorf("longest commit %v, want at least the %v the unit held its transaction", rec.longest, held)
	}
	if rec.txs[storemetrics.Write] != 9 || rec.failed[storemetrics.Write] != 1 {
		t.Errorf("write transactions %d (%d failed), want 9 (1 failed)", rec.txs[storemetrics.Write], rec.failed[storemetrics.Write])
	}
	if rec.txs[storemetrics.Read] != 2 || rec.failed[storemetrics.Read] != 0 {
		t.Errorf("read transactions %d (%d failed), want 2 (0 failed)", rec.txs[storemetrics.Read], rec.failed[storemetrics.Read])
	}
	rec.mu.Unlock()

	st.SetObserver(nil)
	_ = st.Write(ctx, ok)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.batches) != 7 || rec.txs[storemetrics.Write] != 9 {
		t.Error("the store still reports after SetObserver(nil)")
	}
}

// TestPoolStats: a unit of work holds a connection until it commits, and the pool says so.
func TestPoolStats(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	before := st.PoolStats()
	if before.Max < 1 || before.Acquired != 0 {
		t.Fatalf("idle store's pool %+v, want a maximum and nothing acquired", before)
	}
	uctx, u := st.BeginUnit(ctx)
	if err := st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "v") }); err != nil {
		t.Fatal(err)
	}
	during := st.PoolStats()
	if during.Acquired != 1 || during.Total < 1 || during.Total > during.Max {
		t.Errorf("pool while a unit holds a connection %+v, want 1 acquired of at least 1 open", during)
	}
	if err := u.Commit(ctx, func(app.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	after := st.PoolStats()
	if after.Acquired != 0 || after.Idle < 1 || after.Idle != after.Total {
		t.Errorf("pool after the unit committed %+v, want nothing acquired and its connection idle", after)
	}
}
