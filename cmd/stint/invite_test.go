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
