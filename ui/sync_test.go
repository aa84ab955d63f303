//go:build !headless

package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

const (
	teamEmail    = "ada@example.com"
	teamPassword = "correct horse battery"
)

// teamServer is a team server in-process: real app services on a real SQLite file behind the
// real HTTP server, with an owner and a project.
type teamServer struct {
	svc   *app.Service
	owner app.Actor
	url   string
	http  *httptest.Server
}

func newTeamServer(t *testing.T) *teamServer {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts := &teamServer{svc: app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}, NodeID: "server"})}
	sess, err := ts.svc.Signup(ctx, app.SignupInput{Email: teamEmail, Password: teamPassword, Name: "Ada",
		Organization: "Team", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if ts.owner, err = ts.svc.Authenticate(ctx, sess.Token, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.svc.CreateProject(ctx, ts.owner, app.ProjectInput{Name: "Team project"}); err != nil {
		t.Fatal(err)
	}
	ts.http = httptest.NewServer(server.New(ts.svc, server.Config{AllowSignup: true}).Handler())
	t.Cleanup(ts.http.Close)
	ts.url = ts.http.URL
	return ts
}

// startSync runs the device's sync worker until the test ends, and signs in through package
// sync as the desktop does (cmd/stint/desktop.go).
func (h *harness) startSync(dataDir string) (*app.SyncWorker, func(context.Context, TeamSignIn) (TeamSession, error)) {
	w := app.NewSyncWorker(h.svc, app.SyncWorkerOptions{Tokens: app.RemoteTokenFile(dataDir), Dial: stintsync.Dial,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx)
	}()
	h.t.Cleanup(func() {
		cancel()
		<-done
	})
	signIn := func(ctx context.Context, in TeamSignIn) (TeamSession, error) {
		base, err := stintsync.NormalizeURL(in.URL)
		if err != nil {
			return TeamSession{}, err
		}
		var sess app.Session
		if in.Code != "" {
			sess, err = stintsync.AcceptInvitation(ctx, nil, base, "", in.Code, in.Name, in.Password, in.Timezone)
		} else {
			sess, err = stintsync.Login(ctx, nil, base, in.Email, in.Password, uuid.Nil)
		}
		return TeamSession{URL: base, Session: sess}, err
	}
	return w, signIn
}

// until runs the window's queued work until cond holds, for up to 10 s: the sync worker
// reports from its own goroutine.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.wait()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: not within 10 s (sync status %q, phase %s, err %v)", what, h.u.sync.item.Text, h.u.sync.act.Phase, h.u.sync.act.Err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openConnect opens the connect dialog from Settings and fills it in.
func (h *harness) openConnect(url, email, password string) *connectDialog {
	h.t.Helper()
	h.u.show(slices.Index(h.u.screens, screen(h.u.settings)))
	h.wait()
	h.tap(h.u.settings.team.connectBtn)
	c := h.u.sync.connect
	if c == nil || !h.dialogOpen() {
		h.t.Fatal("no connect dialog")
	}
	h.typeInto(c.url, url)
	h.typeInto(c.email, email)
	h.typeInto(c.password, password)
	return c
}

func (h *harness) projectNames() []string {
	var out []string
	for _, p := range h.u.cat.projects {
		out = append(out, p.Name)
	}
	return out
}

// TestConnectAndSync: Settings → Connect to a team server with an account; the window opens
// the team's workspace with its data, the status reads Synced in the sidebar, Settings and
// the tray; a change made on the server appears, one made here reaches the server, and with
// the server gone the status says offline since when and what waits.
func TestConnectAndSync(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{workspace: true, sync: true, tray: true})
	h.until("the not-connected state", func() bool { return h.u.sync.act.Phase == app.SyncNotConnected })
	if h.u.sync.item.Visible() || h.u.tray.syncLine.Label != "" {
		t.Fatal("a sync status shows without a team server")
	}
	c := h.openConnect(ts.url, teamEmail, teamPassword)
	h.tap(c.connect)
	h.until("the team's workspace", func() bool { return h.u.actor.TenantID == ts.owner.TenantID })
	h.until("the team's project", func() bool { return slices.Contains(h.projectNames(), "Team project") })
	if h.dialogOpen() {
		t.Fatalf("the connect dialog stays open: %q", h.overlayText())
	}
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })
	if got := h.u.tray.syncLine.Label; got != "Sync: Synced" {
		t.Fatalf("tray sync line %q, want Sync: Synced", got)
	}
	h.u.show(slices.Index(h.u.screens, screen(h.u.settings)))
	team := h.u.settings.team
	h.until("the account in Settings", func() bool { return strings.Contains(team.server.Text, teamEmail) })
	if !strings.HasPrefix(team.server.Text, ts.url) || !strings.HasPrefix(team.state.Text, "Synced") || team.connectBtn.Visible() {
		t.Fatalf("settings show server %q, state %q", team.server.Text, team.state.Text)
	}

	// Others' changes arrive through the waiting pull, and the window reloads.
	if _, err := ts.svc.CreateProject(context.Background(), ts.owner, app.ProjectInput{Name: "Added on the server"}); err != nil {
		t.Fatal(err)
	}
	h.until("the server's project in the window", func() bool {
		h.external()
		return slices.Contains(h.projectNames(), "Added on the server")
	})
	// A change made here goes out.
	p := h.project("Made on the device")
	h.until("the device's project on the server", func() bool {
		_, err := ts.svc.Project(context.Background(), ts.owner, p.ID)
		return err == nil
	})

	// The server goes away: offline since when (Berlin time), and what waits.
	ts.http.Close()
	h.project("Made offline")
	h.until("offline", func() bool { return h.u.sync.item.Text == "Offline since 10:00" })
	h.until("the waiting change", func() bool { return h.u.tray.syncLine.Label == "Sync: Offline since 10:00 · 1 change waiting" })
	if got := h.u.tray.syncLine.Label; got != "Sync: Offline since 10:00 · 1 change waiting" {
		t.Fatalf("tray sync line %q", got)
	}
	if !strings.Contains(team.state.Text, "cannot be reached") || !strings.Contains(team.state.Text, "nothing is lost") {
		t.Fatalf("settings state %q, want what happened and that nothing is lost", team.state.Text)
	}
}

