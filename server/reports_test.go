package server

import (
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
