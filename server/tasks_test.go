package server

import (
	"net/http"
	"testing"
)

func TestTasks(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	tn.ids["project2"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: tn.token("owner"),
		body: `{"name":"Second"}`}).str("id")
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/tasks", status: http.StatusUnauthorized},
		{name: "member lists", method: "GET", path: "/v1/tasks", as: "member", status: http.StatusOK, want: map[string]any{"items.len": 1}},
		{name: "manager creates in project2", method: "POST", path: "/v1/tasks", as: "manager", body: `{"project_id":"$project2","name":"Write"}`,
			status: http.StatusCreated, want: map[string]any{"project_id": "$project2", "done": false}},
		{name: "filter by project", method: "GET", path: "/v1/tasks?project_id=$project2", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.name": "Write"}},
		{name: "filter by malformed project", method: "GET", path: "/v1/tasks?project_id=x", as: "member",
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "member may not create", method: "POST", path: "/v1/tasks", as: "member", body: `{"project_id":"$project","name":"Mine"}`,
			status: http.StatusForbidden},
		{name: "project required", method: "POST", path: "/v1/tasks", as: "owner", body: `{"name":"Loose"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "unknown project", method: "POST", path: "/v1/tasks", as: "owner", body: `{"project_id":"01890000-0000-7000-8000-000000000000","name":"Lost"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "member gets", method: "GET", path: "/v1/tasks/$task", as: "member", status: http.StatusOK, want: map[string]any{"project_id": "$project"}},
		{name: "manager completes", method: "PATCH", path: "/v1/tasks/$task", as: "manager", body: `{"done":true}`,
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK, want: map[string]any{"done": true, "version": 2}},
		{name: "move to project2", method: "PATCH", path: "/v1/tasks/$task", as: "manager", body: `{"project_id":"$project2"}`,
			status: http.StatusOK, want: map[string]any{"project_id": "$project2"}},
		{name: "null project is ignored", method: "PATCH", path: "/v1/tasks/$task", as: "manager", body: `{"project_id":null}`,
			status: http.StatusOK, want: map[string]any{"project_id": "$project2"}},
		{name: "stale patch", method: "PATCH", path: "/v1/tasks/$task", as: "manager", body: `{"done":false}`,
			headers: map[string]string{"If-Match": `"2"`}, status: http.StatusPreconditionFailed},
		{name: "member may not delete", method: "DELETE", path: "/v1/tasks/$task", as: "member", status: http.StatusForbidden},
		{name: "admin deletes", method: "DELETE", path: "/v1/tasks/$task", as: "admin", status: http.StatusNoContent},
		{name: "gone", method: "GET", path: "/v1/tasks/$task", as: "admin", status: http.StatusNotFound},
	})
}
