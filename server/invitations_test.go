package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

const badCode = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"

// inviteCode invites email as a member as the owner and binds the code to $code.
func inviteCode(email string) []step {
	return []step{{method: "POST", path: "/v1/invitations", as: "owner", body: `{"email":"` + email + `","role":"member"}`, bind: "code", from: "code"}}
}

// inviteID invites email as a member as the owner and binds the invitation's id to $inv.
func inviteID(email string) []step {
	return []step{{method: "POST", path: "/v1/invitations", as: "owner", body: `{"email":"` + email + `","role":"member"}`, bind: "inv"}}
}

func acceptBody(name string) string {
	return `{"code":"$code","name":"` + name + `","password":"correct horse"}`
}

func TestInvitations(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "anonymous may not invite", method: "POST", path: "/v1/invitations", body: `{"email":"a@acme.example.com","role":"member"}`, status: http.StatusUnauthorized},
		{name: "anonymous may not list", method: "GET", path: "/v1/invitations", status: http.StatusUnauthorized},
		{name: "admin invites", method: "POST", path: "/v1/invitations", as: "admin", body: `{"email":"New@acme.example.com","role":"manager"}`,
			status: http.StatusCreated, want: map[string]any{"email": "new@acme.example.com", "role": "manager", "status": "pending",
				"invited_by": "$admin_id", "organization_id": "$org", "code": "*", "accepted_at": nil},
			header: map[string]string{"Cache-Control": "no-store"}},
		{name: "a role above the inviter's is refused", method: "POST", path: "/v1/invitations", as: "admin",
			body: `{"email":"boss@acme.example.com","role":"owner"}`, status: http.StatusForbidden},
		{name: "owner invites an owner", method: "POST", path: "/v1/invitations", as: "owner",
			body: `{"email":"boss@acme.example.com","role":"owner","expires_in_days":2}`, status: http.StatusCreated, want: map[string]any{"role": "owner"}},
		{name: "a member is not invited again", method: "POST", path: "/v1/invitations", as: "owner",
			body: `{"email":"member@acme.example.com","role":"member"}`, status: http.StatusConflict},
		{name: "bad fields", method: "POST", path: "/v1/invitations", as: "owner",
			body: `{"email":"nope","role":"king","expires_in_days":31}`, status: http.StatusUnprocessableEntity, fields: []string{"email", "role", "expires_in_days"}},
		{name: "list never shows codes", method: "GET", path: "/v1/invitations", as: "admin", setup: inviteID("listed@acme.example.com"),
			status: http.StatusOK, listed: []string{"$inv"}, want: map[string]any{"items.0.code": nil}},
		{name: "list by status", method: "GET", path: "/v1/invitations?status=revoked", as: "owner",
			setup:  append(inviteID("gone@acme.example.com"), change("owner", "DELETE", "/v1/invitations/$inv", "")),
			status: http.StatusOK, listed: []string{"$inv"}, want: map[string]any{"items.0.status": "revoked"}},
		{name: "admin revokes", method: "DELETE", path: "/v1/invitations/$inv", as: "admin", setup: inviteID("revoke@acme.example.com"),
			status: http.StatusNoContent},
		{name: "revoking an unknown invitation", method: "DELETE", path: "/v1/invitations/$owner_id", as: "admin", status: http.StatusNotFound},

		{name: "accept without a session creates the account", method: "POST", path: "/v1/invitations/accept",
			setup: inviteCode("joiner@acme.example.com"), body: acceptBody("Joiner"), status: http.StatusCreated,
			want: map[string]any{"token": "*", "user.email": "joiner@acme.example.com", "user.name": "Joiner", "organization.id": "$org",
				"tenant.id": "$tenant"}, header: map[string]string{"Cache-Control": "no-store"}},
		{name: "the new account's session is a member", method: "GET", path: "/v1/me", as: "joined",
			setup: append(inviteCode("joined@acme.example.com"),
				step{method: "POST", path: "/v1/invitations/accept", body: acceptBody("Joined"), login: "joined"}),
			status: http.StatusOK, want: map[string]any{"role": "member", "user.email": "joined@acme.example.com"}},
		{name: "a code works once", method: "POST", path: "/v1/invitations/accept", body: acceptBody("Second"),
			setup:  append(inviteCode("once@acme.example.com"), step{method: "POST", path: "/v1/invitations/accept", body: acceptBody("First")}),
			status: http.StatusGone, want: map[string]any{"detail": "this invitation has been used already; sign in instead, or ask for a new invitation"}},
		{name: "an unknown code", method: "POST", path: "/v1/invitations/accept", body: `{"code":"` + badCode + `","name":"X","password":"correct horse"}`,
			status: http.StatusNotFound, want: map[string]any{"detail": "no invitation has this code; check it for typos, or ask for a new invitation"}},
		{name: "a malformed code", method: "POST", path: "/v1/invitations/accept", body: `{"code":"ABCD","name":"X","password":"correct horse"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"code"}},
		{name: "without a session, name and password are needed", method: "POST", path: "/v1/invitations/accept",
			setup: inviteCode("bare@acme.example.com"), body: `{"code":"$code"}`, status: http.StatusUnprocessableEntity, fields: []string{"name", "password"}},
		{name: "a bad session is 401, not a newcomer", method: "POST", path: "/v1/invitations/accept",
			setup: inviteCode("badtoken@acme.example.com"), body: acceptBody("X"), headers: map[string]string{"Authorization": "Bearer stint_nope"},
			status: http.StatusUnauthorized},
		{name: "a signed-in member of the organization is a member already", method: "POST", path: "/v1/invitations/accept", as: "member",
			setup: inviteCode("again@acme.example.com"), body: `{"code":"$code"}`, status: http.StatusConflict},
	})
}

// TestInvitationRoles is the authorization matrix of the invitation routes: every role on
// every route, each row with an invitation of its own.
func TestInvitationRoles(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	type route struct{ method, path, body string }
	routes := []route{
		{"POST", "/v1/invitations", `{"email":"matrix@acme.example.com","role":"member"}`},
		{"GET", "/v1/invitations", ""},
		{"DELETE", "/v1/invitations/$inv", ""},
	}
	want := map[string][]int{ // role → status per route
		"owner":   {http.StatusCreated, http.StatusOK, http.StatusNoContent},
		"admin":   {http.StatusCreated, http.StatusOK, http.StatusNoContent},
		"manager": {http.StatusForbidden, http.StatusForbidden, http.StatusForbidden},
		"member":  {http.StatusForbidden, http.StatusForbidden, http.StatusForbidden},
		"":        {http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized},
	}
	var rows []scenario
	for _, who := range append(principals(), "") {
		for i, r := range routes {
			rows = append(rows, scenario{name: who + " " + r.method + " " + r.path, method: r.method, path: r.path, body: r.body, as: who,
				setup: inviteID(who + "-" + r.method + "@acme.example.com"), status: want[who][i]})
		}
		// Any role, or none, may accept: the code is what counts. The invitation is to a
		// second organization the owner made, so the other principals are not members already.
		rows = append(rows, scenario{name: who + " accepts", method: "POST", path: "/v1/invitations/accept", as: who,
			setup: []step{{method: "POST", path: "/v1/organizations", as: "owner", body: `{"name":"Org for ` + who + `"}`, bind: "org2"},
				{method: "POST", path: "/v1/invitations", as: "owner", headers: map[string]string{"X-Org-Id": "$org2"},
					body: `{"email":"accept-` + who + `@acme.example.com","role":"member"}`, bind: "code", from: "code"}},
			body: acceptBody("Accepting"), status: http.StatusCreated, want: map[string]any{"organization.id": "$org2", "tenant.id": "$tenant"}})
		switch who {
		case "owner": // who made the organization owns it
			rows[len(rows)-1].status, rows[len(rows)-1].want = http.StatusConflict, nil
		case "":
		default:
			rows[len(rows)-1].want["user.id"] = "$" + who + "_id"
		}
	}
	e.run(t, tn, rows)
}

// TestInvitationAcrossTenants: tenant B's owner holding A's code joins A with an account
// of A's (B's own account is untouched), and B can neither list nor revoke A's invitations.
func TestInvitationAcrossTenants(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	b := e.newTenant(t, "tenant-b")
	created := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations", token: a.token("owner"),
		body: `{"email":"guest@tenant-b.example.com","role":"member"}`})
	code, id := created.str("code"), created.str("id")
	for _, who := range principals() {
		if res := e.do(t, req{method: "DELETE", path: "/v1/invitations/" + id, token: b.token(who)}); res.status < 400 {
			t.Errorf("B's %s revoked A's invitation: %d", who, res.status)
		}
		res := e.do(t, req{method: "GET", path: "/v1/invitations", token: b.token(who)})
		if strings.Contains(string(res.body), id) {
			t.Errorf("B's %s lists A's invitation: %s", who, res.body)
		}
		res = e.do(t, req{method: "GET", path: "/v1/invitations", token: b.token(who), headers: map[string]string{"X-Org-Id": a.ids["org"]}})
		if res.status != http.StatusNotFound {
			t.Errorf("B's %s in A's organization: %d", who, res.status)
		}
	}
	sess := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations/accept", token: b.token("owner"), body: `{"code":"` + code + `"}`})
	if sess.str("tenant.id") != a.ids["tenant"] || sess.str("user.email") != "guest@tenant-b.example.com" || sess.str("user.id") == b.ids["owner_id"] {
		t.Errorf("B's owner's session in A: %s", sess.body)
	}
	me := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: sess.str("token")})
	if me.str("role") != "member" || me.str("organization.id") != a.ids["org"] {
		t.Errorf("me in A: %s", me.body)
	}
	me = e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: b.token("owner")})
	if me.str("role") != "owner" || me.str("organization.id") != b.ids["org"] {
		t.Errorf("B's owner after accepting: %s", me.body)
	}
	// The same address invited to B by B, where it has no account, is a new account of B.
	created = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations", token: b.token("owner"),
		body: `{"email":"owner@tenant-a.example.com","role":"member"}`})
	sess = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations/accept",
		body: `{"code":"` + created.str("code") + `","name":"A's owner in B","password":"another horse"}`})
	if sess.str("tenant.id") != b.ids["tenant"] || sess.str("user.id") == a.ids["owner_id"] {
		t.Errorf("A's owner's address joining B: %s", sess.body)
	}
}

// TestInvitationRevokedCode: a revoked code is a 410 that says to ask for a new one.
func TestInvitationRevokedCode(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations", token: tn.token("owner"),
		body: `{"email":"revoked@acme.example.com","role":"member"}`})
	e.must(t, http.StatusNoContent, req{method: "DELETE", path: "/v1/invitations/" + res.str("id"), token: tn.token("admin")})
	res = e.do(t, req{method: "POST", path: "/v1/invitations/accept", body: `{"code":"` + res.str("code") + `","name":"Late","password":"correct horse"}`})
	if res.status != http.StatusGone || res.str("detail") != "this invitation was withdrawn; ask the person who invited you for a new one" {
		t.Errorf("revoked: %d %s", res.status, res.body)
	}
}

// TestInvitationExpired: a code past its lifetime is a 410 that says to ask for a new one.
func TestInvitationExpired(t *testing.T) {
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e := newClockEnv(t, clock)
	tn := e.newTenant(t, "acme")
	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invitations", token: tn.token("owner"),
		body: `{"email":"late@acme.example.com","role":"member"}`})
	if got := res.str("expires_at"); got != "2026-11-30T09:00:00Z" {
		t.Errorf("expires_at %s, want 7 days on", got)
	}
	clock.Advance(7 * 24 * time.Hour)
	res = e.do(t, req{method: "POST", path: "/v1/invitations/accept", body: `{"code":"` + res.str("code") + `","name":"Late","password":"correct horse"}`})
	if res.status != http.StatusGone || res.str("detail") != "this invitation has expired; ask the person who invited you for a new one" {
		t.Errorf("expired: %d %s", res.status, res.body)
	}
	res = e.must(t, http.StatusOK, req{method: "GET", path: "/v1/invitations?status=expired", token: tn.token("owner")})
	if res.str("items.0.status") != "expired" {
		t.Errorf("listed as: %s", res.body)
	}
}

// TestInvitationAcceptThrottled: accepting is limited per client address like sign-in, so
// codes cannot be guessed at speed.
func TestInvitationAcceptThrottled(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 3})
	var last response
	for range 4 {
		last = e.do(t, req{method: "POST", path: "/v1/invitations/accept", body: `{"code":"` + badCode + `","name":"X","password":"correct horse"}`})
	}
	wantThrottled(t, last, time.Minute)
}

// newClockEnv is newEnv with the service on clock.
func newClockEnv(t *testing.T, clock app.Clock) *testEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg := Config{AllowSignup: true, AuthRatePerMinute: 1_000_000,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	svc := app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	srv := New(svc, cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		_ = st.Close()
	})
	return &testEnv{store: st, svc: svc, srv: srv, ts: ts, client: ts.Client(), logs: logs}
}
