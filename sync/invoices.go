package sync

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// CreateInvoice makes an invoice on the team server in the organization (POST
// /v1/invoices): a connected team's invoices are numbered there (docs/sync.md, Invoices).
func (r *Remote) CreateInvoice(ctx context.Context, org uuid.UUID, in app.InvoiceInput) (app.Invoice, error) {
	body := struct {
		ClientID  *uuid.UUID `json:"client_id,omitempty"`
		ProjectID *uuid.UUID `json:"project_id,omitempty"`
		From      string     `json:"from"`
		To        string     `json:"to"`
		Timezone  string     `json:"timezone,omitempty"`
		Grouping  string     `json:"grouping,omitempty"`
		TaxRateBP int64      `json:"tax_rate_bp,omitempty"`
	}{in.ClientID, in.ProjectID, in.From, in.To, in.Timezone, string(in.Grouping), in.TaxRateBP}
	var out app.Invoice
	err := r.send(ctx, http.MethodPost, "/v1/invoices", org, body, &out)
	return out, err
}

// UnlockInvoice lets an invoice's entries (all, or those named) be edited again on the
// team server (POST /v1/invoices/{id}/unlock); it returns how many it unlocked.
func (r *Remote) UnlockInvoice(ctx context.Context, org, id uuid.UUID, entries []uuid.UUID) (int, error) {
	body := struct {
		EntryIDs []uuid.UUID `json:"entry_ids,omitempty"`
	}{entries}
	var out struct {
		Unlocked int `json:"unlocked"`
	}
	err := r.send(ctx, http.MethodPost, "/v1/invoices/"+id.String()+"/unlock", org, body, &out)
	return out.Unlocked, err
}
