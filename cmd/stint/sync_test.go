package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
)

// runStdin runs args with stdin as standard input.
func (h *harness) runStdin(stdin string, args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
	code := c.exit(c.dispatch(context.Background(), args))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// teamServer is a team server in-process on a real SQLite file, with one owner and a project.
func teamServer(t *testing.T) (*httptest.Server, *app.Service, app.Actor) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "ada@example.com", Password: "correct horse battery", Name: "Ada",
		Organization: "Team", Timezone: berlin})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateProject(ctx, owner, app.ProjectInput{Name: "Server side"}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(svc, server.Config{}).Handler())
	t.Cleanup(ts.Close)
	return ts, svc, owner
}

func TestRemoteLoginSyncStatusLogout(t *testing.T) {
	ts, svc, owner := teamServer(t)
	h := newHarness(t)

	r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Synced") {
		t.Fatalf("remote login: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if out := h.ok("projects", "list"); !strings.Contains(out, "Server side") {
		t.Fatalf("after login the device lists %q, want the server's project", out)
	}
	h.ok("projects", "add", "Made here")
	var st struct {
		State        string     `json:"state"`
		Pending      int        `json:"pending"`
		URL          string     `json:"url"`
		Error        string     `json:"last_error"`
		OfflineSince *time.Time `json:"offline_since"`
	}
	h.okJSON(&st, "sync", "status", "--json")
	if st.State != "pending" || st.Pending != 1 || st.URL != ts.URL {
		t.Fatalf("status = %+v, want pending 1 at %s", st, ts.URL)
	}
	if out := h.ok("sync"); !strings.Contains(out, "1 sent") {
		t.Fatalf("sync said %q, want 1 sent", out)
	}
	// Times in the user's zone (the server account's, Berlin), never the machine's.
	zone, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	if out, want := h.ok("sync", "status"), "Last success:  "+testNow().In(zone).Format(time.DateTime); !strings.Contains(out, want) {
		t.Fatalf("sync status said %q, want %q", out, want)
	}
	ps, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) {
		return svc.Projects(context.Background(), owner, lp, false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("server has %d projects, want 2", len(ps))
	}

	ts.Close()
	h.ok("projects", "add", "Offline")
	r = h.run("sync")
	if r.code == 0 || !strings.Contains(r.stderr, "cannot be reached") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("sync with the server down: exit %d, stderr %q; want non-zero and one clear line", r.code, r.stderr)
	}
	h.okJSON(&st, "sync", "status", "--json")
	if st.State != "offline" || st.Pending != 1 || st.Error == "" || st.OfflineSince == nil || !st.OfflineSince.Equal(testNow()) {
		t.Fatalf("status after a failed round = %+v, want offline since %v with 1 pending", st, testNow())
	}
	if out, want := h.ok("sync", "status"), "Offline since: "+testNow().In(zone).Format(time.DateTime); !strings.Contains(out, want) {
		t.Fatalf("sync status said %q, want %q", out, want)
	}

	h.ok("remote", "logout")
	h.okJSON(&st, "sync", "status", "--json")
	if st.State != "not connected" {
		t.Fatalf("status after logout = %+v, want not connected", st)
	}
	if r := h.run("sync"); r.code == 0 || !strings.Contains(r.stderr, "remote login") {
		t.Fatalf("sync after logout: exit %d, stderr %q; want the way to sign in", r.code, r.stderr)
	}
}

func TestRemoteLoginRefusesUsedWorkspace(t *testing.T) {
	ts, _, _ := teamServer(t)
	h := newHarness(t)
	h.ok("projects", "add", "Mine")
	r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "--publish") {
		t.Fatalf("login over a used local workspace: exit %d, stderr %q; want a refusal", r.code, r.stderr)
	}
	if out := h.ok("projects", "list"); !strings.Contains(out, "Mine") {
		t.Fatalf("the local workspace changed: %q", out)
	}
	var st map[string]any
	h.okJSON(&st, "sync", "status", "--json")
	if st["state"] != "not connected" {
		t.Fatalf("status = %v, want not connected", st)
	}
}

func TestRemoteLoginUsage(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{
		{"remote", "login"},
		{"remote", "login", "ftp://x", "--email", "a@b.c", "--password-stdin"},
		{"remote", "login", "https://x", "--password-stdin"},
		{"remote", "login", "https://x", "--email", "a@b.c"},
	} {
		if r := h.runStdin("pw\n", args...); r.code != 2 {
			t.Errorf("stint %s: exit %d, want 2 (usage)", strings.Join(args, " "), r.code)
		}
	}
}