// TestConnectErrors: each way connecting fails says what to do, in the dialog, which stays
// open; nothing is connected.
func TestConnectErrors(t *testing.T) {
	for _, tc := range []struct {
		name, url, email, password string
		data                       bool // the local workspace holds an entry
		down                       bool // the server is not running
		want                       string
	}{
		{name: "bad address", url: "ftp://stint.example.com", email: teamEmail, password: teamPassword, want: "Give the server's address"},
		{name: "unreachable", down: true, email: teamEmail, password: teamPassword, want: "cannot be reached"},
		{name: "wrong password", email: teamEmail, password: "not the password", want: "Wrong e-mail or password"},
		{name: "plain http off this machine", url: "http://stint.example.com", email: teamEmail, password: teamPassword, want: "plain http://"},
		{name: "missing password", email: teamEmail, want: "Give your e-mail address and password"},
		{name: "workspace with data, no choice", data: true, email: teamEmail, password: teamPassword, want: "Choose what becomes of the time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTeamServer(t)
			h := newHarness(t, harnessOpts{workspace: true, sync: true})
			if tc.data {
				h.entryAt("mine", nil, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), time.Hour)
			}
			if tc.down {
				ts.http.Close()
			}
			url := tc.url
			if url == "" {
				url = ts.url
			}
			c := h.openConnect(url, tc.email, tc.password)
			h.tap(c.connect)
			h.until("the error", func() bool { return c.errLabel.Visible() })
			if !strings.Contains(c.errLabel.Text, tc.want) {
				t.Fatalf("error %q, want %q", c.errLabel.Text, tc.want)
			}
			if !h.dialogOpen() || c.connect.Disabled() {
				t.Fatal("the dialog closed or cannot be retried")
			}
			st, err := h.svc.SyncStatus(h.ctx, app.RemoteTokenFile(h.dataDir))
			if err != nil || st.Connected {
				t.Fatalf("after a failed connect: %+v, %v", st, err)
			}
		})
	}
}

