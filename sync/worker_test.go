package sync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// The worker tests give the waiting pull the server's longest wait (30 s) and allow 10 s for
// what should take about a second: a change that arrives in time came through the commit
// notification or the server waking the pull, never through a wait that ran out.
const (
	workerWait = app.MaxSyncWait
	within     = 10 * time.Second
)

// runningWorker is a SyncWorker running on a device.
type runningWorker struct {
	*app.SyncWorker
	stop func() // cancels Run and waits for it to return
}

func startWorker(t *testing.T, svc *app.Service, dir string) *runningWorker {
	t.Helper()
	return startWorkerWaiting(t, svc, dir, workerWait)
}

func startWorkerWaiting(t *testing.T, svc *app.Service, dir string, wait time.Duration) *runningWorker {
	t.Helper()
	w := app.NewSyncWorker(svc, app.SyncWorkerOptions{Tokens: app.RemoteTokenFile(dir), Dial: stintsync.Dial,
		Wait: wait, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var stopped bool
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("worker Run = %v", err)
			}
		case <-time.After(within):
			t.Fatal("the worker did not stop within 10 s of its context ending")
		}
	}
	t.Cleanup(stop)
	return &runningWorker{SyncWorker: w, stop: stop}
}

// eventually polls cond until it holds or `within` passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settled waits until the worker has finished a round and holds its waiting pull.
func (w *runningWorker) settled(t *testing.T, rounds int) {
	t.Helper()
	eventually(t, "the worker's round", func() bool {
		a := w.Activity()
		return a.Phase == app.SyncSynced && a.Rounds >= rounds
	})
}

// countPulls counts the pulls the server receives.
func (tm *team) countPulls() *atomic.Int32 {
	var n atomic.Int32
	tm.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/sync/pull" {
				n.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	return &n
}

// TestWorkerPushesLocalChange: a local commit reaches the server while the worker holds a
// waiting pull: the commit wakes the worker, which pushes instead of waiting the pull out.
func TestWorkerPushesLocalChange(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	w := startWorker(t, a.svc, a.dir)
	w.settled(t, 1)
	pulls := tm.countPulls()
	time.Sleep(100 * time.Millisecond) // the worker's pull is waiting on the server now

	a.addEntries(1, nil, "pushed by the worker")
	eventually(t, "the entry on the server", func() bool { return len(entries(t, tm.svc, tm.owner)) == 1 })
	eventually(t, "the worker's state after the push", func() bool {
		act := w.Activity()
		return act.Phase == app.SyncSynced && act.State.Pending == 0 && act.State.LastSuccess != nil
	})
	// The pull abandoned for the push, the round's own pull and the next waiting one: not
	// a polling loop.
	if n := pulls.Load(); n > 4 {
		t.Fatalf("the server saw %d pulls for one local change, want a few", n)
	}
}

// TestWorkerPushesAnotherProcessChange: a change another process makes on the device's
// database (the CLI beside the desktop) reaches the server well before the waiting pull
// ends, though no commit notification reports it to the worker.
func TestWorkerPushesAnotherProcessChange(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	w := startWorker(t, a.svc, a.dir)
	w.settled(t, 1)

	st, err := sqlite.Open(ctx, filepath.Join(a.dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cli := app.New(st, app.Options{Hasher: fastHasher, NodeID: "cli"})
	stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if _, err := cli.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{Description: "from the CLI",
		StartedAt: stop.Add(-time.Hour), StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the CLI's entry on the server", func() bool { return len(entries(t, tm.svc, tm.owner)) == 1 })
}

// TestWorkerReceivesOthersChanges: a change another device pushes reaches this device
// through its waiting pull, without a round of its own and without polling.
func TestWorkerReceivesOthersChanges(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	w := startWorker(t, a.svc, a.dir)
	w.settled(t, 1)
	pulls := tm.countPulls()
	time.Sleep(100 * time.Millisecond)

	p, err := b.svc.CreateProject(ctx, b.actor, app.ProjectInput{Name: "From B"})
	if err != nil {
		t.Fatal(err)
	}
	b.sync()
	eventually(t, "B's project on A", func() bool { return projectNames(t, a.svc, a.actor)[p.ID] == "From B" })
	if n := pulls.Load(); n > 3 {
		t.Fatalf("the server saw %d pulls from A for one change, want the waiting one and the next", n)
	}
	w.settled(t, 2)
	if st := w.Activity().State; st.Pending != 0 {
		t.Fatalf("A pending = %d after receiving B's project, want 0: pulled rows are not local changes", st.Pending)
	}
}

// TestWorkerQuietWait: a waiting pull that runs out with nothing new leaves the state as it
// was (synced) and starts the next wait; it is not a round.
func TestWorkerQuietWait(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	w := startWorkerWaiting(t, a.svc, a.dir, time.Second)
	w.settled(t, 1)
	pulls := tm.countPulls()
	eventually(t, "two waits to run out", func() bool { return pulls.Load() >= 3 })
	if act := w.Activity(); act.Phase != app.SyncSynced || act.Rounds != 1 {
		t.Fatalf("after quiet waits the state is %s after %d rounds, want synced after 1", act.Phase, act.Rounds)
	}
}

// TestWorkerOfflineAndBack: while the server cannot be reached the worker says offline
// since when, keeps the local change waiting and retries with backoff; once the server is
// back it sends the change by itself.
func TestWorkerOfflineAndBack(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	var attempts atomic.Int32
	tm.wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			attempts.Add(1)
			panic(http.ErrAbortHandler) // the connection drops: unreachable
		})
	})
	w := startWorker(t, a.svc, a.dir)
	a.addEntries(2, nil, "made offline")
	eventually(t, "the offline state", func() bool {
		act := w.Activity()
		return act.Phase == app.SyncOffline && act.State.Pending == 2
	})
	act := w.Activity()
	if act.OfflineSince.IsZero() || !errors.Is(act.Err, app.ErrUnavailable) || act.RetryAt.Before(act.OfflineSince) {
		t.Fatalf("offline state = %+v, want since when, the error and the next attempt", act)
	}
	since := act.OfflineSince
	eventually(t, "a few retries", func() bool { return attempts.Load() >= 4 })
	if act := w.Activity(); !act.OfflineSince.Equal(since) {
		t.Fatalf("offline since moved from %v to %v while the server stayed away", since, act.OfflineSince)
	}

	tm.wrap(func(http.Handler) http.Handler { return tm.plain() })
	eventually(t, "the entries on the server", func() bool { return len(entries(t, tm.svc, tm.owner)) == 2 })
	w.settled(t, 1)
	if act := w.Activity(); act.Err != nil || !act.OfflineSince.IsZero() || act.State.LastError != "" {
		t.Fatalf("back online the state keeps the outage: %+v", act)
	}
}

