package sync_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// pagesOf is a remote that asks for pages of n rows.
type pagesOf struct {
	app.SyncRemote
	n int
}

func (p pagesOf) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	in.Limit = p.n
	return p.SyncRemote.Pull(ctx, in)
}

// TestFirstPullInBulk: a device's first pull writes the entries of a page several to a
// statement, and the device ends with the server's rows exactly as one by one: every
// field and stamp, tombstones, the running entry, and the entries whose project, task or
// tag comes in a later page (edited after them), which wait among the deferred rows.
func TestFirstPullInBulk(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Rocket"})
	if err != nil {
		t.Fatal(err)
	}
	task, err := tm.svc.CreateTask(ctx, tm.owner, app.TaskInput{ProjectID: p.ID, Name: "Engine"})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := tm.svc.CreateTag(ctx, tm.owner, app.TagInput{Name: "deep work"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
	for i := range 700 {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(20 * time.Minute)
		in := app.TimeEntryInput{Description: fmt.Sprintf("entry %d", i), StartedAt: from, StoppedAt: &to}
		switch i % 4 {
		case 1:
			in.ProjectID, in.TaskID = &p.ID, &task.ID
		case 2:
			in.TagIDs = []uuid.UUID{tag.ID}
		}
		e, err := tm.svc.CreateTimeEntry(ctx, tm.owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 3 {
			if err := tm.svc.DeleteTimeEntry(ctx, tm.owner, e.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := tm.svc.StartTimer(ctx, tm.owner, app.TimerStart{Description: "running"}); err != nil {
		t.Fatal(err)
	}
	// Edited after the entries: the project, task and tag come in the last page.
	name, tagName := "Rocket 2", "focus"
	if _, err := tm.svc.UpdateProject(ctx, tm.owner, p.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.svc.UpdateTask(ctx, tm.owner, task.ID, app.TaskPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.svc.UpdateTag(ctx, tm.owner, tag.ID, app.TagPatch{Name: &tagName}, 0); err != nil {
		t.Fatal(err)
	}

	// A device logged in, nothing pulled yet.
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: "deviceA"}), dir: dir, url: tm.url}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	rep, err := d.svc.SyncRound(ctx, pagesOf{d.remote(), 300}, nil)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	if rep.Pending != 0 {
		t.Errorf("after the first sync %d changes wait: pulled rows are not local changes", rep.Pending)
	}
	want, got := entries(t, tm.svc, tm.owner), entries(t, d.svc, d.actor)
	if len(want) != 687 {
		t.Fatalf("the server has %d live entries, want 687", len(want))
	}
	if len(got) != len(want) {
		t.Errorf("device has %d entries, server %d", len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("entry %s (%s) is missing on the device", id, w.Description)
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("entry %s on the device:\n got %+v\nwant %+v", id, g, w)
		}
	}
	if got := projectNames(t, d.svc, d.actor)[p.ID]; got != name {
		t.Errorf("device shows project %q, want %q", got, name)
	}
	if st := d.status(); st.Cursor == 0 || st.Pending != 0 || st.LastError != "" {
		t.Errorf("sync status after the first sync: %+v", st)
	}
}
