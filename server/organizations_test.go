package server

import (
	"net/http"
	"testing"
)

func TestOrganizations(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	other := e.newTenant(t, "globex")
	tn.ids["other_org"] = other.ids["org"]
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/organizations", status: http.StatusUnauthorized},
		{name: "member lists its organizations", method: "GET", path: "/v1/organizations", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.id": "$org", "next_cursor": ""}},
		{name: "member gets", method: "GET", path: "/v1/organizations/$org", as: "member", status: http.StatusOK,
			want: map[string]any{"name": "acme Ltd", "timezone": "Europe/Berlin"}},
		{name: "member may not create", method: "POST", path: "/v1/organizations", as: "member", body: `{"name":"Side"}`, status: http.StatusForbidden},
		{name: "manager may not create", method: "POST", path: "/v1/organizations", as: "manager", body: `{"name":"Side"}`, status: http.StatusForbidden},
		{name: "admin creates and owns it", method: "POST", path: "/v1/organizations", as: "admin", body: `{"name":"Labs","timezone":"America/New_York"}`,
			status: http.StatusCreated, want: map[string]any{"name": "Labs", "timezone": "America/New_York", "version": 1}},
		{name: "bad timezone", method: "POST", path: "/v1/organizations", as: "owner", body: `{"name":"Labs2","timezone":"Mars/Olympus"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
		{name: "member may not rename", method: "PATCH", path: "/v1/organizations/$org", as: "member", body: `{"name":"Mine"}`, status: http.StatusForbidden},
		{name: "owner renames", method: "PATCH", path: "/v1/organizations/$new", as: "owner", body: `{"name":"Acme Corp"}`,
			setup:   []step{create("owner", "/v1/organizations", `{"name":"Renamed"}`, "new")},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK, want: map[string]any{"name": "Acme Corp", "version": 2}},
		{name: "stale rename", method: "PATCH", path: "/v1/organizations/$new", as: "owner", body: `{"name":"Acme Inc"}`,
			setup:   []step{create("owner", "/v1/organizations", `{"name":"Stale"}`, "new"), change("owner", "PATCH", "/v1/organizations/$new", `{"name":"First"}`)},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed},
		{name: "empty timezone", method: "PATCH", path: "/v1/organizations/$org", as: "owner", body: `{"timezone":""}`,
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
		{name: "another tenant's organization is 404", method: "GET", path: "/v1/organizations/$other_org", as: "owner", status: http.StatusNotFound},
		{name: "X-Org-Id of another tenant is 404", method: "GET", path: "/v1/me", as: "owner",
			headers: map[string]string{"X-Org-Id": "$other_org"}, status: http.StatusNotFound},
		{name: "malformed X-Org-Id is 422", method: "GET", path: "/v1/me", as: "owner",
			headers: map[string]string{"X-Org-Id": "acme"}, status: http.StatusUnprocessableEntity, fields: []string{"X-Org-Id"}},
	})
}

// TestOrganizationSwitch acts in a second organization with X-Org-Id.
func TestOrganizationSwitch(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	org2 := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/organizations", token: tn.token("owner"), body: `{"name":"Labs"}`}).str("id")
	h := map[string]string{"X-Org-Id": org2}
	e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), headers: h, body: `{"name":"Lab project"}`})
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: tn.token("owner"), headers: h})
	if res.str("organization.id") != org2 || res.field("organizations.len") != float64(2) {
		t.Fatalf("me in org2: %s", res.body)
	}
	if n := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/projects", token: tn.token("owner"), headers: h}).field("items.len"); n != float64(1) {
		t.Fatalf("org2 projects: %v", n)
	}
	if n := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/projects", token: tn.token("owner")}).field("items.len"); n != float64(0) {
		t.Fatalf("default org projects: %v", n)
	}
	// The member belongs to the default organization only.
	e.must(t, http.StatusNotFound, req{method: "GET", path: "/v1/projects", token: tn.token("member"), headers: h})
}
