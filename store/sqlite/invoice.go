package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// invoices stores invoices, their numbers and the marks on invoiced entries (app.Invoices).
type invoices struct{ q querier }

// Invoices gives the invoices of the transaction.
func (t *txn) Invoices() app.Invoices { return invoices{t.q} }

const invoiceCols = "id, tenant_id, organization_id, number, client_id, project_id, period_from, period_to, grouping, tax_rate_bp, currency, subtotal, tax, total, lines, " + metaCols

func scanInvoice(r rowScanner) (app.Invoice, error) {
	var inv app.Invoice
	var m metaScan
	var client, project uuid.NullUUID
	var from, to int64
	var lines string
	err := r.Scan(append([]any{&inv.ID, &inv.TenantID, &inv.OrganizationID, &inv.Number, &client, &project, &from, &to, &inv.Grouping,
		&inv.TaxRateBP, &inv.Currency, &inv.SubtotalMinor, &inv.TaxMinor, &inv.TotalMinor, &lines}, m.dest(&inv.Meta)...)...)
	if err != nil {
		return inv, err
	}
	m.fill(&inv.Meta)
	inv.ClientID, inv.ProjectID, inv.PeriodFrom, inv.PeriodTo = fromNullID(client), fromNullID(project), fromUS(from), fromUS(to)
	if err := json.Unmarshal([]byte(lines), &inv.Lines); err != nil {
		return inv, fmt.Errorf("invoice %s lines: %w", inv.ID, err)
	}
	return inv, nil
}

// NextNumber takes the organization's next number: the write lock orders invoices, and a
// rollback returns the number with the rest of the transaction.
func (s invoices) NextNumber(ctx context.Context, sc app.Scope) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO invoice_counters (organization_id, tenant_id, last_number) VALUES (?, ?, 1)
		ON CONFLICT (organization_id) DO UPDATE SET last_number = last_number + 1 WHERE tenant_id = excluded.tenant_id
		RETURNING last_number`, sc.OrgID, sc.TenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("invoice number: %w", mapErr(err))
	}
	return n, nil
}

func (s invoices) Candidates(ctx context.Context, sc app.Scope, f app.ReportFilter) ([]app.InvoiceCandidate, error) {
	rate := rateExpr(f.Rates)
	var q sqlArgs
	q.add(`SELECT e.id, e.project_id, e.task_id, coalesce(pr.name, ''), coalesce(tk.name, ''), e.description, e.started_at,
		e.stopped_at - e.started_at, coalesce(`+rate+`, 0), `+amountOf("e.stopped_at - e.started_at", rate)+`
		FROM time_entries e INDEXED BY time_entries_report
		LEFT JOIN projects pr ON pr.id = e.project_id AND pr.tenant_id = e.tenant_id
		LEFT JOIN tasks tk ON tk.id = e.task_id AND tk.tenant_id = e.tenant_id
		WHERE e.tenant_id = ? AND e.organization_id = ? AND e.deleted_at IS NULL AND e.billable AND e.stopped_at IS NOT NULL
			AND e.started_at >= ? AND e.started_at < ?`, sc.TenantID, sc.OrgID, us(f.From), us(f.To))
	if f.ProjectID != nil {
		q.add(" AND e.project_id = ?", *f.ProjectID)
	}
	if f.ClientID != nil {
		q.add(" AND e.project_id IN (SELECT c.id FROM projects c WHERE c.tenant_id = ? AND c.organization_id = ? AND c.client_id = ?)",
			sc.TenantID, sc.OrgID, *f.ClientID)
	}
	q.add(" AND NOT EXISTS (SELECT 1 FROM invoice_entries ie WHERE ie.entry_id = e.id) ORDER BY e.started_at, e.id")
	return queryList(ctx, s.q, "invoice candidates", func(r *sql.Rows) (app.InvoiceCandidate, error) {
		var c app.InvoiceCandidate
		var project, task uuid.NullUUID
		var start int64
		err := r.Scan(&c.EntryID, &project, &task, &c.ProjectName, &c.TaskName, &c.Description, &start, &c.Micros, &c.HourlyMinor, &c.AmountMinor)
		c.ProjectID, c.TaskID, c.StartedAt = fromNullID(project), fromNullID(task), fromUS(start)
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
	_, err = stamped(s.q, sc).ExecContext(ctx, `INSERT INTO invoices (server_version, `+invoiceCols+`)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{inv.ID, inv.TenantID, inv.OrganizationID, inv.Number, nullID(inv.ClientID), nullID(inv.ProjectID), us(inv.PeriodFrom),
			us(inv.PeriodTo), string(inv.Grouping), inv.TaxRateBP, inv.Currency, inv.SubtotalMinor, inv.TaxMinor, inv.TotalMinor, string(lines)},
			metaArgs(inv.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert invoice: %w", mapErr(err))
	}
	for _, id := range entries {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO invoice_entries (entry_id, tenant_id, organization_id, invoice_id) VALUES (?, ?, ?, ?)`,
			id, sc.TenantID, sc.OrgID, inv.ID); err != nil {
			return fmt.Errorf("mark invoiced entry: %w", mapErr(err))
		}
	}
	return nil
}

func (s invoices) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Invoice, error) {
	return getOne("get invoice", scanInvoice, s.q.QueryRowContext(ctx,
		`SELECT `+invoiceCols+` FROM invoices WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s invoices) List(ctx context.Context, sc app.Scope) ([]app.Invoice, error) {
	return queryList(ctx, s.q, "list invoices", func(r *sql.Rows) (app.Invoice, error) { return scanInvoice(r) },
		`SELECT `+invoiceCols+` FROM invoices WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL ORDER BY number DESC`,
		sc.TenantID, sc.OrgID)
}

func (s invoices) Lock(ctx context.Context, sc app.Scope, entryID uuid.UUID) (app.EntryLock, error) {
	return getOne("invoice lock", func(r rowScanner) (app.EntryLock, error) {
		var l app.EntryLock
		var unlocked sql.NullInt64
		err := r.Scan(&l.EntryID, &l.InvoiceID, &l.Number, &unlocked)
		l.UnlockedAt = fromNullUS(unlocked)
		return l, err
	}, s.q.QueryRowContext(ctx, `SELECT ie.entry_id, ie.invoice_id, i.number, ie.unlocked_at FROM invoice_entries ie
		JOIN invoices i ON i.id = ie.invoice_id WHERE ie.entry_id = ? AND ie.tenant_id = ? AND ie.organization_id = ?`,
		entryID, sc.TenantID, sc.OrgID))
}

func (s invoices) Unlock(ctx context.Context, sc app.Scope, invoiceID uuid.UUID, entries []uuid.UUID, at time.Time) (int, error) {
	query := `UPDATE invoice_entries SET unlocked_at = ? WHERE tenant_id = ? AND organization_id = ? AND invoice_id = ? AND unlocked_at IS NULL`
	args := []any{us(at), sc.TenantID, sc.OrgID, invoiceID}
	if len(entries) > 0 {
		query += " AND entry_id IN (?" + strings.Repeat(", ?", len(entries)-1) + ")"
		for _, id := range entries {
			args = append(args, id)
		}
	}
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("unlock invoice entries: %w", mapErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}