// TestConnectPlainHTTPConfirmed: an http:// address off this machine goes ahead once the
// user ticks the box (here it is unreachable, which is the next thing said).
func TestConnectPlainHTTPConfirmed(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	// No network here: the sign-in records the address it was given and finds no server.
	var asked []string
	h.u.opts.SignIn = func(_ context.Context, in TeamSignIn) (TeamSession, error) {
		asked = append(asked, in.URL)
		return TeamSession{}, fmt.Errorf("cannot reach %s: %w", in.URL, app.ErrUnavailable)
	}
	c := h.openConnect("http://192.0.2.1:1", teamEmail, teamPassword)
	if !c.insecure.Visible() {
		t.Fatal("no confirmation offered for a plain-http address")
	}
	h.tap(c.connect)
	if len(asked) != 0 || !strings.Contains(c.errLabel.Text, "plain http://") {
		t.Fatalf("unconfirmed: signed in at %q, error %q; want the http warning and no sign-in", asked, c.errLabel.Text)
	}
	test.Tap(c.insecure)
	h.tap(c.connect)
	h.until("the answer", func() bool { return !c.connect.Disabled() })
	if len(asked) != 1 || asked[0] != "http://192.0.2.1:1" || !strings.Contains(c.errLabel.Text, "cannot be reached") {
		t.Fatalf("confirmed: signed in at %q, error %q; want one sign-in and the unreachable server", asked, c.errLabel.Text)
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "https://stint.example.com"} {
		h.typeInto(c.url, u)
		if c.insecure.Visible() {
			t.Errorf("%s asks for a plain-http confirmation", u)
		}
	}
}

// TestConnectWithInvitation: a fresh installation joins a team from the first screen with an
// invitation code, as a new account, and opens the team's workspace.
func TestConnectWithInvitation(t *testing.T) {
	ts := newTeamServer(t)
	inv, err := ts.svc.CreateInvitation(context.Background(), ts.owner, app.InvitationInput{Email: "grace@example.com", Role: app.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{sync: true})
	if h.u.onboarding == nil || !h.u.onboarding.join.Visible() {
		t.Fatal("the first screen offers no way to join a team server")
	}
	h.tap(h.u.onboarding.join)
	c := h.u.sync.connect
	h.typeInto(c.url, ts.url)
	c.how.SetSelected(howInvite)
	if c.account.Visible() || !c.invite.Visible() {
		t.Fatal("the invitation fields do not show")
	}
	h.typeInto(c.code, inv.Code)
	h.typeInto(c.name, "Grace Hopper")
	h.typeInto(c.newPass, "a long new password")
	h.tap(c.connect)
	h.until("the team's workspace", func() bool { return h.u.onboarding == nil && h.u.actor.TenantID == ts.owner.TenantID })
	h.until("the team's project", func() bool { return slices.Contains(h.projectNames(), "Team project") })
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })
	// A member may read less than the owner of a workspace of their own (clients): every
	// screen still opens without an error.
	for i := range h.u.screens {
		h.u.show(i)
		h.wait()
		if h.dialogOpen() {
			t.Fatalf("%s as a team member: %q", h.u.screens[i].title(), h.overlayText())
		}
	}
}

