package server

import (
	"net/http"
	"testing"
)

// newTask creates a task named name in $project, bound to $new.
func newTask(name string) step {
	return create("owner", "/v1/tasks", `{"project_id":"$project","name":"`+name+`"}`, "new")
}

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
			setup:  []step{create("owner", "/v1/tasks", `{"project_id":"$project2","name":"Filtered"}`, "new")},
			listed: []string{"$new"}, hidden: []string{"$task"}},
		{name: "filter by malformed project", method: "GET", path: "/v1/tasks?project_id=x", as: "member",
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "member may not create", method: "POST", path: "/v1/tasks", as: "member", body: `{"project_id":"$project","name":"Mine"}`,
			status: http.StatusForbidden},
		{name: "project required", method: "POST", path: "/v1/tasks", as: "owner", body: `{"name":"Loose"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "unknown project", method: "POST", path: "/v1/tasks", as: "owner", body: `{"project_id":"01890000-0000-7000-8000-000000000000","name":"Lost"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "member gets", method: "GET", path: "/v1/tasks/$task", as: "member", status: http.StatusOK, want: map[string]any{"project_id": "$project"}},
		{name: "manager completes", method: "PATCH", path: "/v1/tasks/$new", as: "manager", body: `{"done":true}`,
			setup:   []step{newTask("completed")},
			headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK, want: map[string]any{"done": true, "version": 2}},
		{name: "move to project2", method: "PATCH", path: "/v1/tasks/$new", as: "manager", body: `{"project_id":"$project2"}`,
			setup:  []step{newTask("moved")},
			status: http.StatusOK, want: map[string]any{"project_id": "$project2"}},
		{name: "null project is ignored", method: "PATCH", path: "/v1/tasks/$new", as: "manager", body: `{"project_id":null}`,
			setup:  []step{newTask("kept")},
			status: http.StatusOK, want: map[string]any{"project_id": "$project"}},
		{name: "stale patch", method: "PATCH", path: "/v1/tasks/$new", as: "manager", body: `{"done":false}`,
			setup:   []step{newTask("stale"), change("owner", "PATCH", "/v1/tasks/$new", `{"done":true}`), change("owner", "PATCH", "/v1/tasks/$new", `{"done":false}`)},
			headers: map[string]string{"If-Match": `"2"`}, status: http.StatusPreconditionFailed},
		{name: "member may not delete", method: "DELETE", path: "/v1/tasks/$task", as: "member", status: http.StatusForbidden},
		{name: "admin deletes", method: "DELETE", path: "/v1/tasks/$new", as: "admin", status: http.StatusNoContent,
			setup: []step{newTask("deleted")}},
		{name: "gone", method: "GET", path: "/v1/tasks/$new", as: "admin", status: http.StatusNotFound,
			setup: []step{newTask("gone"), change("owner", "DELETE", "/v1/tasks/$new", "")}},
	})
}
