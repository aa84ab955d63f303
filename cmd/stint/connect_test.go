package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
)

// openServer is a team server in-process on a real SQLite file with no tenant yet; signup
// says whether it lets anyone sign up (and so publish).
func openServer(t *testing.T, signup bool) (*httptest.Server, *app.Service) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	ts := httptest.NewServer(server.New(svc, server.Config{AllowSignup: signup}).Handler())
	t.Cleanup(ts.Close)
	return ts, svc
}

// seedWork gives the data directory's own workspace the named projects, with an hour's
// entry on each, and returns the projects' ids by name.
func (h *harness) seedWork(projects ...string) map[string]string {
	h.t.Helper()
	ids := map[string]string{}
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		for i, name := range projects {
			p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: name})
			if err != nil {
				h.t.Fatal(err)
			}
			ids[name] = p.ID.String()
			from := time.Date(2026, 11, 23, 9+i, 0, 0, 0, time.UTC)
			to := from.Add(time.Hour)
			if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: from, StoppedAt: &to}); err != nil {
				h.t.Fatal(err)
			}
		}
	})
	return ids
}

// projects lists the data directory's projects by name.
func (h *harness) projects() []string {
	h.t.Helper()
	var ps []app.Project
	h.okJSON(&ps, "projects", "list", "--json")
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return names
}

// serverView lists the projects and counts the entries a session's user sees on the server.
func serverView(t *testing.T, svc *app.Service, token string) ([]app.Project, int) {
	t.Helper()
	ctx := context.Background()
	a, err := svc.Authenticate(ctx, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) { return svc.Projects(ctx, a, lp, true) })
	if err != nil {
		t.Fatal(err)
	}
	es, err := app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return svc.TimeEntries(ctx, a, app.EntryQuery{ListParams: lp})
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps, len(es)
}

func TestRemoteLoginPublish(t *testing.T) {
	ts, svc := openServer(t, true)
	h := newHarness(t)
	ids := h.seedWork("Mine", "Other")
	// A project made and deleted offline: the server never has it, and its delete is not
	// sent (the server would refuse it as unknown).
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Gone"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteProject(ctx, a, p.ID, 0); err != nil {
			t.Fatal(err)
		}
	})

	r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "solo@example.com", "--password-stdin", "--publish")
	if r.code != 0 || !strings.Contains(r.stdout, "Synced: 4 sent") || !strings.Contains(r.stderr, "2 time entries, 0 clients, 2 projects") {
		t.Fatalf("publish: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	var st struct {
		State      string `json:"state"`
		Pending    int    `json:"pending"`
		Rejections []any  `json:"rejections"`
	}
	h.okJSON(&st, "sync", "status", "--json")
	if st.Pending != 0 || len(st.Rejections) != 0 {
		t.Fatalf("status after publish = %+v, want nothing waiting or refused", st)
	}
	sess, err := svc.Login(context.Background(), app.LoginInput{Email: "solo@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("the published owner signs in with the password given: %v", err)
	}
	ps, n := serverView(t, svc, sess.Token)
	if len(ps) != 2 || n != 2 {
		t.Fatalf("server holds %d projects and %d entries, want 2 and 2", len(ps), n)
	}
	for _, p := range ps {
		if ids[p.Name] != p.ID.String() {
			t.Errorf("server's %s has id %s, want the device's %s", p.Name, p.ID, ids[p.Name])
		}
	}
	if got := h.projects(); !slices.Equal(got, []string{"Mine", "Other"}) {
		t.Errorf("device's projects after publish = %v", got)
	}

	// Publishing again carries on with the published workspace instead of failing, and
	// sends what changed meanwhile, deletes included.
	h.ok("remote", "logout")
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		es, err := svc.TimeEntries(ctx, a, app.EntryQuery{})
		if err != nil || len(es.Items) != 2 {
			t.Fatalf("entries before deleting one: %d, %v", len(es.Items), err)
		}
		if err := svc.DeleteTimeEntry(ctx, a, es.Items[0].ID, 0); err != nil {
			t.Fatal(err)
		}
	})
	r = h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "solo@example.com", "--password-stdin", "--publish")
	if r.code != 0 || !strings.Contains(r.stderr, "on "+ts.URL+" already") {
		t.Fatalf("publish again: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if ps, n := serverView(t, svc, sess.Token); len(ps) != 2 || n != 1 {
		t.Fatalf("after publishing again the server holds %d projects and %d entries, want 2 and 1", len(ps), n)
	}
	h.okJSON(&st, "sync", "status", "--json")
	if st.Pending != 0 || len(st.Rejections) != 0 {
		t.Fatalf("status after publishing again = %+v, want nothing waiting or refused", st)
	}
}

