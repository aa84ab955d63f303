package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// invoices stores invoices, their numbers and the marks on invoiced entries (app.Invoices).
type invoices struct{ d *db }

// Invoices gives the invoices of the transaction.
func (t *txn) Invoices() app.Invoices { return invoices{t.d} }

const invoiceCols = "id, tenant_id, organization_id, number, client_id, project_id, period_from, period_to, grouping, tax_rate_bp, currency, subtotal, tax, total, lines, " + metaCols

func scanInvoice(r rowScanner) (app.Invoice, error) {
	var inv app.Invoice
	var lines []byte
	err := r.Scan(append([]any{&inv.ID, &inv.TenantID, &inv.OrganizationID, &inv.Number, &inv.ClientID, &inv.ProjectID, &inv.PeriodFrom, &inv.PeriodTo,
		&inv.Grouping, &inv.TaxRateBP, &inv.Currency, &inv.SubtotalMinor, &inv.TaxMinor, &inv.TotalMinor, &lines}, metaDest(&inv.Meta)...)...)
	if err != nil {
		return inv, err
	}
	inv.PeriodFrom, inv.PeriodTo = inv.PeriodFrom.UTC(), inv.PeriodTo.UTC()
	if err := json.Unmarshal(lines, &inv.Lines); err != nil {
		return inv, fmt.Errorf("invoice %s lines: %w", inv.ID, err)
	}
	return inv, nil
}

// NextNumber takes the organization's next number. The upsert locks the counter's row until
// the transaction ends, so concurrent invoices of one organization number one after the
// other, and a rollback gives its number back.
func (s invoices) NextNumber(ctx context.Context, sc app.Scope) (int64, error) {
	var n int64
	err := s.d.queryRow(ctx, sc.TenantID, `INSERT INTO invoice_counters (organization_id, tenant_id, last_number) VALUES (?, ?, 1)
		ON CONFLICT (organization_id) DO UPDATE SET last_number = invoice_counters.last_number + 1
		WHERE invoice_counters.tenant_id = excluded.tenant_id RETURNING last_number`, sc.OrgID, sc.TenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("invoice number: %w", mapErr(err))
	}
	return n, nil
}

func (s invoices) Candidates(ctx context.Context, sc app.Scope, f app.ReportFilter) ([]app.InvoiceCandidate, error) {
	rate := rateExpr(f.Rates)
	micros := "(extract(epoch FROM e.stopped_at - e.started_at) * 1000000)::bigint"
	var q sqlArgs
	q.add(`SELECT e.id, e.project_id, e.task_id, coalesce(pr.name, ''), coalesce(tk.name, ''), e.description, e.started_at,
		`+micros+`, coalesce(`+rate+`, 0), `+amountOf(micros, rate)+`
		FROM time_entries e
		LEFT JOIN projects pr ON pr.id = e.project_id AND pr.tenant_id = e.tenant_id
		LEFT JOIN tasks tk ON tk.id = e.task_id AND tk.tenant_id = e.tenant_id
		WHERE e.tenant_id = ? AND e.organization_id = ? AND e.deleted_at IS NULL AND e.billable AND e.stopped_at IS NOT NULL
			AND e.started_at >= ? AND e.started_at < ?`, sc.TenantID, sc.OrgID, ts(f.From), ts(f.To))
	if f.ProjectID != nil {
		q.add(" AND e.project_id = ?", *f.ProjectID)
	}
	if f.ClientID != nil {
		q.add(" AND e.project_id IN (SELECT c.id FROM projects c WHERE c.tenant_id = ? AND c.organization_id = ? AND c.client_id = ?)",
			sc.TenantID, sc.OrgID, *f.ClientID)
	}
	q.add(" AND NOT EXISTS (SELECT 1 FROM invoice_entries ie WHERE ie.entry_id = e.id) ORDER BY e.started_at, e.id")
	return queryList(ctx, s.d, sc.TenantID, "invoice candidates", 0, func(r rowScanner) (app.InvoiceCandidate, error) {
		var c app.InvoiceCandidate
		err := r.Scan(&c.EntryID, &c.ProjectID, &c.TaskID, &c.ProjectName, &c.TaskName, &c.Description, &c.StartedAt, &c.Micros, &c.HourlyMinor, &c.AmountMinor)
		c.StartedAt = c.StartedAt.UTC()
		return c, err
	}, q.b.String(), q.args...)
}