// TestSyncStatusTexts: what the status says for each state, in the user's zone.
func TestSyncStatusTexts(t *testing.T) {
	at := time.Date(2026, 11, 23, 13, 5, 0, 0, time.UTC) // 14:05 in Berlin
	unauthorized := errors.New("server answered 401: token expired: " + app.ErrUnauthorized.Error())
	for _, tc := range []struct {
		name        string
		act         app.SyncActivity
		want, short string // the whole status (tray, tip, details) and the sidebar's few words
	}{
		{"not connected", app.SyncActivity{Phase: app.SyncNotConnected}, "", ""},
		{"synced", app.SyncActivity{Phase: app.SyncSynced}, "Synced", "Synced"},
		{"waiting", app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{Pending: 3}}, "3 changes waiting", "3 changes waiting"},
		{"first sync", app.SyncActivity{Phase: app.SyncRunning, Progress: app.SyncProgress{Pulled: 12500}}, "Receiving changes: 12,500…", "Receiving 12,500…"},
		{"first sync, head known", app.SyncActivity{Phase: app.SyncRunning, Progress: app.SyncProgress{Pulled: 12500, Cursor: 12600, Head: 28000}},
			"Receiving changes: 12,500 (45%)…", "Receiving 45%…"},
		{"offline", app.SyncActivity{Phase: app.SyncOffline, OfflineSince: at, State: app.SyncState{Pending: 1}}, "Offline since 14:05 · 1 change waiting", "Offline since 14:05"},
		{"session gone", app.SyncActivity{Phase: app.SyncFailing, Err: errors.Join(unauthorized, app.ErrUnauthorized)}, "Sync error: sign in again", "Sync: sign in again"},
		{"old server", app.SyncActivity{Phase: app.SyncFailing, Err: &app.ProtocolError{Client: 2, Server: 1}}, "Sync error: update Stint", "Sync: update Stint"},
		{"refused", app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{Rejections: []app.SyncRejection{{At: at}, {At: at}}}}, "Synced · 2 changes refused", "2 changes refused"},
		{"server changes waiting", app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{Pending: 1, Deferred: []app.SyncDeferred{{}, {}, {}}}},
			"Synced · 3 changes from the server waiting · 1 change waiting", "3 not applied yet"},
		{"set aside", app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{Rejections: []app.SyncRejection{{At: at, Reason: app.RejectNotApplied}}}},
			"Synced · 1 change from the server set aside", "1 set aside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{workspace: true, tray: true})
			h.u.sync.set(tc.act)
			h.wait()
			if got, _ := h.u.sync.status(); got != tc.want {
				t.Fatalf("status %q, want %q", got, tc.want)
			}
			if h.u.sync.item.Visible() != (tc.want != "") || (tc.want != "" && h.u.sync.item.Text != tc.short) {
				t.Fatalf("sidebar item %q (visible %t), want %q", h.u.sync.item.Text, h.u.sync.item.Visible(), tc.short)
			}
			if len([]rune(tc.short)) > 20 {
				t.Fatalf("sidebar text %q is longer than the sidebar", tc.short)
			}
			if full, _ := h.u.sync.item.tipText(); tc.want != "" && full != tc.want {
				t.Fatalf("sidebar item's tip %q, want %q", full, tc.want)
			}
			want := ""
			if tc.want != "" {
				want = "Sync: " + tc.want
			}
			if got := h.u.tray.syncLine.Label; got != want {
				t.Fatalf("tray line %q, want %q", got, want)
			}
			if (want != "") != slices.Contains(h.tray.menu.Items, h.u.tray.syncLine) {
				t.Fatalf("tray menu holds the sync line: %t, want %t", !(want != ""), want != "")
			}
		})
	}
}

// TestRefusedChangesDialog: the status item opens the details, which list each refused
// change with its reason and what happened to the data; once seen, the status stops
// counting them.
func TestRefusedChangesDialog(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	at := h.svc.Now().Add(-time.Minute)
	h.u.sync.set(app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{URL: "https://stint.example.com", Rejections: []app.SyncRejection{
		{Entity: app.EntityTimeEntry, Op: app.OpUpsert, Reason: app.RejectNotFound, Message: "the project was deleted", At: at},
		{Entity: app.EntityProject, Op: app.OpDelete, Reason: app.RejectForbidden, Message: "your role does not allow this", At: at},
	}}})
	if h.u.sync.item.Text != "2 changes refused" {
		t.Fatalf("status %q", h.u.sync.item.Text)
	}
	h.tap(h.u.sync.item)
	text := h.overlayText()
	for _, want := range []string{
		"The server refused 2 changes",
		"saving a time entry: the project was deleted (not_found)", "stays on this device as you left it",
		"deleting a project: your role does not allow this (forbidden)", "deleted on this device only; the server still has it",
		"Server: https://stint.example.com",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q:\n%s", want, text)
		}
	}
	h.tap(h.u.sync.details.close)
	if h.u.sync.item.Text != "Synced" {
		t.Fatalf("after the details the status says %q, want Synced", h.u.sync.item.Text)
	}
}

// TestDisconnect: Settings → Disconnect asks first, then the device stops syncing and the
// section offers to connect again; the data stays.
func TestDisconnect(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	c := h.openConnect(ts.url, teamEmail, teamPassword)
	h.tap(c.connect)
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })
	h.u.show(slices.Index(h.u.screens, screen(h.u.settings)))
	h.wait()
	team := h.u.settings.team
	h.tap(team.disconnect)
	if !strings.Contains(h.overlayText(), "Everything on this computer stays here") {
		t.Fatalf("disconnect asks %q", h.overlayText())
	}
	h.tap(team.confirmBtn)
	h.until("not connected", func() bool { return h.u.sync.act.Phase == app.SyncNotConnected })
	if h.u.sync.item.Visible() || !team.connectBtn.Visible() || team.connected.Visible() {
		t.Fatal("after disconnecting the window still shows a team server")
	}
	if !slices.Contains(h.projectNames(), "Team project") {
		t.Fatal("the team's data went with the disconnect")
	}
}