// TestWorkerBacksOff: failed attempts in a row space out (MinBackoff doubling up to
// MaxBackoff), so an unreachable server is not hammered.
func TestWorkerBacksOff(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	var attempts atomic.Int32
	tm.wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			attempts.Add(1)
			http.Error(w, "down for maintenance", http.StatusBadGateway)
		})
	})
	w := app.NewSyncWorker(a.svc, app.SyncWorkerOptions{Tokens: app.RemoteTokenFile(a.dir), Dial: stintsync.Dial,
		Wait: workerWait, MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// Without backoff a failing round repeats at once: thousands in two seconds. With it:
	// waits of at least 50, 100, 200, 200, … ms.
	if n := attempts.Load(); n < 3 || n > 12 {
		t.Fatalf("%d attempts in 2 s against a failing server, want between 3 and 12", n)
	}
	if act := w.Activity(); act.Phase != app.SyncOffline {
		t.Fatalf("phase = %s after 502s, want offline", act.Phase)
	}
}

// TestWorkerFailingSaysWhat: an answer that waiting will not fix (the session was revoked)
// is an error, not offline.
func TestWorkerFailingSaysWhat(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	if err := os.WriteFile(string(app.RemoteTokenFile(a.dir)), []byte("revoked-session"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, a.svc, a.dir)
	eventually(t, "the error state", func() bool { return w.Activity().Phase == app.SyncFailing })
	if act := w.Activity(); !errors.Is(act.Err, app.ErrUnauthorized) || act.State.LastError == "" {
		t.Fatalf("state = %+v, want the unauthorized error, recorded", act)
	}
}

// TestWorkerStopsCleanly: stopping the worker while the server holds its push (applied
// there, unanswered) returns at once and leaves no goroutine behind; the next worker pushes
// the batch again and the server keeps each entry once.
func TestWorkerStopsCleanly(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	held := make(chan struct{}, 1)
	tm.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/sync/push" {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r) // applied and committed ...
			select {
			case held <- struct{}{}:
			default:
			}
			<-r.Context().Done() // ... and the answer held until the client gives up
		})
	})
	w := startWorker(t, a.svc, a.dir)
	a.addEntries(3, nil, "pushed twice, kept once")
	select {
	case <-held:
	case <-time.After(within):
		t.Fatal("the worker did not push")
	}
	w.stop()
	eventually(t, "the worker's goroutines to end", func() bool { return workerGoroutines() == 0 })
	if st := a.status(); st.Pending != 3 {
		t.Fatalf("pending after the abandoned push = %d, want 3 (unacknowledged)", st.Pending)
	}

	tm.wrap(func(http.Handler) http.Handler { return tm.plain() })
	w2 := startWorker(t, a.svc, a.dir)
	w2.settled(t, 1)
	if n := len(entries(t, tm.svc, tm.owner)); n != 3 {
		t.Fatalf("server has %d entries after the push was repeated, want 3", n)
	}
	if st := a.status(); st.Pending != 0 {
		t.Fatalf("pending = %d, want 0", st.Pending)
	}
	// Stopped while its pull waits on the server: nothing stays behind either.
	time.Sleep(100 * time.Millisecond)
	w2.stop()
	eventually(t, "the worker's goroutines to end after a waiting pull", func() bool { return workerGoroutines() == 0 })
}

// workerGoroutines counts the goroutines running the sync worker's code.
func workerGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "app.(*SyncWorker)")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// TestWorkerWaitsForLogin: a worker on a device without a team server does nothing until
// kicked after a login, then brings the team's data.
func TestWorkerWaitsForLogin(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Team project"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.New(st, app.Options{Hasher: fastHasher, NodeID: "fresh"})
	w := startWorker(t, svc, dir)
	eventually(t, "not connected", func() bool { return w.Activity().Phase == app.SyncNotConnected })

	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		t.Fatal(err)
	}
	w.Kick()
	w.settled(t, 1)
	actor, err := svc.LocalActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := projectNames(t, svc, actor)[p.ID]; got != "Team project" {
		t.Fatalf("after the login the device has project %q, want the team's", got)
	}
	if err := svc.DisconnectRemote(ctx, app.RemoteTokenFile(dir)); err != nil {
		t.Fatal(err)
	}
	w.Kick()
	eventually(t, "not connected after the logout", func() bool { return w.Activity().Phase == app.SyncNotConnected })
}