func TestRemoteLoginPublishRefused(t *testing.T) {
	ts, _ := openServer(t, false)
	h := newHarness(t)
	h.seedWork("Mine")
	r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "solo@example.com", "--password-stdin", "--publish")
	if r.code == 0 || !strings.Contains(r.stderr, "sign-up is disabled") {
		t.Fatalf("publish to a server without sign-up: exit %d, stderr %q", r.code, r.stderr)
	}
	var st map[string]any
	h.okJSON(&st, "sync", "status", "--json")
	if st["state"] != "not connected" {
		t.Fatalf("status = %v, want not connected", st)
	}
}

func TestRemoteLoginJoin(t *testing.T) {
	ts, svc, owner := teamServer(t) // the team has the project "Server side"
	h := newHarness(t)
	h.seedWork("server SIDE", "Mine")
	login := []string{"remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin", "--join"}

	// Without a terminal to ask on, a join needs --yes; nothing happens without it.
	r := h.runStdin("correct horse battery\n", login...)
	if r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("join without --yes: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Mine", "server SIDE"}) {
		t.Fatalf("the refused join changed the workspace: %v", got)
	}

	r = h.runStdin("correct horse battery\n", append(login, "--yes")...)
	if r.code != 0 || !strings.Contains(r.stderr, "2 time entries move there") ||
		!strings.Contains(r.stderr, "projects: 1 matched to the team's by name, 1 new") {
		t.Fatalf("join: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Mine", "Server side"}) {
		t.Fatalf("device's projects after the join = %v, want the team's Server side and the new Mine", got)
	}
	var st struct {
		Pending    int   `json:"pending"`
		Rejections []any `json:"rejections"`
	}
	h.okJSON(&st, "sync", "status", "--json")
	if st.Pending != 0 || len(st.Rejections) != 0 {
		t.Fatalf("status after the join = %+v", st)
	}
	sess, err := svc.Login(context.Background(), app.LoginInput{Email: "ada@example.com", Password: "correct horse battery", TenantID: owner.TenantID})
	if err != nil {
		t.Fatal(err)
	}
	ps, n := serverView(t, svc, sess.Token)
	if len(ps) != 2 || n != 2 {
		t.Fatalf("server holds %d projects and %d entries, want 2 (no duplicate) and the 2 moved", len(ps), n)
	}
}