// waitFor polls out until it contains want, for up to 10 s: changes travel within a second.
func waitFor(t *testing.T, out *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output within 10 s:\n%s", want, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSyncWatch: "stint sync --watch" prints a line per round, receives the server's change
// through its waiting pull, sends a change another command made here, says when the server
// is gone and comes back, and stops cleanly when its context ends (Ctrl+C).
func TestSyncWatch(t *testing.T) {
	ts, svc, owner := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: %s", r.stderr)
	}
	var out, errOut lockedBuffer
	c := &cli{stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- c.exit(c.dispatch(ctx, []string{"sync", "--watch"})) }()

	waitFor(t, &out, "round 1: 0 sent, 0 received")
	if _, err := svc.CreateProject(context.Background(), owner, app.ProjectInput{Name: "Renamed by a manager"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, &out, "round 2: 0 sent, 1 received")
	h.ok("projects", "add", "Made in another command")
	waitFor(t, &out, "round 3: 1 sent")
	ps, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) {
		return svc.Projects(context.Background(), owner, lp, false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("server has %d projects, want 3", len(ps))
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("sync --watch exit %d on stop, want 0; stderr %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sync --watch did not stop within 10 s")
	}
	if got := out.String(); !strings.HasSuffix(got, "Stopped.\n") || strings.Count(got, "\n") != 5 {
		t.Fatalf("sync --watch printed:\n%s\nwant a first line, three rounds and Stopped.", got)
	}
}

// TestSyncWatchOffline: with the server gone the watch says offline since when and keeps
// the change waiting; the line is printed once however often it retries.
func TestSyncWatchOffline(t *testing.T) {
	ts, _, _ := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: %s", r.stderr)
	}
	ts.Close()
	h.ok("projects", "add", "Offline")
	var out, errOut lockedBuffer
	c := &cli{stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- c.exit(c.dispatch(ctx, []string{"sync", "--watch"})) }()
	waitFor(t, &out, "offline since")
	time.Sleep(time.Second) // a few retries, which must not repeat the line
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	zone, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	want := "offline since " + testNow().In(zone).Format("15:04") + ": cannot reach"
	if got := out.String(); strings.Count(got, want) != 1 || !strings.Contains(got, "(1 change waiting here)") ||
		!strings.HasSuffix(got, "Stopped; 1 change waiting for the next sync.\n") {
		t.Fatalf("sync --watch with the server down printed:\n%s\nwant one %q line with the change waiting", got, want)
	}
}

func TestSyncWatchNotSignedIn(t *testing.T) {
	h := newHarness(t)
	if r := h.run("sync", "--watch"); r.code == 0 || !strings.Contains(r.stderr, "remote login") {
		t.Fatalf("sync --watch without a server: exit %d, stderr %q; want the way to sign in", r.code, r.stderr)
	}
}

// TestSyncWatchSIGTERM: SIGTERM (as a service manager or kill sends it) stops the watch with
// status 0 and says so. The signal goes to this test process, where the watch runs: while it
// runs, the signal is its to handle (a watch that did not would end the test binary).
func TestSyncWatchSIGTERM(t *testing.T) {
	ts, _, _ := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: %s", r.stderr)
	}
	var out, errOut lockedBuffer
	c := &cli{stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
	done := make(chan int, 1)
	go func() { done <- c.exit(c.dispatch(context.Background(), []string{"sync", "--watch"})) }()
	waitFor(t, &out, "round 1:")
	time.Sleep(200 * time.Millisecond) // its pull waits on the server now
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 || !strings.HasSuffix(out.String(), "Stopped.\n") {
			t.Fatalf("after SIGTERM: exit %d\n%s%s", code, out.String(), errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("sync --watch did not stop within 10 s of SIGTERM:\n%s", out.String())
	}
}

// TestPrintSyncStatus: the status lists the server's changes waiting here with why, and
// tells a change set aside by a resync from one the server refused.
func TestPrintSyncStatus(t *testing.T) {
	at := time.Date(2026, 11, 23, 13, 5, 0, 0, time.UTC)
	id := app.NewID()
	st := app.SyncState{URL: "https://stint.example.com", Connected: true, LastSuccess: &at,
		Deferred: []app.SyncDeferred{{Kind: app.SyncTimeEntry, ID: id, Why: "it names a row that has not arrived yet; a later pull brings it"}},
		Rejections: []app.SyncRejection{
			{Entity: app.EntityProject, EntityID: id, Op: app.OpUpsert, Reason: app.RejectNotApplied, At: at, Message: "could not be applied here"},
			{Entity: app.EntityTag, EntityID: id, Op: app.OpDelete, Reason: app.RejectForbidden, At: at, Message: "no"},
		}}
	var b strings.Builder
	printSyncStatus(&b, st, time.UTC)
	for _, want := range []string{
		"Not applied:   1 from the server",
		"Waiting:       time_entry " + id.String() + ": it names a row that has not arrived yet",
		"Set aside:     project " + id.String() + " at 2026-11-23 13:05:00: could not be applied here",
		"Refused:       delete tag " + id.String() + ": forbidden: no",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}

// TestSyncProgressLine: a long round draws a bar while receiving once the server has said how
// far there is to go, and counts before that.
func TestSyncProgressLine(t *testing.T) {
	for _, tc := range []struct {
		p    app.SyncProgress
		want string
	}{
		{app.SyncProgress{Pushed: 3}, "sync: 3 sent, 0 received… "},
		{app.SyncProgress{Pulled: 1000, Cursor: 25000, Head: 100000}, "sync: receiving [#######-----------------------]  25%  1000 received, 0 sent "},
		{app.SyncProgress{Pulled: 4000, Cursor: 100000, Head: 100000}, "sync: receiving [##############################] 100%  4000 received, 0 sent "},
	} {
		if got := syncProgressLine(tc.p); got != tc.want {
			t.Errorf("syncProgressLine(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
