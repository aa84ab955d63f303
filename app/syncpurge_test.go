package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestPushPurgesTombstonesDaily: a push purges its tenant's tombstones older than the
// retention when the last purge is a day old or more, and not more often; the purge moves
// the tenant's purged_through, and a pull with an older cursor is answered reset.
func TestPushPurgesTombstonesDaily(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	svc := app.New(e.st, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "server", TombstoneRetention: time.Hour})
	p := must[app.Project](t)(svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Short-lived"}))
	page := must[app.SyncPage](t)(svc.PullSync(e.ctx, owner, app.SyncPullInput{Protocol: app.SyncProtocol}))
	cursor := page.Cursor
	if err := svc.DeleteProject(e.ctx, owner, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	d := newDevice(t, "laptop", e.clock.Now())
	pushTag := func() {
		t.Helper()
		if _, err := svc.Push(e.ctx, owner, batch(d.mutation(app.EntityTag, app.NewID(), app.OpUpsert, app.Tag{Name: "tag " + d.hlc.Now()}))); err != nil {
			t.Fatalf("push: %v", err)
		}
	}
	purged := func() int64 {
		t.Helper()
		var through int64
		err := e.st.Read(e.ctx, func(tx app.Tx) error {
			var err error
			through, _, err = tx.Sync().PurgedThrough(e.ctx, owner.Scope())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return through
	}

	pushTag() // the first purge: the tombstone is too young
	e.clock.Advance(2 * time.Hour)
	pushTag() // old enough now, but the last purge is two hours old
	if got := purged(); got != 0 {
		t.Fatalf("purged through %d after pushes within a day, want 0", got)
	}
	e.clock.Advance(23 * time.Hour)
	pushTag()
	if got := purged(); got <= cursor {
		t.Fatalf("purged through %d after a push a day later, want above the cursor %d", got, cursor)
	}
	res := must[app.SyncPage](t)(svc.PullSync(e.ctx, owner, app.SyncPullInput{Protocol: app.SyncProtocol, Cursor: cursor}))
	if !res.Reset || len(res.Rows) != 0 {
		t.Errorf("pull from cursor %d below the purge: reset %v with %d rows, want a reset and none", cursor, res.Reset, len(res.Rows))
	}
	full := must[app.SyncPage](t)(svc.PullSync(e.ctx, owner, app.SyncPullInput{Protocol: app.SyncProtocol, Limit: app.MaxSyncPullLimit}))
	if full.Reset {
		t.Error("a pull from 0 answered reset")
	}
	for _, r := range full.Rows {
		if r.ID == p.ID {
			t.Error("the purged project's tombstone is still pulled")
		}
	}
}
