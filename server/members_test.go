package server

import (
	"net/http"
	"testing"
)

// memberStep adds a member named name to the organization, bound to $new.
func memberStep(name string) step {
	return step{method: "POST", path: "/v1/members", as: "owner", bind: "new", from: "user_id",
		body: `{"email":"` + name + `@acme.example.com","name":"` + name + `","role":"member","password":"correct horse"}`}
}

func TestMembers(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/members", status: http.StatusUnauthorized},
		{name: "member may not list", method: "GET", path: "/v1/members", as: "member", status: http.StatusForbidden},
		{name: "manager lists", method: "GET", path: "/v1/members", as: "manager", status: http.StatusOK, want: map[string]any{"items.len": 4}},
		{name: "manager gets", method: "GET", path: "/v1/members/$member_id", as: "manager", status: http.StatusOK,
			want: map[string]any{"user_id": "$member_id", "role": "member", "email": "member@acme.example.com"}},
		{name: "manager may not add", method: "POST", path: "/v1/members", as: "manager",
			body: `{"email":"new@acme.example.com","name":"New","role":"member","password":"long enough"}`, status: http.StatusForbidden},
		{name: "admin adds", method: "POST", path: "/v1/members", as: "admin",
			body: `{"email":"new@acme.example.com","name":"New","role":"member","password":"long enough"}`, status: http.StatusCreated,
			want: map[string]any{"role": "member", "name": "New", "version": 1}},
		{name: "already a member", method: "POST", path: "/v1/members", as: "admin",
			body: `{"email":"member@acme.example.com","role":"member"}`, status: http.StatusConflict},
		{name: "admin may not add an owner", method: "POST", path: "/v1/members", as: "admin",
			body: `{"email":"boss@acme.example.com","name":"Boss","role":"owner","password":"long enough"}`, status: http.StatusForbidden},
		{name: "bad role", method: "POST", path: "/v1/members", as: "owner", body: `{"email":"x@acme.example.com","role":"king"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"role"}},
		{name: "new user needs name and password", method: "POST", path: "/v1/members", as: "owner",
			body: `{"email":"y@acme.example.com","role":"member"}`, status: http.StatusUnprocessableEntity, fields: []string{"name", "password"}},
		{name: "bad e-mail", method: "POST", path: "/v1/members", as: "owner", body: `{"email":"not-an-email","role":"member"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"email"}},
		{name: "admin promotes member to manager", method: "PATCH", path: "/v1/members/$new", as: "admin",
			setup: []step{memberStep("promoted")},
			body:  `{"role":"manager"}`, headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK,
			want: map[string]any{"role": "manager", "version": 2}},
		{name: "stale role change", method: "PATCH", path: "/v1/members/$new", as: "admin",
			setup: []step{memberStep("stale"), change("owner", "PATCH", "/v1/members/$new", `{"role":"manager"}`)},
			body:  `{"role":"member"}`, headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed},
		{name: "admin may not make owners", method: "PATCH", path: "/v1/members/$member_id", as: "admin",
			body: `{"role":"owner"}`, status: http.StatusForbidden},
		{name: "last owner cannot step down", method: "PATCH", path: "/v1/members/$owner_id", as: "owner",
			body: `{"role":"admin"}`, status: http.StatusConflict},
		{name: "last owner cannot be removed", method: "DELETE", path: "/v1/members/$owner_id", as: "owner", status: http.StatusConflict},
		{name: "manager may not remove", method: "DELETE", path: "/v1/members/$member_id", as: "manager", status: http.StatusForbidden},
		{name: "admin removes", method: "DELETE", path: "/v1/members/$new", as: "admin", status: http.StatusNoContent,
			setup: []step{memberStep("removed")}},
		{name: "removed member is gone", method: "GET", path: "/v1/members/$new", as: "admin", status: http.StatusNotFound,
			setup: []step{memberStep("gone"), change("owner", "DELETE", "/v1/members/$new", "")}},
		{name: "removed member's token no longer opens the organization", method: "GET", path: "/v1/me", as: "removed", status: http.StatusUnauthorized,
			setup: []step{memberStep("locked"),
				{method: "POST", path: "/v1/auth/login", body: `{"email":"locked@acme.example.com","password":"correct horse"}`, login: "removed"},
				change("owner", "DELETE", "/v1/members/$new", "")}},
		{name: "malformed user id", method: "GET", path: "/v1/members/me", as: "admin", status: http.StatusUnprocessableEntity, fields: []string{"user_id"}},
	})
}
