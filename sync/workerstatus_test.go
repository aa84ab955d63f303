package sync_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// reopen opens the device's data directory again, as a second process (or the desktop
// after a restart) does: its own store and service, nothing shared in memory.
func (d *device) reopen(t *testing.T) *app.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(d.dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return app.New(st, app.Options{Hasher: fastHasher, NodeID: "again"})
}

// TestWorkerOfflineSinceSurvivesRestart: "offline since" is when the first failed round of
// the outage ran, also after the desktop restarts during the outage; the status (as `stint
// sync status` reads it) says so too, and a round that reaches the server clears it.
func TestWorkerOfflineSinceSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	tm.wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	})
	w := startWorker(t, a.svc, a.dir)
	eventually(t, "the offline state", func() bool { return w.Activity().Phase == app.SyncOffline })
	since := w.Activity().OfflineSince
	st, err := a.svc.SyncStatus(ctx, app.RemoteTokenFile(a.dir))
	if err != nil || st.OfflineSince == nil || !st.OfflineSince.Equal(since) {
		t.Fatalf("status offline since %v (%v), want %v", st.OfflineSince, err, since)
	}
	w.stop()

	time.Sleep(50 * time.Millisecond) // the restarted worker's clock is past the outage's start
	svc := a.reopen(t)
	w = startWorker(t, svc, a.dir)
	eventually(t, "the offline state after a restart", func() bool { return w.Activity().Phase == app.SyncOffline })
	if got := w.Activity().OfflineSince; !got.Equal(since) {
		t.Fatalf("after a restart offline since %v, want %v (when the outage began)", got, since)
	}

	tm.wrap(func(http.Handler) http.Handler { return tm.plain() })
	w.Kick()
	w.settled(t, 1)
	st, err = svc.SyncStatus(ctx, app.RemoteTokenFile(a.dir))
	if err != nil || st.OfflineSince != nil {
		t.Fatalf("back online the status keeps offline since %v (%v)", st.OfflineSince, err)
	}
}

// TestSyncOfflineSinceOnlyUnreachable: a server that answers with an error is not offline.
func TestSyncOfflineSinceOnlyUnreachable(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	tm.wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	})
	if _, err := a.svc.SyncRound(ctx, a.remote(), nil); !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("round against a dropped connection: %v", err)
	}
	st, err := a.svc.SyncStatus(ctx, app.RemoteTokenFile(a.dir))
	if err != nil || st.OfflineSince == nil {
		t.Fatalf("unreachable: offline since %v (%v)", st.OfflineSince, err)
	}
	tm.wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	})
	if _, err := a.svc.SyncRound(ctx, a.remote(), nil); err == nil || errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("round against a 401: %v", err)
	}
	st, err = a.svc.SyncStatus(ctx, app.RemoteTokenFile(a.dir))
	if err != nil || st.OfflineSince != nil {
		t.Fatalf("a server that answers: offline since %v (%v)", st.OfflineSince, err)
	}
}

// TestWorkerNoticesLoginElsewhere: `stint remote login` and `logout` run by another process
// on the same data directory start and stop the running worker, with no kick and no
// restart.
func TestWorkerNoticesLoginElsewhere(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	if _, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Team project"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.New(st, app.Options{Hasher: fastHasher, NodeID: "desktop"})
	w := startWorker(t, svc, dir)
	eventually(t, "not connected", func() bool { return w.Activity().Phase == app.SyncNotConnected })

	cli := (&device{dir: dir}).reopen(t) // the CLI, beside the desktop
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	w.settled(t, 1) // no Kick: the worker saw the login itself
	if act := w.Activity(); act.State.URL != tm.url || !act.State.Connected {
		t.Fatalf("after another process's login the worker shows %+v", act.State)
	}

	// The worker holds its waiting pull (30 s) when the CLI logs out.
	if err := cli.DisconnectRemote(ctx, app.RemoteTokenFile(dir)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "not connected after another process's logout", func() bool { return w.Activity().Phase == app.SyncNotConnected })
}
