package server

import (
	"net/http"
	"testing"
)

// TestInvoices covers the invoice routes. Each row makes its own project, rate and entry
// in December 2025 (two billable hours at 100.00 EUR), so no row locks another's entry.
func TestInvoices(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	work := func(name string) []step {
		return []step{
			create("owner", "/v1/projects", `{"name":"`+name+`","billable":true}`, "p"),
			{method: "PUT", path: "/v1/rates", as: "owner", body: `{"project_id":"$p","hourly_minor":10000,"currency":"EUR","effective_from":"2025-01-01"}`},
			create("owner", "/v1/time-entries", `{"project_id":"$p","description":"build","started_at":"2025-12-01T09:00:00Z","stopped_at":"2025-12-01T11:00:00Z"}`, "e"),
		}
	}
	invoiced := func(name string) []step {
		return append(work(name), create("owner", "/v1/invoices", `{"project_id":"$p","from":"2025-12-01","to":"2025-12-31"}`, "inv"))
	}
	const dec = `"from":"2025-12-01","to":"2025-12-31"`
	e.run(t, tn, []scenario{
		{name: "member may not invoice", method: "POST", path: "/v1/invoices", as: "member", setup: work("member's"),
			body: `{"project_id":"$p",` + dec + `}`, status: http.StatusForbidden},
		{name: "owner invoices a project", method: "POST", path: "/v1/invoices", as: "owner", setup: work("billed"),
			body: `{"project_id":"$p",` + dec + `,"tax_rate_bp":1900,"grouping":"entry"}`, status: http.StatusCreated,
			want: map[string]any{"number": "*", "subtotal_minor": 20000, "tax_minor": 3800, "total_minor": 23800, "currency": "EUR",
				"lines.len": 1, "lines.0.entry_id": "$e", "lines.0.date": "2025-12-01", "lines.0.seconds": 7200, "lines.0.hourly_minor": 10000},
		},
		{name: "invoiced entry is locked", method: "PATCH", path: "/v1/time-entries/$e", as: "owner", setup: invoiced("locked"),
			body: `{"description":"changed"}`, status: http.StatusConflict},
		{name: "invoiced entry cannot be deleted", method: "DELETE", path: "/v1/time-entries/$e", as: "owner", setup: invoiced("kept"),
			status: http.StatusConflict},
		{name: "unlocked entry can be edited", method: "PATCH", path: "/v1/time-entries/$e", as: "owner",
			setup: append(invoiced("unlocked"), step{method: "POST", path: "/v1/invoices/$inv/unlock", as: "manager", body: `{}`}),
			body:  `{"description":"changed"}`, status: http.StatusOK},
		{name: "member may not unlock", method: "POST", path: "/v1/invoices/$inv/unlock", as: "member", setup: invoiced("still locked"),
			body: `{}`, status: http.StatusForbidden},
		{name: "nothing left to invoice", method: "POST", path: "/v1/invoices", as: "owner", setup: invoiced("twice"),
			body: `{"project_id":"$p",` + dec + `}`, status: http.StatusConflict},
		{name: "a client or a project", method: "POST", path: "/v1/invoices", as: "owner", setup: work("both"),
			body: `{"project_id":"$p","client_id":"$client",` + dec + `}`, status: http.StatusUnprocessableEntity, fields: []string{"client_id"}},
		{name: "get", method: "GET", path: "/v1/invoices/$inv", as: "manager", setup: invoiced("read"), status: http.StatusOK,
			want: map[string]any{"id": "$inv", "total_minor": 20000, "lines.0.description": "read"}},
		{name: "list", method: "GET", path: "/v1/invoices", as: "manager", setup: invoiced("listed"), status: http.StatusOK, listed: []string{"$inv"}},
		{name: "pdf", method: "GET", path: "/v1/invoices/$inv/pdf", as: "manager", setup: invoiced("printed"), status: http.StatusOK,
			header: map[string]string{"Content-Type": "application/pdf"}},
		{name: "member may not print", method: "GET", path: "/v1/invoices/$inv/pdf", as: "member", setup: invoiced("not printed"), status: http.StatusForbidden},
		{name: "member may not list", method: "GET", path: "/v1/invoices", as: "member", status: http.StatusForbidden},
	})
}