func TestInviteAccept(t *testing.T) {
	ts, svc, owner := teamServer(t)
	ctx := context.Background()
	invite := func(email string, role app.Role) string {
		inv, err := svc.CreateInvitation(ctx, owner, app.InvitationInput{Email: email, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return inv.Code
	}

	// A fresh device: a new account, and the team's data with the first sync.
	h := newHarness(t)
	code := invite("bo@example.com", app.RoleMember)
	r := h.runStdin("bo's password\n", "invite", "accept", code, "--server", ts.URL, "--name", "Bo", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Synced") || !strings.Contains(r.stderr, "as bo@example.com") {
		t.Fatalf("invite accept: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Server side"}) {
		t.Fatalf("device's projects after accepting = %v, want the team's", got)
	}
	if r := h.runStdin("bo's password\n", "invite", "accept", code, "--server", ts.URL, "--name", "Bo", "--password-stdin"); r.code == 0 ||
		!strings.Contains(r.stderr, "used already") {
		t.Fatalf("accepting a used code: exit %d, stderr %q", r.code, r.stderr)
	}

	// A device with work of its own needs --join, and keeps the code unused until then.
	h = newHarness(t)
	h.seedWork("Side project")
	code = invite("dee@example.com", app.RoleManager)
	accept := []string{"invite", "accept", code, "--server", ts.URL, "--name", "Dee", "--password-stdin"}
	if r := h.runStdin("dee's password\n", accept...); r.code != 2 || !strings.Contains(r.stderr, "--join") {
		t.Fatalf("accept over own work without --join: exit %d, stderr %q", r.code, r.stderr)
	}
	r = h.runStdin("dee's password\n", append(accept, "--join", "--yes")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Synced: 2 sent") {
		t.Fatalf("accept --join: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Server side", "Side project"}) {
		t.Fatalf("device's projects after joining = %v", got)
	}
	ps, _ := serverView(t, svc, mustLogin(t, svc, "ada@example.com", "correct horse battery"))
	if len(ps) != 2 {
		t.Fatalf("server holds %d projects, want Server side and Dee's Side project", len(ps))
	}

	// A member may not create projects: a join that would is refused and moves nothing;
	// once the team has the project, signing in with --join matches it.
	h = newHarness(t)
	h.seedWork("Side project", "Secret")
	code = invite("cy@example.com", app.RoleMember)
	r = h.runStdin("cy's password\n", "invite", "accept", code, "--server", ts.URL, "--name", "Cy", "--password-stdin", "--join", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "1 projects that the team does not have") || !strings.Contains(r.stderr, "nothing has moved") {
		t.Fatalf("a member's join creating a project: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Secret", "Side project"}) {
		t.Fatalf("the refused join changed the workspace: %v", got)
	}
	if _, err := svc.CreateProject(ctx, owner, app.ProjectInput{Name: "secret"}); err != nil {
		t.Fatal(err)
	}
	r = h.runStdin("cy's password\n", "remote", "login", ts.URL, "--email", "cy@example.com", "--password-stdin", "--join", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "Synced: 2 sent") {
		t.Fatalf("the member's join once the team has the projects: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if got := h.projects(); !slices.Equal(got, []string{"Server side", "Side project", "secret"}) {
		t.Fatalf("member's projects after joining = %v", got)
	}

	// An existing account accepts by signing in.
	h = newHarness(t)
	code = invite("ada+2@example.com", app.RoleMember)
	r = h.runStdin("correct horse battery\n", "invite", "accept", code, "--server", ts.URL, "--email", "ada@example.com", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "member of this organization already") {
		t.Fatalf("the owner accepting into the own organization: exit %d, stderr %q", r.code, r.stderr)
	}
}

func mustLogin(t *testing.T, svc *app.Service, email, password string) string {
	t.Helper()
	sess, err := svc.Login(context.Background(), app.LoginInput{Email: email, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return sess.Token
}

// TestConfirm: only y or yes, in any case, confirms a join on a terminal; anything else,
// an empty line or no answer at all moves nothing.
func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{"y\n": true, "YES\r\n": true, " yes \n": true, "n\n": false, "\n": false,
		"": false, "yes please\n": false} {
		var errOut bytes.Buffer
		c := &cli{stderr: &errOut}
		got, err := c.confirm(bufio.NewReader(strings.NewReader(answer)), "Move them? [y/N] ")
		if err != nil || got != want {
			t.Errorf("answer %q: %v, %v; want %v", answer, got, err, want)
		}
		if errOut.String() != "Move them? [y/N] " {
			t.Errorf("the question went out as %q", errOut.String())
		}
	}
}