// teamFuncs gives the window the publish and the catalog read as the desktop wires them
// (cmd/stint/desktop.go), through package sync.
func (h *harness) teamFuncs() {
	h.u.opts.Publish = func(ctx context.Context, url string, in app.PublishInput) (TeamSession, error) {
		sess, err := stintsync.Publish(ctx, nil, url, in)
		return TeamSession{URL: url, Session: sess}, err
	}
	h.u.opts.TeamCatalog = func(ctx context.Context, ts TeamSession) (app.TeamCatalog, error) {
		r, err := stintsync.NewRemote(ts.URL, ts.Session.Token, nil)
		if err != nil {
			return app.TeamCatalog{}, err
		}
		return r.Catalog(ctx, ts.Session.Organization.ID)
	}
}

// serverEntries lists the entries a user sees on the server.
func serverEntries(t *testing.T, svc *app.Service, a app.Actor) []app.TimeEntry {
	t.Helper()
	es, err := app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return svc.TimeEntries(context.Background(), a, app.EntryQuery{ListParams: lp})
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestConnectJoin: a computer that tracked time offline joins the team from the connect
// dialog: it chooses Join, sees what moves (entries, projects matched by name and new)
// before anything does, confirms, and the window opens the team's workspace holding its
// entry, which reaches the server.
func TestConnectJoin(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	h.teamFuncs()
	same := h.project("team PROJECT ") // the team's "Team project", matched by name
	h.project("Mine only")
	h.entryAt("offline work", &same, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), time.Hour)
	c := h.openConnect(ts.url, teamEmail, teamPassword)
	if !c.existing.Visible() {
		t.Fatal("the dialog does not offer to publish or join this computer's workspace")
	}
	c.choice.SetSelected(choiceJoin)
	h.tap(c.connect)
	h.until("the summary", func() bool { return c.summary.Visible() })
	for _, want := range []string{"Joining Team on " + ts.url, "1 time entry move into the team", "Projects: 1 matched to the team's by name, 1 new"} {
		if !strings.Contains(c.summary.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, c.summary.Text)
		}
	}
	if st, err := h.svc.SyncStatus(h.ctx, app.RemoteTokenFile(h.dataDir)); err != nil || st.Connected {
		t.Fatalf("connected before the summary was confirmed: %+v %v", st, err)
	}
	if c.connect.Text != "Move and connect" {
		t.Fatalf("confirm button says %q", c.connect.Text)
	}
	h.tap(c.connect)
	h.until("the team's workspace", func() bool { return h.u.actor.TenantID == ts.owner.TenantID })
	h.until("the entry on the server", func() bool {
		for _, e := range serverEntries(t, ts.svc, ts.owner) {
			if e.Description == "offline work" {
				return true
			}
		}
		return false
	})
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })
	names := h.projectNames()
	if !slices.Contains(names, "Team project") || !slices.Contains(names, "Mine only") || len(names) != 2 {
		t.Fatalf("after the join the window lists projects %q, want the team's and the new one, once each", names)
	}
}

