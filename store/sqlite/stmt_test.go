package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestReadsDoNotWaitForTheStatementCache fills the reader pool with Reads that all need a
// statement not prepared yet. Preparing for the cache needs a free connection; a Read that
// waited for one while holding its own would never get it.
func TestReadsDoNotWaitForTheStatementCache(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n := st.reader.Stats().MaxOpenConnections
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	var inside, done sync.WaitGroup
	inside.Add(n)
	errs := make(chan error, n)
	for range n {
		done.Add(1)
		go func() {
			defer done.Done()
			errs <- st.Read(ctx, func(tx app.Tx) error {
				inside.Done()
				inside.Wait() // every connection of the pool is now held by a Read
				_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: app.PageRequest{Limit: 10}})
				return err
			})
		}()
	}
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("read with the pool full: %v", err)
		}
	}
}
