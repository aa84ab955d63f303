package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// invoiceCreateBody asks for an invoice of a client's or a project's billable time.
type invoiceCreateBody struct {
	ClientID  *uuid.UUID `json:"client_id,omitempty" format:"uuid" doc:"Bill this client's projects (or name project_id)."`
	ProjectID *uuid.UUID `json:"project_id,omitempty" format:"uuid" doc:"Bill this project (or name client_id)."`
	From      string     `json:"from" format:"date" doc:"First day, YYYY-MM-DD: entries that started on or after it."`
	To        string     `json:"to" format:"date" doc:"Last day (inclusive), YYYY-MM-DD."`
	Timezone  string     `json:"timezone,omitempty" maxLength:"64" doc:"IANA zone the days are cut in; default the user's, else the organization's."`
	Grouping  string     `json:"grouping,omitempty" enum:"project_task,entry" doc:"Line items by project and task (default) or one per entry."`
	TaxRateBP int64      `json:"tax_rate_bp,omitempty" minimum:"0" maximum:"10000" doc:"Tax rate in basis points: 1900 is 19%."`
}

// invoiceList is the organization's invoices, newest first.
type invoiceList struct {
	Items []app.Invoice `json:"items" nullable:"false"`
}

// invoiceUnlockBody names the entries to unlock; none: all of the invoice's.
type invoiceUnlockBody struct {
	EntryIDs []uuid.UUID `json:"entry_ids,omitempty" maxItems:"10000" doc:"Entries of the invoice to unlock; absent: all of them."`
}

type invoiceUnlockInput struct {
	ID   string `path:"id" format:"uuid" doc:"The invoice's id."`
	Body invoiceUnlockBody
}

// invoicePDFOutput is an invoice as a PDF document.
type invoicePDFOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type invoiceUnlocked struct {
	Unlocked int `json:"unlocked" doc:"How many entries were unlocked."`
}

func (s *Server) registerInvoices() {
	op := s.operation(http.MethodGet, "/v1/invoices", "list-invoices", "invoices", "List invoices, newest first (managers and above)")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*struct{ Body invoiceList }, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.svc.Invoices(ctx, a)
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = []app.Invoice{}
		}
		return &struct{ Body invoiceList }{invoiceList{Items: list}}, nil
	})

	r := rows[app.Invoice]{s: s, path: "/v1/invoices", tag: "invoices", noun: "invoice",
		id: func(i app.Invoice) uuid.UUID { return i.ID }, version: func(i app.Invoice) int64 { return i.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b invoiceCreateBody) (app.Invoice, error) {
		return s.svc.CreateInvoice(ctx, a, app.InvoiceInput{ClientID: b.ClientID, ProjectID: b.ProjectID, From: b.From, To: b.To,
			Timezone: b.Timezone, Grouping: app.InvoiceGrouping(b.Grouping), TaxRateBP: b.TaxRateBP})
	})
	r.getRoute(s.svc.InvoiceByID)

	op = s.operation(http.MethodGet, "/v1/invoices/{id}/pdf", "get-invoice-pdf", "invoices", "An invoice as a PDF (managers and above)")
	op.Responses = map[string]*huma.Response{"200": {Description: "The invoice's PDF.", Content: map[string]*huma.MediaType{"application/pdf": {}}}}
	huma.Register(s.api, op, func(ctx context.Context, in *idInput) (*invoicePDFOutput, error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		inv, err := s.svc.InvoiceByID(ctx, a, id)
		if err != nil {
			return nil, err
		}
		org, billTo, err := s.svc.InvoiceParties(ctx, a, inv)
		if err != nil {
			return nil, err
		}
		// The period's days were cut in the user's zone (CreateInvoice's default): printed there.
		loc, _, err := s.svc.UserZone(ctx, a)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := export.InvoicePDF(&buf, inv, export.InvoiceNames{Organization: org, BillTo: billTo, Zone: loc}); err != nil {
			return nil, err
		}
		return &invoicePDFOutput{ContentType: "application/pdf", ContentDisposition: fmt.Sprintf(`attachment; filename="invoice-%d.pdf"`, inv.Number),
			Body: buf.Bytes()}, nil
	})

	op = s.operation(http.MethodPost, "/v1/invoices/{id}/unlock", "unlock-invoice", "invoices",
		"Let an invoice's entries be edited again (managers and above; audited)")
	op.DefaultStatus = http.StatusOK
	huma.Register(s.api, op, func(ctx context.Context, in *invoiceUnlockInput) (*struct{ Body invoiceUnlocked }, error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		n, err := s.svc.UnlockInvoiceEntries(ctx, a, id, in.Body.EntryIDs)
		if err != nil {
			return nil, err
		}
		return &struct{ Body invoiceUnlocked }{invoiceUnlocked{Unlocked: n}}, nil
	})
}