// TestConnectPublish: a computer that tracked time offline publishes its workspace as a new
// team: the summary first, then the server has its entry under the new owner's sign-in and
// the window keeps its workspace, now synced.
func TestConnectPublish(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	h.teamFuncs()
	p := h.project("Garden")
	e := h.entryAt("digging", &p, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), time.Hour)
	before := h.u.actor
	c := h.openConnect(ts.url, "grace@example.com", "a long new password")
	c.choice.SetSelected(choicePublish)
	if !strings.Contains(c.note.seg.Text, "team owner's sign-in") {
		t.Fatalf("publishing does not say whose sign-in the e-mail becomes: %q", c.note.seg.Text)
	}
	h.tap(c.connect)
	h.until("the summary", func() bool { return c.summary.Visible() })
	if want := "1 time entry and 1 project, 0 clients, 0 tasks, 0 tags go to the server"; !strings.Contains(c.summary.Text, want) {
		t.Fatalf("summary %q, want %q", c.summary.Text, want)
	}
	if _, err := stintsync.Login(h.ctx, nil, ts.url, "grace@example.com", "a long new password", uuid.Nil); err == nil {
		t.Fatal("the server has the new team before the summary was confirmed")
	}
	h.tap(c.connect)
	h.until("the dialog closed", func() bool { return !h.dialogOpen() })
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })
	sess, err := stintsync.Login(h.ctx, nil, ts.url, "grace@example.com", "a long new password", uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := ts.svc.Authenticate(h.ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	es := serverEntries(t, ts.svc, owner)
	if len(es) != 1 || es[0].ID != e.ID || owner.TenantID != before.TenantID {
		t.Fatalf("the server's new team holds %+v (tenant %s), want the device's entry with its id in tenant %s", es, owner.TenantID, before.TenantID)
	}
	if h.u.actor != before {
		t.Fatalf("the window switched workspace: %+v, want %+v", h.u.actor, before)
	}
}

// TestConnectJoinRefusedForRole: a member whose workspace has projects the team lacks is
// told what to do before anything moves; nothing is connected.
func TestConnectJoinRefusedForRole(t *testing.T) {
	ts := newTeamServer(t)
	if _, err := ts.svc.AddMember(context.Background(), ts.owner, app.MemberInput{Email: "mem@example.com", Name: "Mem",
		Role: app.RoleMember, Password: "member password"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	h.teamFuncs()
	h.project("Not on the server")
	c := h.openConnect(ts.url, "mem@example.com", "member password")
	c.choice.SetSelected(choiceJoin)
	h.tap(c.connect)
	h.until("the error", func() bool { return c.errLabel.Visible() })
	if !strings.Contains(c.errLabel.Text, "may not create") || !strings.Contains(c.errLabel.Text, "nothing has moved") || c.summary.Visible() {
		t.Fatalf("error %q (summary shown %t), want what is missing and that nothing moved", c.errLabel.Text, c.summary.Visible())
	}
	if st, err := h.svc.SyncStatus(h.ctx, app.RemoteTokenFile(h.dataDir)); err != nil || st.Connected {
		t.Fatalf("after a refused join: %+v %v", st, err)
	}
}

// TestSyncFollowsLoginElsewhere: a `stint remote login` beside the running window (here the
// same service, with no kick, as another process's login reaches the worker) starts the
// sync: the window opens the team's workspace and reads Synced; a logout stops it and
// Settings offers to connect again.
func TestSyncFollowsLoginElsewhere(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{sync: true, workspace: true, tray: true})
	h.until("the not-connected state", func() bool { return h.u.sync.act.Phase == app.SyncNotConnected })
	sess, err := stintsync.Login(h.ctx, nil, ts.url, teamEmail, teamPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.ConnectRemote(h.ctx, app.RemoteTokenFile(h.dataDir), ts.url, sess); err != nil {
		t.Fatal(err)
	}
	h.until("the team's workspace", func() bool { return h.u.actor.TenantID == ts.owner.TenantID })
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" && h.u.tray.syncLine.Label == "Sync: Synced" })
	h.until("the team's project", func() bool { return slices.Contains(h.projectNames(), "Team project") })

	if err := h.svc.DisconnectRemote(h.ctx, app.RemoteTokenFile(h.dataDir)); err != nil {
		t.Fatal(err)
	}
	h.until("not connected", func() bool { return h.u.sync.act.Phase == app.SyncNotConnected })
	h.u.show(slices.Index(h.u.screens, screen(h.u.settings)))
	h.wait()
	if h.u.sync.item.Visible() || h.u.tray.syncLine.Label != "" || !h.u.settings.team.connectBtn.Visible() {
		t.Fatal("after a logout elsewhere the window still shows a team server")
	}
}

// TestDeferredInDetails: the details list the server's changes waiting to be applied with
// why, and a change set aside by a resync with what happened to the data.
func TestDeferredInDetails(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	at := h.svc.Now().Add(-time.Minute)
	id := uuid.MustParse("0193a5a0-0000-7000-8000-000000000001")
	h.u.sync.set(app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{URL: "https://stint.example.com",
		Deferred: []app.SyncDeferred{{Kind: app.SyncTimeEntry, ID: id, Why: "a running timer, while this device's other running timer has not been stopped yet"}},
		Rejections: []app.SyncRejection{{Entity: app.EntityProject, Op: app.OpUpsert, Reason: app.RejectNotApplied, At: at,
			Message: "a change from the server could not be applied here: it names a row that has not arrived yet", Outcome: app.RejectionSetAside}},
	}})
	h.tap(h.u.sync.item)
	text := h.overlayText()
	for _, want := range []string{
		"1 change from the server waits to be applied on this computer",
		"A time entry (0193a5a0…): a running timer, while this device's other running timer has not been stopped yet.",
		"a project from the server: a change from the server could not be applied here: it names a row that has not arrived yet",
		"Set aside when this device pulled everything again",
		"The server has refused none of this device's changes.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q:\n%s", want, text)
		}
	}
}

