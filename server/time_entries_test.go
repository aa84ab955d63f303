package server

import (
	"net/http"
	"testing"
)

// memberEntry creates a stopped entry of the member with the extra JSON fields given,
// bound to $new.
func memberEntry(fields string) step {
	if fields != "" {
		fields += ","
	}
	return create("member", "/v1/time-entries", `{`+fields+`"started_at":"2025-11-06T09:00:00Z","stopped_at":"2025-11-06T10:00:00Z"}`, "new")
}

func TestTimeEntries(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	tn.ids["project2"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: tn.token("owner"),
		body: `{"name":"Second"}`}).str("id")
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/time-entries", status: http.StatusUnauthorized},
		{name: "member sees only its own", method: "GET", path: "/v1/time-entries", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 2, "items.0.id": "$running_entry", "items.1.id": "$member_entry"}},
		{name: "manager sees everyone's", method: "GET", path: "/v1/time-entries", as: "manager", status: http.StatusOK,
			want: map[string]any{"items.len": 3}},
		{name: "filter by user", method: "GET", path: "/v1/time-entries?user_id=$owner_id", as: "manager", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.id": "$entry"}},
		{name: "member may not filter by another user", method: "GET", path: "/v1/time-entries?user_id=$owner_id", as: "member", status: http.StatusForbidden},
		{name: "filter by time range", method: "GET", path: "/v1/time-entries?from=2025-11-02T00:00:00Z&to=2025-11-03T00:00:00Z", as: "admin",
			status: http.StatusOK, want: map[string]any{"items.len": 1, "items.0.id": "$entry"}},
		{name: "filter by project", method: "GET", path: "/v1/time-entries?project_id=$project2", as: "admin", status: http.StatusOK,
			want: map[string]any{"items.len": 0}},
		{name: "to before from", method: "GET", path: "/v1/time-entries?from=2025-11-03T00:00:00Z&to=2025-11-02T00:00:00Z", as: "admin",
			status: http.StatusUnprocessableEntity, fields: []string{"to"}},
		{name: "malformed from", method: "GET", path: "/v1/time-entries?from=yesterday", as: "admin", status: http.StatusUnprocessableEntity, fields: []string{"from"}},
		{name: "malformed user_id", method: "GET", path: "/v1/time-entries?user_id=42", as: "admin", status: http.StatusUnprocessableEntity, fields: []string{"user_id"}},
		{name: "paged", method: "GET", path: "/v1/time-entries?limit=2", as: "admin", status: http.StatusOK,
			want: map[string]any{"items.len": 2, "next_cursor": "*"}},

		{name: "member creates", method: "POST", path: "/v1/time-entries", as: "member",
			body:   `{"task_id":"$task","description":" review ","started_at":"2025-11-04T08:00:00+01:00","stopped_at":"2025-11-04T09:00:00+01:00","tag_ids":["$tag"]}`,
			status: http.StatusCreated, want: map[string]any{"user_id": "$member_id", "project_id": "$project", "task_id": "$task",
				"description": "review", "started_at": "2025-11-04T07:00:00Z", "source": "manual", "billable": true,
				"timezone": "Europe/Berlin", "tag_ids.0": "$tag", "version": 1}},
		{name: "running entry without stop conflicts with the running timer", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"started_at":"2025-11-05T08:00:00Z"}`, status: http.StatusConflict},
		{name: "admin logs time for the member", method: "POST", path: "/v1/time-entries", as: "admin",
			body:   `{"user_id":"$member_id","started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T08:30:00Z","billable":false,"source":"import"}`,
			status: http.StatusCreated, want: map[string]any{"user_id": "$member_id", "source": "import", "billable": false}},
		{name: "manager may not log time for others", method: "POST", path: "/v1/time-entries", as: "manager",
			body: `{"user_id":"$member_id","started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T08:30:00Z"}`, status: http.StatusForbidden},
		{name: "member may not log time for others", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"user_id":"$owner_id","started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T08:30:00Z"}`, status: http.StatusNotFound},
		{name: "started_at required", method: "POST", path: "/v1/time-entries", as: "member", body: `{"description":"x"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"started_at"}},
		{name: "times checked", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T07:00:00Z"}`, status: http.StatusUnprocessableEntity, fields: []string{"stopped_at"}},
		{name: "over a day refused", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-06T09:00:00Z"}`, status: http.StatusUnprocessableEntity, fields: []string{"stopped_at"}},
		{name: "malformed time", method: "POST", path: "/v1/time-entries", as: "member", body: `{"started_at":"5 Nov 2025"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"started_at"}},
		{name: "malformed tag id named by index", method: "POST", path: "/v1/time-entries", as: "member",
			body:   `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z","tag_ids":["$tag","nope"]}`,
			status: http.StatusUnprocessableEntity, fields: []string{"tag_ids[1]"}},
		{name: "unknown tag", method: "POST", path: "/v1/time-entries", as: "member",
			body:   `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z","tag_ids":["01890000-0000-7000-8000-000000000000","$tag"]}`,
			status: http.StatusUnprocessableEntity, fields: []string{"tag_ids[0]"}},
		{name: "duplicate tag", method: "POST", path: "/v1/time-entries", as: "member",
			body:   `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z","tag_ids":["$tag","$tag"]}`,
			status: http.StatusUnprocessableEntity, fields: []string{"tag_ids"}},
		{name: "task of another project", method: "POST", path: "/v1/time-entries", as: "member",
			body:   `{"project_id":"$project2","task_id":"$task","started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"task_id"}},
		{name: "timer source refused", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z","source":"timer"}`, status: http.StatusUnprocessableEntity, fields: []string{"source"}},
		{name: "bad timezone", method: "POST", path: "/v1/time-entries", as: "member",
			body: `{"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z","timezone":"Local"}`, status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},

		{name: "member may not read the owner's entry", method: "GET", path: "/v1/time-entries/$entry", as: "member", status: http.StatusNotFound},
		{name: "manager reads the member's entry", method: "GET", path: "/v1/time-entries/$member_entry", as: "manager", status: http.StatusOK,
			want: map[string]any{"user_id": "$member_id", "stopped_at": "2025-11-03T09:45:00Z"}},
		{name: "manager may not change the member's entry", method: "PATCH", path: "/v1/time-entries/$member_entry", as: "manager",
			body: `{"description":"theirs"}`, status: http.StatusForbidden},
		{name: "member may not change the owner's entry", method: "PATCH", path: "/v1/time-entries/$entry", as: "member",
			body: `{"description":"mine"}`, status: http.StatusNotFound},
		{name: "member edits its entry", method: "PATCH", path: "/v1/time-entries/$new", as: "member",
			setup: []step{memberEntry(`"project_id":"$project"`)},
			body:  `{"description":"edited","task_id":"$task"}`, headers: map[string]string{"If-Match": `"1"`}, status: http.StatusOK,
			want: map[string]any{"description": "edited", "task_id": "$task", "project_id": "$project", "version": 2}},
		{name: "stale edit", method: "PATCH", path: "/v1/time-entries/$new", as: "member",
			setup: []step{memberEntry(""), change("member", "PATCH", "/v1/time-entries/$new", `{"description":"first"}`)},
			body:  `{"description":"late"}`, headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed},
		{name: "null project clears project and task", method: "PATCH", path: "/v1/time-entries/$new", as: "member",
			setup: []step{memberEntry(`"project_id":"$project","task_id":"$task"`)},
			body:  `{"project_id":null}`, status: http.StatusOK, want: map[string]any{"project_id": nil, "task_id": nil}},
		{name: "replace tags, move times", method: "PATCH", path: "/v1/time-entries/$new", as: "member",
			setup:  []step{memberEntry(`"billable":false`)},
			body:   `{"tag_ids":["$tag"],"started_at":"2025-11-03T08:00:00Z","stopped_at":"2025-11-03T08:15:00Z","billable":true}`,
			status: http.StatusOK, want: map[string]any{"tag_ids.len": 1, "started_at": "2025-11-03T08:00:00Z", "billable": true}},
		{name: "empty tag list clears tags", method: "PATCH", path: "/v1/time-entries/$new", as: "member",
			setup: []step{memberEntry(`"tag_ids":["$tag"]`)},
			body:  `{"tag_ids":[]}`, status: http.StatusOK, want: map[string]any{"tag_ids.len": 0}},
		{name: "stopping a running entry by PATCH is refused", method: "PATCH", path: "/v1/time-entries/$running_entry", as: "member",
			body: `{"stopped_at":"2025-11-03T08:15:00Z"}`, status: http.StatusUnprocessableEntity, fields: []string{"stopped_at"}},
		{name: "malformed nullable", method: "PATCH", path: "/v1/time-entries/$member_entry", as: "member",
			body: `{"task_id":"nope"}`, status: http.StatusUnprocessableEntity, fields: []string{"task_id"}},
		{name: "admin edits the member's entry", method: "PATCH", path: "/v1/time-entries/$new", as: "admin",
			setup: []step{memberEntry("")},
			body:  `{"description":"by admin"}`, status: http.StatusOK, want: map[string]any{"user_id": "$member_id", "description": "by admin"}},
		{name: "manager may not delete the member's entry", method: "DELETE", path: "/v1/time-entries/$member_entry", as: "manager", status: http.StatusForbidden},
		{name: "member deletes its entry", method: "DELETE", path: "/v1/time-entries/$new", as: "member", status: http.StatusNoContent,
			setup: []step{memberEntry("")}},
		{name: "deleted entry is gone", method: "GET", path: "/v1/time-entries/$new", as: "admin", status: http.StatusNotFound,
			setup: []step{memberEntry(""), change("member", "DELETE", "/v1/time-entries/$new", "")}},
	})
}
