package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestInviteCommands creates, lists and revokes invitations on the data directory, and
// checks that the code printed once is one the server accepts.
func TestInviteCommands(t *testing.T) {
	h := newHarness(t)
	out := h.ok("invite", "create", "Ada@Example.com", "--role", "manager")
	code := regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){7}`).FindString(out)
	if code == "" || !strings.Contains(out, "ada@example.com as manager") || !strings.Contains(out, "POST /v1/invitations/accept") ||
		!strings.Contains(out, "shown only this once") {
		t.Fatalf("create printed:\n%s", out)
	}
	var created map[string]any
	h.okJSON(&created, "invite", "create", "bob@example.com", "--days", "2", "--json")
	if created["code"] == "" || created["status"] != "pending" || created["role"] != "member" {
		t.Errorf("create --json: %v", created)
	}
	var rows []map[string]any
	h.okJSON(&rows, "invite", "list", "--json")
	if len(rows) != 2 || rows[0]["email"] != "ada@example.com" || rows[0]["code"] != nil {
		t.Fatalf("list --json: %v", rows)
	}
	if out := h.ok("invite", "list"); !strings.Contains(out, "ada@example.com") || !strings.Contains(out, "pending") || strings.Contains(out, code) {
		t.Errorf("list:\n%s", out)
	}
	if out := h.ok("invite", "revoke", created["id"].(string)); !strings.Contains(out, "Revoked") {
		t.Errorf("revoke: %q", out)
	}
	h.okJSON(&rows, "invite", "list", "--status", "revoked", "--json")
	if len(rows) != 1 || rows[0]["email"] != "bob@example.com" {
		t.Errorf("revoked: %v", rows)
	}
	// The printed code is accepted by the service over the same data.
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		sess, err := svc.AcceptInvitation(ctx, nil, app.AcceptInput{Code: code, Name: "Ada", Password: "correct horse"})
		if err != nil || sess.User.Email != "ada@example.com" || sess.Organization.ID != a.OrgID {
			t.Errorf("accepting the printed code: %+v %v", sess.User, err)
		}
	})
	h.okJSON(&rows, "invite", "list", "--status", "accepted", "--json")
	if len(rows) != 1 || rows[0]["email"] != "ada@example.com" {
		t.Errorf("accepted: %v", rows)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"invite"}, 2, "create, list, revoke or accept"},
		{[]string{"invite", "create"}, 2, "give one e-mail address"},
		{[]string{"invite", "create", "x@example.com", "--days", "31"}, 2, "--days"},
		{[]string{"invite", "create", "x@example.com", "--role", "king"}, 1, "role"},
		{[]string{"invite", "revoke", "nope"}, 1, "id"},
		{[]string{"invite", "revoke", "01900000-0000-7000-8000-000000000000"}, 1, "stint invite list"},
		{[]string{"invite", "accept", code}, 2, "--server URL"},
		{[]string{"invite", "accept", code, "--server", "https://x.example"}, 2, "--name NAME"},
		{[]string{"invite", "accept", code, "--server", "https://x.example", "--name", "N", "--email", "n@example.com"}, 2, "--name NAME"},
		{[]string{"invite", "accept", code, "--server", "https://x.example", "--name", "N"}, 2, "--password-stdin"},
	} {
		r := h.run(tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
	if out := h.ok("help", "invite"); !strings.Contains(out, "stint invite create EMAIL") {
		t.Errorf("help invite: %q", out)
	}
	if out := h.ok("invite", "create", "-h"); !strings.Contains(out, "stint invite create EMAIL") {
		t.Errorf("invite create -h: %q", out)
	}
}

// TestInviteCommandsConnected: on a data directory connected to a team server, create, list
// and revoke act on the server's invitations, and the printed code is accepted there.
func TestInviteCommandsConnected(t *testing.T) {
	ts, svc, owner := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	out := h.ok("invite", "create", "Bob@Example.com", "--role", "manager")
	code := regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){7}`).FindString(out)
	if code == "" || !strings.Contains(out, "--server "+ts.URL) {
		t.Fatalf("create printed:\n%s", out)
	}
	var created map[string]any
	h.okJSON(&created, "invite", "create", "carol@example.com", "--json")
	ctx := context.Background()
	onServer, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Invitation], error) {
		return svc.InvitationsList(ctx, owner, app.InvitationListParams{ListParams: lp})
	})
	if err != nil || len(onServer) != 2 {
		t.Fatalf("the server has %d invitations (%v), want the 2 just made", len(onServer), err)
	}
	var rows []map[string]any
	h.okJSON(&rows, "invite", "list", "--json")
	if len(rows) != 2 {
		t.Fatalf("list --json: %v", rows)
	}
	if out := h.ok("invite", "revoke", created["id"].(string)); !strings.Contains(out, "Revoked") {
		t.Errorf("revoke: %q", out)
	}
	h.okJSON(&rows, "invite", "list", "--status", "revoked", "--json")
	if len(rows) != 1 || rows[0]["email"] != "carol@example.com" {
		t.Errorf("revoked: %v", rows)
	}
	sess, err := svc.AcceptInvitation(ctx, nil, app.AcceptInput{Code: code, Name: "Bob", Password: "correct horse"})
	if err != nil || sess.User.Email != "bob@example.com" || sess.Organization.ID != owner.OrgID {
		t.Errorf("the server accepting the printed code: %+v %v", sess.User, err)
	}
	if r := h.run("invite", "revoke", "01890000-0000-7000-8000-000000000000"); r.code == 0 || !strings.Contains(r.stderr, "no invitation") {
		t.Errorf("revoking an unknown id: exit %d, stderr %q", r.code, r.stderr)
	}
}
