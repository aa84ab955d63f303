package server

import (
	"net/http"
	"strings"
	"testing"
)

// newToken creates a personal token of the member, its id bound to $new and its secret to
// the principal "new".
func newToken(name string) step {
	return step{method: "POST", path: "/v1/tokens", as: "member", body: `{"name":"` + name + `"}`, bind: "new", login: "new"}
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/tokens", token: tn.token("member"), body: `{"name":"cli","expires_in_days":30}`})
	secret := res.str("token")
	if !strings.HasPrefix(secret, "stint_") || res.str("kind") != "personal" || res.header.Get("Location") != "/v1/tokens/"+res.str("id") {
		t.Fatalf("created token: %v %s", res.header, res.body)
	}
	tn.tokens["cli"] = secret
	tn.ids["cli_token"] = res.str("id")
	ownerTok := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/tokens", token: tn.token("owner"), body: `{"name":"owner script"}`})
	tn.ids["owner_token"] = ownerTok.str("id")
	e.run(t, tn, []scenario{
		{name: "personal token authenticates", method: "GET", path: "/v1/me", as: "cli", status: http.StatusOK,
			want: map[string]any{"user.id": "$member_id", "role": "member"}},
		{name: "list shows no secrets", method: "GET", path: "/v1/tokens", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 2, "items.0.token": nil}},
		{name: "name required", method: "POST", path: "/v1/tokens", as: "member", body: `{}`, status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "lifetime bounded", method: "POST", path: "/v1/tokens", as: "member", body: `{"name":"x","expires_in_days":4000}`,
			status: http.StatusUnprocessableEntity, fields: []string{"expires_in_days"}},
		{name: "someone else's token is 404", method: "DELETE", path: "/v1/tokens/$owner_token", as: "member", status: http.StatusNotFound},
		{name: "revoke own", method: "DELETE", path: "/v1/tokens/$new", as: "member", status: http.StatusNoContent,
			setup: []step{newToken("revoked")}},
		{name: "revoked token is 401", method: "GET", path: "/v1/me", as: "new", status: http.StatusUnauthorized,
			setup: []step{newToken("revoked"), change("member", "DELETE", "/v1/tokens/$new", "")}},
		{name: "revoke twice is 404", method: "DELETE", path: "/v1/tokens/$new", as: "member", status: http.StatusNotFound,
			setup: []step{newToken("revoked"), change("member", "DELETE", "/v1/tokens/$new", "")}},
	})
	// The secret must not be recorded in the access log.
	if strings.Contains(e.logs.String(), secret) || strings.Contains(e.logs.String(), "correct horse") {
		t.Fatal("a secret reached the log")
	}
}
