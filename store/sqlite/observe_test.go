package sqlite_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	"github.com/stinthq/stint/store/storemetrics"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu      sync.Mutex
	batches []int
	txs     map[storemetrics.Kind]int
	failed  map[storemetrics.Kind]int
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
}

// TestObserverSeesTransactionsAndBatches holds the first commit until five more writes
// wait, so they share the next one, and checks what the observer was told: each write and
// read once, failures as failures, and the group commit's sizes.
func TestObserverSeesTransactionsAndBatches(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	rec := &recorder{txs: map[storemetrics.Kind]int{}, failed: map[storemetrics.Kind]int{}}
	st.SetObserver(rec)

	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	sqlite.SetCommitHookForTest(st, func() error {
		once.Do(func() { close(entered); <-release })
		return nil
	})
	ok := func(app.Tx) error { return nil }
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = st.Write(ctx, ok) }()
	<-entered
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = st.Write(ctx, ok) }()
	}
	for sqlite.QueuedForTest(st) < 5 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if err := st.Write(ctx, func(app.Tx) error { return errors.New("refused") }); err == nil {
		t.Fatal("a failing write succeeded")
	}
	if err := st.Read(ctx, ok); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.batches) != 2 || rec.batches[0] != 1 || rec.batches[1] != 5 {
		t.Errorf("batches %v, want [1 5] (the failed write alone commits nothing)", rec.batches)
	}
	if rec.txs[storemetrics.Write] != 7 || rec.failed[storemetrics.Write] != 1 {
		t.Errorf("write transactions %d (%d failed), want 7 (1 failed)", rec.txs[storemetrics.Write], rec.failed[storemetrics.Write])
	}
	if rec.txs[storemetrics.Read] != 1 || rec.failed[storemetrics.Read] != 0 {
		t.Errorf("read transactions %d (%d failed), want 1 (0 failed)", rec.txs[storemetrics.Read], rec.failed[storemetrics.Read])
	}

	st.SetObserver(nil)
	_ = st.Write(ctx, ok)
	if len(rec.batches) != 2 || rec.txs[storemetrics.Write] != 7 {
		t.Error("the store still reports after SetObserver(nil)")
	}
}
