package app

import (
	"context"

	"github.com/google/uuid"
)

// Invoices and their entries' marks pull to devices (docs/sync.md, Invoices): the server
// numbers a connected team's invoices, and devices take the invoices their user may read
// through the API (managers and above, PermRatesRead) and the marks of the entries they
// pull, so an invoiced entry is refused locally with the API's message, and a manager's
// unlock on the server lets it be edited again everywhere.

// The kinds of invoices and of the marks on invoiced entries. Invoices name their client
// or project; marks name their entry, so both come after entries.
const (
	SyncInvoice      SyncKind = "invoice"
	SyncInvoiceEntry SyncKind = "invoice_entry"
)

// invoiceMarkSpace names the ids marks travel under in a pull (InvoiceMark.SyncID).
var invoiceMarkSpace = uuid.MustParse("0193b3a4-6c1e-7d1a-9f0e-5b7a1c2d3e4f")

// SyncID is the id a mark travels under in a pull: derived from its entry's, the same on
// every replica, and never the entry's own, which a pulled page, the deferred rows and the
// pending changes key the entry's row by (a first pull brings both in one page).
func (m InvoiceMark) SyncID() uuid.UUID { return uuid.NewSHA1(invoiceMarkSpace, m.EntryID[:]) }

// applyInvoiceRow writes a pulled invoice or mark (applyRow); ok is false for other kinds.
// A mark is keyed by its entry: one invoice per entry.
func applyInvoiceRow(ctx context.Context, tx Tx, tenant uuid.UUID, r RemoteRow, fresh bool, tomb int64) (ok bool, err error) {
	switch r.Kind {
	case SyncInvoice:
		var v Invoice
		return true, upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			if v.Lines == nil {
				v.Lines = []InvoiceLine{}
			}
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Invoices().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Invoices().Insert(ctx, sc, v, nil) },
			func(sc Scope, prev int64) error { return tx.Invoices().Update(ctx, sc, v, prev) })
	case SyncInvoiceEntry:
		var v InvoiceMark
		return true, upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Invoices().Lock(ctx, sc, v.EntryID); return cur.Meta, err },
			func(sc Scope) error { return tx.Invoices().InsertMark(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Invoices().UpdateMark(ctx, sc, v, prev) })
	}
	return false, nil
}

// invoiceUnlockedHere refuses an unlock on a device connected to a team server: the marks
// are the server's, and an unlock made here would never reach it. A manager unlocks on
// the server (its API, or 'stint invoice unlock', which goes there), and the unlock pulls.
func invoiceUnlockedHere(ctx context.Context, tx Tx) error {
	url, err := optionalSetting(ctx, tx, settingSyncURL)
	if err != nil {
		return err
	}
	if url != "" {
		return Conflict("this workspace's invoices are kept by its team server (%s); unlock the entries there", url)
	}
	return nil
}
