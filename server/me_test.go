package server

import (
	"net/http"
	"testing"
)

func TestMe(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	tn.tokens["garbage"] = "stint_notarealtoken"
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/me", status: http.StatusUnauthorized},
		{name: "unknown token is 401", method: "GET", path: "/v1/me", as: "garbage", status: http.StatusUnauthorized},
		{name: "owner", method: "GET", path: "/v1/me", as: "owner", status: http.StatusOK,
			want: map[string]any{"user.id": "$owner_id", "role": "owner", "organization.id": "$org", "organizations.len": 1}},
		{name: "member", method: "GET", path: "/v1/me", as: "member", status: http.StatusOK,
			want: map[string]any{"user.id": "$member_id", "role": "member", "user.email": "member@acme.example.com"}},
		{name: "POST is not allowed", method: "POST", path: "/v1/me", as: "member", status: http.StatusMethodNotAllowed},
		{name: "anonymous cannot change settings", method: "PATCH", path: "/v1/me", body: `{"timezone":"Europe/Berlin"}`,
			status: http.StatusUnauthorized},
		{name: "a member sets their own zone", method: "PATCH", path: "/v1/me", as: "member", body: `{"timezone":"Asia/Tokyo"}`,
			status: http.StatusOK, want: map[string]any{"user.id": "$member_id", "user.timezone": "Asia/Tokyo"}},
		{name: "it is theirs, not the owner's", method: "GET", path: "/v1/me", as: "owner", status: http.StatusOK,
			want: map[string]any{"user.id": "$owner_id", "user.timezone": "Europe/Berlin"}},
		{name: "an unknown zone is refused", method: "PATCH", path: "/v1/me", as: "member", body: `{"timezone":"Mars/Olympus"}`,
			status: http.StatusUnprocessableEntity, want: map[string]any{"errors.0.field": "timezone"}},
		{name: "the machine's zone is no zone", method: "PATCH", path: "/v1/me", as: "member", body: `{"timezone":"Local"}`,
			status: http.StatusUnprocessableEntity},
		{name: "an empty body changes nothing", method: "PATCH", path: "/v1/me", as: "member", body: `{}`,
			status: http.StatusOK, want: map[string]any{"user.timezone": "Asia/Tokyo"}},
		{name: "an empty zone clears it", method: "PATCH", path: "/v1/me", as: "member", body: `{"timezone":""}`,
			status: http.StatusOK, want: map[string]any{"user.timezone": ""}},
		{name: "someone else's user cannot be named", method: "PATCH", path: "/v1/me", as: "member",
			body: `{"timezone":"Europe/Berlin","user_id":"$owner_id"}`, status: http.StatusUnprocessableEntity, want: map[string]any{"errors.0.field": "user_id"}},
		{name: "unknown path is 404 when signed in", method: "GET", path: "/v1/nope", as: "member", status: http.StatusNotFound},
		{name: "unknown path is 401 when anonymous", method: "GET", path: "/v1/nope", status: http.StatusUnauthorized},
	})
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: tn.token("member")})
	if res.header.Get("Cache-Control") != "no-store" || res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("private response headers: %v", res.header)
	}
	// A non-Bearer Authorization header is refused like a missing one.
	res = e.do(t, req{method: "GET", path: "/v1/me", headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}})
	if res.status != http.StatusUnauthorized {
		t.Fatalf("Basic auth: %d", res.status)
	}
}
