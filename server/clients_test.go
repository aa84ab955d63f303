package server

import (
	"net/http"
	"testing"
)

func TestClients(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/clients", status: http.StatusUnauthorized},
		{name: "member may not list", method: "GET", path: "/v1/clients", as: "member", status: http.StatusForbidden},
		{name: "member may not get", method: "GET", path: "/v1/clients/$client", as: "member", status: http.StatusForbidden},
		{name: "manager lists", method: "GET", path: "/v1/clients", as: "manager", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.name": "Client of acme"}},
		{name: "manager creates", method: "POST", path: "/v1/clients", as: "manager", body: `{"name":" Globex "}`,
			status: http.StatusCreated, want: map[string]any{"name": "Globex", "archived": false, "version": 1}},
		{name: "member may not create", method: "POST", path: "/v1/clients", as: "member", body: `{"name":"Initech"}`, status: http.StatusForbidden},
		{name: "duplicate is 409", method: "POST", path: "/v1/clients", as: "owner", body: `{"name":"client of ACME"}`, status: http.StatusConflict},
		{name: "name too long", method: "POST", path: "/v1/clients", as: "owner", body: `{"name":"` + longString(201) + `"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "multi-line name", method: "POST", path: "/v1/clients", as: "owner", body: `{"name":"a\nb"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "body is an array", method: "POST", path: "/v1/clients", as: "owner", body: `[]`, status: http.StatusUnprocessableEntity},
		{name: "admin gets", method: "GET", path: "/v1/clients/$client", as: "admin", status: http.StatusOK,
			want: map[string]any{"id": "$client", "organization_id": "$org"}},
		{name: "admin archives", method: "PATCH", path: "/v1/clients/$new", as: "admin", body: `{"archived":true}`,
			setup:   []step{create("owner", "/v1/clients", `{"name":"To archive"}`, "new")},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK, want: map[string]any{"archived": true, "version": 2}},
		{name: "stale rename", method: "PATCH", path: "/v1/clients/$new", as: "admin", body: `{"name":"Late"}`,
			setup:   []step{create("owner", "/v1/clients", `{"name":"Renamed twice"}`, "new"), change("owner", "PATCH", "/v1/clients/$new", `{"name":"First"}`)},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed},
		{name: "null name is ignored", method: "PATCH", path: "/v1/clients/$new", as: "admin", body: `{"name":null}`,
			setup:  []step{create("owner", "/v1/clients", `{"name":"Kept"}`, "new")},
			status: http.StatusOK, want: map[string]any{"name": "Kept"}},
		{name: "archived hidden", method: "GET", path: "/v1/clients", as: "manager", status: http.StatusOK,
			setup:  []step{create("owner", "/v1/clients", `{"name":"Hidden"}`, "new"), change("owner", "PATCH", "/v1/clients/$new", `{"archived":true}`)},
			listed: []string{"$client"}, hidden: []string{"$new"}},
		{name: "archived included", method: "GET", path: "/v1/clients?include_archived=true", as: "manager", status: http.StatusOK,
			setup:  []step{create("owner", "/v1/clients", `{"name":"Included"}`, "new"), change("owner", "PATCH", "/v1/clients/$new", `{"archived":true}`)},
			listed: []string{"$client", "$new"}},
		{name: "member may not delete", method: "DELETE", path: "/v1/clients/$client", as: "member", status: http.StatusForbidden},
		{name: "manager deletes", method: "DELETE", path: "/v1/clients/$new", as: "manager", headers: map[string]string{"If-Match": `"1"`},
			setup: []step{create("owner", "/v1/clients", `{"name":"Deleted"}`, "new")}, status: http.StatusNoContent},
		{name: "delete twice is 404", method: "DELETE", path: "/v1/clients/$new", as: "manager",
			setup:  []step{create("owner", "/v1/clients", `{"name":"Deleted twice"}`, "new"), change("owner", "DELETE", "/v1/clients/$new", "")},
			status: http.StatusNotFound},
	})
}

func longString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
