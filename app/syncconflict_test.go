package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestListSyncConflicts: a member's laptop pushes an edit of the member's entry stamped
// before the owner's edit of it through the API, so the laptop's description loses and is
// logged. The member finds it in the organization's log and the entry's; another member
// sees neither (the entry is not theirs to read); the owner sees the organization's whole
// log, a page at a time.
func TestListSyncConflicts(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	other := e.member(owner, app.RoleMember)
	now := e.clock.Now()
	laptop := newDevice(t, "laptop", now.Add(-20*time.Minute))
	stop := now.Add(-time.Hour)
	var entries []app.TimeEntry
	for i := range 2 {
		en := app.TimeEntry{ID: app.NewID(), Description: "first", StartedAt: stop.Add(-time.Duration(i+1) * time.Hour), StoppedAt: &stop,
			Timezone: "UTC", Source: app.SourceManual}
		wantOutcome(t, "create", e.push(member, batch(laptop.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, en)))[0], app.MutationApplied, "")
		entries = append(entries, en)
	}
	for i, en := range entries {
		laptop.clock.Set(now.Add(time.Duration(i-10) * time.Minute))
		edit := en
		edit.Description = "from the laptop"
		late := laptop.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, edit)
		e.clock.Set(now.Add(time.Duration(i) * time.Minute))
		if _, err := e.svc.UpdateTimeEntry(e.ctx, owner, en.ID, app.TimeEntryPatch{Description: ptr("from the owner")}, 0); err != nil {
			t.Fatal(err)
		}
		if out := e.push(member, batch(late))[0]; len(out.Lost) != 1 {
			t.Fatalf("push %d lost %v, want the description", i, out.Lost)
		}
	}

	list := func(a app.Actor, q app.ConflictQuery) (app.Page[app.SyncConflict], error) {
		return e.svc.ListSyncConflicts(e.ctx, a, q)
	}
	mine := must[app.Page[app.SyncConflict]](t)(list(member, app.ConflictQuery{}))
	if len(mine.Items) != 2 || mine.Items[0].EntityID != entries[1].ID || mine.Items[1].EntityID != entries[0].ID ||
		string(mine.Items[0].Lost) != `"from the laptop"` || string(mine.Items[0].Kept) != `"from the owner"` {
		t.Errorf("the member's log, newest first: %+v", mine.Items)
	}
	row := must[app.Page[app.SyncConflict]](t)(list(member, app.ConflictQuery{EntityID: &entries[0].ID}))
	if len(row.Items) != 1 || row.Items[0].Field != "description" || row.Items[0].UserID != member.UserID {
		t.Errorf("the entry's log: %+v", row.Items)
	}
	if got := must[app.Page[app.SyncConflict]](t)(list(other, app.ConflictQuery{})); len(got.Items) != 0 {
		t.Errorf("another member sees %d conflicts of the first member", len(got.Items))
	}
	if _, err := list(other, app.ConflictQuery{EntityID: &entries[0].ID}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("another member reading the entry's log: %v, want ErrNotFound", err)
	}
	first := must[app.Page[app.SyncConflict]](t)(list(owner, app.ConflictQuery{Page: app.ListParams{Limit: 1}}))
	if len(first.Items) != 1 || first.NextCursor == "" || first.Items[0].EntityID != entries[1].ID {
		t.Fatalf("the owner's first page: %+v", first)
	}
	next := must[app.Page[app.SyncConflict]](t)(list(owner, app.ConflictQuery{Page: app.ListParams{Limit: 1, Cursor: first.NextCursor}}))
	if len(next.Items) != 1 || next.Items[0].EntityID != entries[0].ID {
		t.Errorf("the owner's second page: %+v", next)
	}
	// Another organization's owner finds nothing of it, not even by the entry's id.
	stranger, _ := e.signup()
	if got, err := list(stranger, app.ConflictQuery{EntityID: &entries[0].ID}); err != nil || len(got.Items) != 0 {
		t.Errorf("another tenant reading the entry's log: %+v, %v", got, err)
	}
}
