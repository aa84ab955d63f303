package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestServerKeepsNoOutbox: a store as Open returns it (a team server's) writes no
// change-log rows, and devices lose nothing by it: a pull still brings the entry a create
// made, its edit and then its tombstone, each at a version above the last; the tenant's
// newest version (LatestSeq, what change polling reads) moves with every write; and a
// write still wakes the server's waiting pulls.
func TestServerKeepsNoOutbox(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, a := signUp(t, st, "server@example.com")
	sc := a.Scope()
	vis := app.Visibility{UserID: a.UserID, Orgs: []app.OrgVisibility{{OrgID: a.OrgID, AllEntries: true}}}
	var cursor, latest int64
	// step makes one write, then pulls from the last cursor and checks what came.
	step := func(name string, write func() (app.TimeEntry, error), deleted bool) app.TimeEntry {
		t.Helper()
		woken, release := svc.SyncChanges(a)
		defer release()
		e, err := write()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		select {
		case <-woken:
		case <-time.After(5 * time.Second):
			t.Errorf("%s: a waiting pull was not woken", name)
		}
		var page app.SyncPage
		var seq int64
		if err := st.Read(ctx, func(tx app.Tx) error {
			var err error
			if page, err = tx.Sync().Pull(ctx, sc, cursor, 100, vis); err != nil {
				return err
			}
			seq, err = tx.Changes().LatestSeq(ctx, sc)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if seq <= latest {
			t.Errorf("%s: the tenant's newest version stayed at %d", name, seq)
		}
		latest = seq
		found := false
		for _, r := range page.Rows {
			if r.ID != e.ID {
				continue
			}
			found = true
			got := r.Row.(app.TimeEntry)
			if (got.DeletedAt != nil) != deleted || got.Description != e.Description || r.Version <= cursor {
				t.Errorf("%s: pulled %+v at version %d (cursor %d), want deleted %v", name, got, r.Version, cursor, deleted)
			}
		}
		if !found {
			t.Errorf("%s: the pull after cursor %d did not bring entry %s", name, cursor, e.ID)
		}
		cursor = page.Cursor
		return e
	}
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	e := step("create", func() (app.TimeEntry, error) {
		return svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "first", StartedAt: start, StoppedAt: &stop})
	}, false)
	desc := "edited"
	e = step("edit", func() (app.TimeEntry, error) {
		return svc.UpdateTimeEntry(ctx, a, e.ID, app.TimeEntryPatch{Description: &desc}, e.Version)
	}, false)
	step("delete", func() (app.TimeEntry, error) {
		return e, svc.DeleteTimeEntry(ctx, a, e.ID, e.Version)
	}, true)

	var rows int
	if err := db.adminConn(t).QueryRow(ctx, `SELECT count(*) FROM stint.change_log`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("the server's change log holds %d rows, want none", rows)
	}
}