// TestFirstSyncProgressInSettings: Settings shows how far a first sync has come as a bar
// once the server has said, and a running bar before.
func TestFirstSyncProgressInSettings(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(slices.Index(h.u.screens, screen(h.u.settings)))
	h.wait()
	team := h.u.settings.team
	h.u.sync.set(app.SyncActivity{Phase: app.SyncRunning, State: app.SyncState{URL: "https://stint.example.com"},
		Progress: app.SyncProgress{Pulled: 1000}})
	if !team.progress.Visible() || team.done.Visible() {
		t.Fatal("before the server says how far, Settings shows no running bar")
	}
	h.u.sync.set(app.SyncActivity{Phase: app.SyncRunning, State: app.SyncState{URL: "https://stint.example.com"},
		Progress: app.SyncProgress{Pulled: 12500, Cursor: 12600, Head: 28000}})
	if !team.done.Visible() || team.progress.Visible() || team.done.Value != 0.45 {
		t.Fatalf("Settings shows bar %t at %v (running bar %t), want 0.45", team.done.Visible(), team.done.Value, team.progress.Visible())
	}
	if !strings.HasPrefix(team.state.Text, "Receiving changes: 12,500 (45%)") {
		t.Fatalf("Settings state %q", team.state.Text)
	}
	h.u.sync.set(app.SyncActivity{Phase: app.SyncSynced, State: app.SyncState{URL: "https://stint.example.com"}})
	if team.done.Visible() || team.progress.Visible() {
		t.Fatal("a bar stays after the sync")
	}
}

// TestConflictsInDetails: an edit sent from another device of the user with a stamp older
// than the entry's last edit loses its description on the team server; the sync details
// ask the server and list it with the value kept.
func TestConflictsInDetails(t *testing.T) {
	ts := newTeamServer(t)
	h := newHarness(t, harnessOpts{workspace: true, sync: true})
	h.until("the not-connected state", func() bool { return h.u.sync.act.Phase == app.SyncNotConnected })
	c := h.openConnect(ts.url, teamEmail, teamPassword)
	h.tap(c.connect)
	h.until("Synced", func() bool { return h.u.sync.item.Text == "Synced" })

	ctx := context.Background()
	stop := ts.svc.Now().Add(-time.Hour)
	e, err := ts.svc.CreateTimeEntry(ctx, ts.owner, app.TimeEntryInput{Description: "kept on the server", StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
	if err != nil {
		t.Fatal(err)
	}
	stale := e
	stale.Description = "typed on the laptop"
	row, err := json.Marshal(stale)
	if err != nil {
		t.Fatal(err)
	}
	hlc := app.NewHLC(app.NewFixedClock(ts.svc.Now().Add(-30*time.Minute)), "laptop").Now()
	out, err := ts.svc.Push(ctx, ts.owner, app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "laptop", Mutations: []app.Mutation{
		{ID: app.NewID(), DeviceSeq: 1, HLC: hlc, Entity: app.EntityTimeEntry, EntityID: e.ID, Op: app.OpUpsert, Row: row}}})
	if err != nil || len(out) != 1 || len(out[0].Lost) != 1 {
		t.Fatalf("push: %+v, %v", out, err)
	}

	h.tap(h.u.sync.item)
	h.until("the conflict in the details", func() bool { return strings.Contains(h.overlayText(), "was replaced by") })
	for _, want := range []string{"lost to a later edit of the same field", "a time entry's description (" + e.ID.String()[:8] + "…)",
		"“typed on the laptop” was replaced by “kept on the server”"} {
		if !strings.Contains(h.overlayText(), want) {
			t.Errorf("details lack %q:\n%s", want, h.overlayText())
		}
	}
}
