package server

import (
	"net/http"
	"testing"
)

func TestProjects(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/projects", status: http.StatusUnauthorized},
		{name: "member lists", method: "GET", path: "/v1/projects", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.id": "$project", "next_cursor": ""}},
		{name: "owner creates", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"Apollo","color":"#ABCDEF"}`,
			status: http.StatusCreated, want: map[string]any{"name": "Apollo", "color": "#abcdef", "version": 1, "client_id": nil}},
		{name: "admin creates with client", method: "POST", path: "/v1/projects", as: "admin",
			body: `{"name":"Gemini","client_id":"$client","billable":true}`, status: http.StatusCreated,
			want: map[string]any{"client_id": "$client", "billable": true}},
		{name: "manager creates", method: "POST", path: "/v1/projects", as: "manager", body: `{"name":"Mercury"}`, status: http.StatusCreated},
		{name: "member may not create", method: "POST", path: "/v1/projects", as: "member", body: `{"name":"Vostok"}`, status: http.StatusForbidden},
		{name: "duplicate name is 409", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"project of ACME"}`,
			status: http.StatusConflict, want: map[string]any{"detail": "a project with this name already exists"}},
		{name: "missing name", method: "POST", path: "/v1/projects", as: "owner", body: `{}`, status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "blank name and bad colour", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"  ","color":"red"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name", "color"}},
		{name: "unknown field", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"X","budget":3}`,
			status: http.StatusUnprocessableEntity, fields: []string{"budget"}},
		{name: "wrong type", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":7}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "client of nowhere", method: "POST", path: "/v1/projects", as: "owner",
			body: `{"name":"Orphan","client_id":"01890000-0000-7000-8000-000000000000"}`, status: http.StatusUnprocessableEntity, fields: []string{"client_id"}},
		{name: "malformed client id", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"Orphan","client_id":"nope"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"client_id"}},
		{name: "malformed JSON", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":`, status: http.StatusBadRequest},
		{name: "member gets", method: "GET", path: "/v1/projects/$project", as: "member", status: http.StatusOK,
			want: map[string]any{"id": "$project", "client_id": "$client", "billable": true}},
		{name: "malformed id", method: "GET", path: "/v1/projects/123", as: "owner", status: http.StatusUnprocessableEntity, fields: []string{"id"}},
		{name: "unknown id", method: "GET", path: "/v1/projects/01890000-0000-7000-8000-000000000000", as: "owner", status: http.StatusNotFound},
		{name: "member may not patch", method: "PATCH", path: "/v1/projects/$project", as: "member", body: `{"name":"Mine"}`, status: http.StatusForbidden},
		{name: "manager renames with If-Match", method: "PATCH", path: "/v1/projects/$new", as: "manager", body: `{"name":"Renamed"}`,
			setup:   []step{create("owner", "/v1/projects", `{"name":"To rename"}`, "new")},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK, want: map[string]any{"name": "Renamed", "version": 2}},
		{name: "stale If-Match is 412", method: "PATCH", path: "/v1/projects/$new", as: "manager", body: `{"name":"Again"}`,
			setup:   []step{create("owner", "/v1/projects", `{"name":"Stale"}`, "new"), change("owner", "PATCH", "/v1/projects/$new", `{"billable":true}`)},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed},
		{name: "garbage If-Match is 412", method: "PATCH", path: "/v1/projects/$project", as: "manager", body: `{"name":"Again"}`,
			headers: map[string]string{"If-Match": `"v2"`}, status: http.StatusPreconditionFailed},
		{name: "weak If-Match never matches", method: "PATCH", path: "/v1/projects/$project", as: "manager", body: `{"billable":false}`,
			headers: map[string]string{"If-Match": `W/"1"`}, status: http.StatusPreconditionFailed},
		{name: "unquoted If-Match never matches", method: "PATCH", path: "/v1/projects/$project", as: "manager", body: `{"billable":false}`,
			headers: map[string]string{"If-Match": `1`}, status: http.StatusPreconditionFailed},
		{name: "If-Match list matches any", method: "PATCH", path: "/v1/projects/$new", as: "manager", body: `{"billable":false}`,
			setup:   []step{create("owner", "/v1/projects", `{"name":"Listed","billable":true}`, "new"), change("owner", "PATCH", "/v1/projects/$new", `{"color":"#000000"}`)},
			headers: map[string]string{"If-Match": `"1", W/"2", "2", "5"`}, status: http.StatusOK, want: map[string]any{"billable": false, "version": 3}},
		{name: "null client_id clears the client", method: "PATCH", path: "/v1/projects/$new", as: "owner", body: `{"client_id":null}`,
			setup:  []step{create("owner", "/v1/projects", `{"name":"Cleared","client_id":"$client"}`, "new")},
			status: http.StatusOK, want: map[string]any{"client_id": nil, "version": 2}},
		{name: "client_id sets the client", method: "PATCH", path: "/v1/projects/$new", as: "owner", body: `{"client_id":"$client"}`,
			setup:  []step{create("owner", "/v1/projects", `{"name":"Set"}`, "new")},
			status: http.StatusOK, want: map[string]any{"client_id": "$client"}},
		{name: "empty colour refused", method: "PATCH", path: "/v1/projects/$project", as: "owner", body: `{"color":""}`,
			status: http.StatusUnprocessableEntity, fields: []string{"color"}},
		{name: "archive", method: "PATCH", path: "/v1/projects/$new", as: "owner", body: `{"archived":true}`,
			setup:  []step{create("owner", "/v1/projects", `{"name":"Archived"}`, "new")},
			status: http.StatusOK, want: map[string]any{"archived": true}},
		{name: "archived hidden from list", method: "GET", path: "/v1/projects", as: "member", status: http.StatusOK,
			setup:  []step{create("owner", "/v1/projects", `{"name":"Hidden"}`, "new"), change("owner", "PATCH", "/v1/projects/$new", `{"archived":true}`)},
			listed: []string{"$project"}, hidden: []string{"$new"}},
		{name: "archived listed on request", method: "GET", path: "/v1/projects?include_archived=true&limit=500", as: "member", status: http.StatusOK,
			setup:  []step{create("owner", "/v1/projects", `{"name":"Shown"}`, "new"), change("owner", "PATCH", "/v1/projects/$new", `{"archived":true}`)},
			listed: []string{"$project", "$new"}},
		{name: "paged", method: "GET", path: "/v1/projects?include_archived=true&limit=1", as: "member", status: http.StatusOK,
			setup: []step{create("owner", "/v1/projects", `{"name":"Page two"}`, "new")},
			want:  map[string]any{"items.len": 1, "next_cursor": "*"}},
		{name: "limit out of range", method: "GET", path: "/v1/projects?limit=501", as: "member", status: http.StatusUnprocessableEntity, fields: []string{"limit"}},
		{name: "bad cursor", method: "GET", path: "/v1/projects?cursor=%21%21", as: "member", status: http.StatusUnprocessableEntity, fields: []string{"cursor"}},
		{name: "unknown query parameter", method: "GET", path: "/v1/projects?archived=1", as: "member", status: http.StatusUnprocessableEntity, fields: []string{"archived"}},
		{name: "member may not delete", method: "DELETE", path: "/v1/projects/$project", as: "member", status: http.StatusForbidden},
		{name: "stale delete is 412", method: "DELETE", path: "/v1/projects/$new", as: "owner", headers: map[string]string{"If-Match": `"1"`},
			setup:  []step{create("owner", "/v1/projects", `{"name":"Stale delete"}`, "new"), change("owner", "PATCH", "/v1/projects/$new", `{"billable":true}`)},
			status: http.StatusPreconditionFailed},
		{name: "owner deletes", method: "DELETE", path: "/v1/projects/$new", as: "owner", status: http.StatusNoContent,
			setup: []step{create("owner", "/v1/projects", `{"name":"Deleted"}`, "new")}},
		{name: "deleted is gone", method: "GET", path: "/v1/projects/$new", as: "owner", status: http.StatusNotFound,
			setup: []step{create("owner", "/v1/projects", `{"name":"Gone"}`, "new"), change("owner", "DELETE", "/v1/projects/$new", "")}},
	})
}

// TestProjectsPaging walks a list page by page with the opaque cursor.
func TestProjectsPaging(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "pager")
	for i := range 7 {
		e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: tn.token("owner"),
			body: `{"name":"P` + string(rune('a'+i)) + `"}`})
	}
	seen := map[string]bool{}
	path := "/v1/projects?limit=3"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		res := e.must(t, http.StatusOK, req{method: "GET", path: path, token: tn.token("member")})
		items, _ := res.field("items").([]any)
		for _, it := range items {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("project %s on two pages", id)
			}
			seen[id] = true
		}
		next := res.str("next_cursor")
		if next == "" {
			break
		}
		path = "/v1/projects?limit=3&cursor=" + next
	}
	if len(seen) != 7 {
		t.Fatalf("saw %d projects, want 7", len(seen))
	}
}
