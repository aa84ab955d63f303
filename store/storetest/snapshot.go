package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// testReadSnapshot pins that every statement inside one Read sees the same data: a write
// committed between two statements of a Read is invisible to the second. Reports and
// paged exports read several statements and must not mix two states of the store.
func testReadSnapshot(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "snapshot@example.com")
	count := func(tx app.Tx) int {
		t.Helper()
		list, err := tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: page(100)})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		return len(list)
	}
	rename := func(tx app.Tx) string {
		t.Helper()
		p, err := tx.Projects().Get(ctx, w.sc, w.project.ID)
		if err != nil {
			t.Fatalf("get project: %v", err)
		}
		return p.Name
	}
	read(t, st, func(tx app.Tx) error {
		before, name := count(tx), rename(tx)
		// Another writer commits while this Read is open; Write returns once it is durable.
		done := make(chan error, 1)
		go func() {
			done <- st.Write(ctx, func(wtx app.Tx) error {
				stop := base.Add(2 * time.Hour)
				e := w.entry
				e.ID, e.StartedAt, e.StoppedAt, e.Meta = app.NewID(), base.Add(time.Hour), &stop, meta(40)
				if err := wtx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
					return err
				}
				p := w.project
				p.Name, p.Meta.Version = "Renamed", 2
				return wtx.Projects().Update(ctx, w.sc, p, 1)
			})
		}()
		if err := <-done; err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
		if after := count(tx); after != before {
			t.Errorf("entries inside one Read: %d, then %d after another commit", before, after)
		}
		if got := rename(tx); got != name {
			t.Errorf("project name inside one Read: %q, then %q after another commit", name, got)
		}
		return nil
	})
	// A new Read sees the write.
	read(t, st, func(tx app.Tx) error {
		if got := rename(tx); got != "Renamed" {
			t.Errorf("project name in a later Read: %q, want Renamed", got)
		}
		return nil
	})
}
