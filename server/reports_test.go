package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

func TestReports(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30", status: http.StatusUnauthorized},
		{name: "owner sees everyone's time", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 5400 + 2700, "days.len": 2, "days.0.date": "2025-11-02",
				"days.0.seconds": 5400, "projects.0.project_id": "$project", "timezone": "UTC"}},
		{name: "default timezone is the user's", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30", as: "owner",
			status: http.StatusOK, want: map[string]any{"timezone": "Europe/Berlin"}},
		{name: "member sees its own", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30", as: "member",
			status: http.StatusOK, want: map[string]any{"total_seconds": 2700}},
		{name: "filter by user", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&user_id=$owner_id", as: "manager",
			status: http.StatusOK, want: map[string]any{"total_seconds": 5400}},
		{name: "member may not report on others", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&user_id=$owner_id", as: "member",
			status: http.StatusForbidden},
		{name: "dates required", method: "GET", path: "/v1/reports/summary", as: "owner", status: http.StatusUnprocessableEntity, fields: []string{"from", "to"}},
		{name: "malformed date", method: "GET", path: "/v1/reports/summary?from=Nov&to=2025-11-30", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"from"}},
		{name: "impossible date", method: "GET", path: "/v1/reports/summary?from=2025-02-30&to=2025-11-30", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"from"}},
		{name: "to before from", method: "GET", path: "/v1/reports/summary?from=2025-11-30&to=2025-11-01", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"to"}},
		{name: "bad timezone", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=Moon", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
		{name: "grouped by user and day, days and projects kept", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC&group=user,day", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 8100, "rows.len": 2, "rows.0.period": "2025-11-02", "rows.0.values.0.group": "user",
				"rows.0.values.0.id": "$owner_id", "rows.0.seconds": 5400, "days.len": 0, "projects.len": 0, "group.1": "day", "as_of": "*"}},
		{name: "grouped by tag, no tag last", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC&group=tag", as: "owner",
			status: http.StatusOK, want: map[string]any{"rows.len": 2, "rows.0.values.0.name": "Tag of acme", "rows.0.seconds": 5400,
				"rows.1.values.0.id": nil, "rows.1.seconds": 2700, "rows.0.period": nil}},
		{name: "grouped by client and task", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC&group=client,task", as: "owner",
			status: http.StatusOK, want: map[string]any{"rows.len": 2, "rows.0.values.0.name": "Client of acme", "rows.0.values.1.name": "Task of acme", "total_seconds": 8100}},
		{name: "weeks from Sunday", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC&group=week&week_start=sunday", as: "owner",
			status: http.StatusOK, want: map[string]any{"rows.len": 1, "rows.0.period": "2025-11-02", "rows.0.seconds": 8100}},
		{name: "weeks from Monday", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC&group=week", as: "owner",
			status: http.StatusOK, want: map[string]any{"rows.len": 2, "rows.0.period": "2025-10-27", "rows.1.period": "2025-11-03"}},
		{name: "filter by tag", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&tag_id=$tag", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 5400}},
		{name: "filter by client", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&client_id=$client", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 8100}},
		{name: "filter by task", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&task_id=$task", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 5400}},
		{name: "filter by billable", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&billable=false", as: "owner",
			status: http.StatusOK, want: map[string]any{"total_seconds": 0, "rows.len": 0}},
		{name: "unknown group", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&group=hour", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"group"}},
		{name: "three dimensions", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&group=project,task,user", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"group"}},
		{name: "an unknown parameter", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&week=1", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"week"}},
		{name: "detailed: an unknown parameter", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30&group=user", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"group"}},
		{name: "detailed: everyone's entries with names, newest first", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30&timezone=UTC", as: "owner",
			status: http.StatusOK, want: map[string]any{"items.len": 2, "items.0.id": "$member_entry", "items.1.id": "$entry", "items.1.user_name": "*",
				"items.1.project_name": "Project of acme", "items.1.client_name": "Client of acme", "items.1.client_id": "$client",
				"items.1.task_name": "Task of acme", "items.1.tags.0.name": "Tag of acme", "items.1.tags.0.id": "$tag", "items.1.seconds": 5400,
				"next_cursor": "", "timezone": "UTC"}},
		{name: "detailed: a member's own", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30", as: "member",
			status: http.StatusOK, want: map[string]any{"items.len": 1, "items.0.id": "$member_entry"}},
		{name: "detailed: a member may not list others'", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30&user_id=$owner_id", as: "member",
			status: http.StatusForbidden},
		{name: "detailed: pages", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30&limit=1", as: "owner",
			status: http.StatusOK, want: map[string]any{"items.len": 1, "next_cursor": "*"}},
		{name: "detailed: filters", method: "GET", path: "/v1/reports/detailed?from=2025-11-01&to=2025-11-30&tag_id=$tag&billable=true&client_id=$client&task_id=$task&project_id=$project", as: "manager",
			status: http.StatusOK, want: map[string]any{"items.len": 1, "items.0.id": "$entry"}},
		{name: "detailed: dates required", method: "GET", path: "/v1/reports/detailed", as: "owner", status: http.StatusUnprocessableEntity, fields: []string{"from", "to"}},
		{name: "Local is not a time zone", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=Local", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
	})
}

// TestReportsDefaultToTheUserZone moves the organization to New York: a report that names no
// zone still cuts days in the user's own zone (Europe/Berlin), as the CLI and the window do.
func TestReportsDefaultToTheUserZone(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "workspace moves", method: "PATCH", path: "/v1/organizations/$org", as: "owner", body: `{"timezone":"America/New_York"}`,
			status: http.StatusOK, want: map[string]any{"timezone": "America/New_York"}},
		{name: "report in the user's zone", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30", as: "owner",
			status: http.StatusOK, want: map[string]any{"timezone": "Europe/Berlin"}},
		{name: "an explicit zone wins", method: "GET", path: "/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC", as: "owner",
			status: http.StatusOK, want: map[string]any{"timezone": "UTC"}},
	})
}

// TestAppendedBodiesSayTheirLength: a body that appends its own JSON (a summary, a sync
// page, a time entry) is appended before the status is written, so the response carries
// its Content-Length and is not chunked, even past net/http's 2 kB buffer; the body is
// the same bytes.
func TestAppendedBodiesSayTheirLength(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	owner := tn.token("owner")
	tn.ids["project"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Web"}`}).str("id")
	var entry string
	for d := 1; d <= 30; d++ {
		entry = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/time-entries", token: owner, body: tn.expand(fmt.Sprintf(
			`{"project_id":"$project","started_at":"2025-11-%02dT09:00:00Z","stopped_at":"2025-11-%02dT10:00:00Z"}`, d, d))}).str("id")
	}
	for _, path := range []string{"/v1/reports/summary?from=2025-11-01&to=2025-11-30&timezone=UTC", "/v1/time-entries/" + entry} {
		hr, err := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		hr.Header.Set("Authorization", "Bearer "+owner)
		res, err := e.client.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, res.StatusCode, err)
		}
		if path == "/v1/time-entries/"+entry != (len(body) <= 2048) {
			t.Errorf("%s: a body of %d bytes; the summary's must pass net/http's 2 kB buffer, the entry's not", path, len(body))
		}
		if res.ContentLength != int64(len(body)) || len(res.TransferEncoding) > 0 || !json.Valid(body) {
			t.Errorf("%s: Content-Length %d, transfer encoding %v, for a body of %d bytes (valid JSON: %v)", path, res.ContentLength,
				res.TransferEncoding, len(body), json.Valid(body))
		}
	}
}
