package server

import (
	"net/http"
	"testing"
)

// TestRates covers the rate and budget routes and the amounts reports show. The seed sets
// the member's rate on the project (120.00 EUR an hour from 2025-01-01) and a 100-hour
// budget on the project; the member's 45 billable minutes on it cost 90.00 EUR.
func TestRates(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	const nov = "?from=2025-11-01&to=2025-11-30&timezone=UTC"
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/rates", status: http.StatusUnauthorized},
		{name: "member lists their own", method: "GET", path: "/v1/rates", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.level": "member_project", "items.0.hourly.minor": 12000, "items.0.hourly.currency": "EUR"}},
		{name: "member may not list another's", method: "GET", path: "/v1/rates?user_id=$owner_id", as: "member", status: http.StatusForbidden},
		{name: "member may not set", method: "PUT", path: "/v1/rates", as: "member", body: `{"hourly_minor":1,"currency":"EUR"}`, status: http.StatusForbidden},
		{name: "manager sets the organization's", method: "PUT", path: "/v1/rates", as: "manager", body: `{"hourly_minor":9000,"currency":"eur"}`,
			status: http.StatusOK, want: map[string]any{"level": "organization", "hourly.minor": 9000, "hourly.currency": "EUR", "version": 1}},
		{name: "manager lists all", method: "GET", path: "/v1/rates", as: "manager", status: http.StatusOK, listed: []string{"$rate"}},
		{name: "same key and instant replaces", method: "PUT", path: "/v1/rates", as: "owner",
			setup:  []step{{method: "PUT", path: "/v1/rates", as: "owner", body: `{"user_id":"$owner_id","hourly_minor":5000,"currency":"EUR","effective_from":"2025-12-01T00:00:00Z"}`, bind: "new"}},
			body:   `{"user_id":"$owner_id","hourly_minor":13000,"currency":"EUR","effective_from":"2025-12-01T00:00:00Z"}`,
			status: http.StatusOK, want: map[string]any{"id": "$new", "hourly.minor": 13000, "version": 2}},
		{name: "one currency per organization", method: "PUT", path: "/v1/rates", as: "owner", body: `{"hourly_minor":1,"currency":"USD"}`,
			status: http.StatusConflict},
		{name: "a client and a project is no level", method: "PUT", path: "/v1/rates", as: "owner",
			body: `{"client_id":"$client","project_id":"$project","hourly_minor":1,"currency":"EUR"}`, status: http.StatusUnprocessableEntity, fields: []string{"client_id"}},
		{name: "unknown member", method: "PUT", path: "/v1/rates", as: "owner",
			body: `{"user_id":"00000000-0000-7000-8000-000000000000","hourly_minor":1,"currency":"EUR"}`, status: http.StatusUnprocessableEntity, fields: []string{"user_id"}},
		{name: "bad effective date", method: "PUT", path: "/v1/rates", as: "owner", body: `{"hourly_minor":1,"currency":"EUR","effective_from":"soon"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"effective_from"}},
		{name: "member may not delete", method: "DELETE", path: "/v1/rates/$rate", as: "member", status: http.StatusForbidden},
		{name: "manager deletes", method: "DELETE", path: "/v1/rates/$new", as: "manager", status: http.StatusNoContent,
			setup: []step{{method: "PUT", path: "/v1/rates", as: "owner", body: `{"client_id":"$client","hourly_minor":5000,"currency":"EUR"}`, bind: "new"}}},

		{name: "summary prices billable time", method: "GET", path: "/v1/reports/summary" + nov + "&group=user", as: "owner", status: http.StatusOK,
			want: map[string]any{"total_amount.minor": 9000, "total_amount.currency": "EUR", "total_seconds": 8100}},
		{name: "member's summary", method: "GET", path: "/v1/reports/summary" + nov, as: "member", status: http.StatusOK,
			want: map[string]any{"total_amount.minor": 9000, "rows.0.amount.minor": 9000, "rows.0.amount.currency": "EUR"}},
		{name: "detailed shows rate and amount", method: "GET", path: "/v1/reports/detailed" + nov + "&user_id=$member_id", as: "owner", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.rate.minor": 12000, "items.0.amount.minor": 9000, "items.0.amount.currency": "EUR"}},

		{name: "budget with progress", method: "GET", path: "/v1/projects/$project/budget", as: "manager", status: http.StatusOK,
			want: map[string]any{"kind": "hours", "limit": 360000, "used_percent": 2, "spent_amount.currency": "EUR"}},
		{name: "member may not read budgets", method: "GET", path: "/v1/budgets", as: "member", status: http.StatusForbidden},
		{name: "budgets list", method: "GET", path: "/v1/budgets", as: "manager", status: http.StatusOK, want: map[string]any{"items.len": 1}},
		{name: "money budget in the rates' currency", method: "PUT", path: "/v1/projects/$project/budget", as: "manager", body: `{"kind":"money","limit":18000}`,
			status: http.StatusOK, want: map[string]any{"kind": "money", "currency": "EUR", "version": 2}},
		{name: "no budget", method: "GET", path: "/v1/projects/$new/budget", as: "owner", status: http.StatusNotFound,
			setup: []step{create("owner", "/v1/projects", `{"name":"unbudgeted"}`, "new")}},
		{name: "delete budget", method: "DELETE", path: "/v1/projects/$project/budget", as: "owner", status: http.StatusNoContent},
	})
}