func (s invoices) Insert(ctx context.Context, sc app.Scope, inv app.Invoice, entries []uuid.UUID) error {
	if inv.TenantID != sc.TenantID || inv.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert invoice: scope mismatch: %w", app.ErrNotFound)
	}
	lines, err := json.Marshal(inv.Lines)
	if err != nil {
		return fmt.Errorf("insert invoice: %w", err)
	}
	_, err = s.d.exec(ctx, sc.TenantID, `INSERT INTO invoices (`+invoiceCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)`,
		append([]any{inv.ID, inv.TenantID, inv.OrganizationID, inv.Number, inv.ClientID, inv.ProjectID, ts(inv.PeriodFrom), ts(inv.PeriodTo),
			string(inv.Grouping), inv.TaxRateBP, inv.Currency, inv.SubtotalMinor, inv.TaxMinor, inv.TotalMinor, string(lines)}, metaArgs(inv.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert invoice: %w", mapErr(err))
	}
	if _, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO invoice_entries (entry_id, tenant_id, organization_id, invoice_id)
		SELECT id, ?, ?, ? FROM unnest(?::uuid[]) AS u(id)`, sc.TenantID, sc.OrgID, inv.ID, entries); err != nil {
		return fmt.Errorf("mark invoiced entries: %w", mapErr(err))
	}
	return nil
}

func (s invoices) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Invoice, error) {
	return getOne("get invoice", scanInvoice, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+invoiceCols+` FROM invoices WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s invoices) List(ctx context.Context, sc app.Scope) ([]app.Invoice, error) {
	return queryList(ctx, s.d, sc.TenantID, "list invoices", 0, scanInvoice,
		`SELECT `+invoiceCols+` FROM invoices WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL ORDER BY number DESC`,
		sc.TenantID, sc.OrgID)
}

func (s invoices) Lock(ctx context.Context, sc app.Scope, entryID uuid.UUID) (app.EntryLock, error) {
	return getOne("invoice lock", func(r rowScanner) (app.EntryLock, error) {
		var l app.EntryLock
		err := r.Scan(&l.EntryID, &l.InvoiceID, &l.Number, &l.UnlockedAt)
		return l, err
	}, s.d.queryRow(ctx, sc.TenantID, `SELECT ie.entry_id, ie.invoice_id, i.number, ie.unlocked_at FROM invoice_entries ie
		JOIN invoices i ON i.id = ie.invoice_id WHERE ie.entry_id = ? AND ie.tenant_id = ? AND ie.organization_id = ?`,
		entryID, sc.TenantID, sc.OrgID))
}

func (s invoices) Unlock(ctx context.Context, sc app.Scope, invoiceID uuid.UUID, entries []uuid.UUID, at time.Time) (int, error) {
	query := `UPDATE invoice_entries SET unlocked_at = ? WHERE tenant_id = ? AND organization_id = ? AND invoice_id = ? AND unlocked_at IS NULL`
	args := []any{ts(at), sc.TenantID, sc.OrgID, invoiceID}
	if len(entries) > 0 {
		query += " AND entry_id = ANY(?::uuid[])"
		args = append(args, entries)
	}
	n, err := s.d.exec(ctx, sc.TenantID, query, args...)
	if err != nil {
		return 0, fmt.Errorf("unlock invoice entries: %w", mapErr(err))
	}
	return int(n), nil
}
