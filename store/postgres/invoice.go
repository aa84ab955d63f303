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

func (s invoices) Candidates(ctx context.Context, sc app.Scope, f app.ReportFilter, descriptions bool) ([]app.InvoiceCandidate, error) {
	rate := rateExpr(f.Rates)
	description := "''"
	if descriptions {
		description = "e.description"
	}
	micros := "(extract(epoch FROM e.stopped_at - e.started_at) * 1000000)::bigint"
	var q sqlArgs
	q.add(`SELECT e.id, e.project_id, e.task_id, coalesce(pr.name, ''), coalesce(tk.name, ''), `+description+`, e.started_at,
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
	if len(entries) == 0 {
		return nil // a pulled invoice: its marks are pulled rows of their own
	}
	// The insert trigger stamps each mark with a server version of its own; each takes its
	// entry's user.
	n, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO invoice_entries (entry_id, tenant_id, organization_id, user_id, invoice_id, number,
		version, hlc, created_at, updated_at) SELECT e.id, e.tenant_id, e.organization_id, e.user_id, ?, ?, 1, ?, ?, ?
		FROM time_entries e WHERE e.id = ANY(?::uuid[]) AND e.tenant_id = ? AND e.organization_id = ?`,
		inv.ID, inv.Number, hlcValue(inv.HLC), ts(inv.CreatedAt), ts(inv.UpdatedAt), entries, sc.TenantID, sc.OrgID)
	if err != nil {
		return fmt.Errorf("mark invoiced entries: %w", mapErr(err))
	}
	if int(n) != len(entries) {
		return fmt.Errorf("mark invoiced entries: %d of %d entries found: %w", n, len(entries), app.ErrNotFound)
	}
	return nil
}

// Update writes a pulled invoice over a copy (devices keep SQLite; this is for the
// conformance suite).
func (s invoices) Update(ctx context.Context, sc app.Scope, inv app.Invoice, prev int64) error {
	if inv.TenantID != sc.TenantID || inv.OrganizationID != sc.OrgID {
		return fmt.Errorf("update invoice: scope mismatch: %w", app.ErrNotFound)
	}
	lines, err := json.Marshal(inv.Lines)
	if err != nil {
		return fmt.Errorf("update invoice: %w", err)
	}
	return exec1(ctx, s.d, sc.TenantID, "update invoice", `UPDATE invoices SET number = ?, client_id = ?, project_id = ?, period_from = ?,
		period_to = ?, grouping = ?, tax_rate_bp = ?, currency = ?, subtotal = ?, tax = ?, total = ?, lines = ?::jsonb, `+updateMeta+`
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{inv.Number, inv.ClientID, inv.ProjectID, ts(inv.PeriodFrom), ts(inv.PeriodTo), string(inv.Grouping),
			inv.TaxRateBP, inv.Currency, inv.SubtotalMinor, inv.TaxMinor, inv.TotalMinor, string(lines)}, updateMetaArgs(inv.Meta)...),
			sc.TenantID, sc.OrgID, inv.ID, prev)...)
}

const markCols = "entry_id, tenant_id, organization_id, user_id, invoice_id, number, unlocked_at, " + metaCols

func scanMark(r rowScanner) (app.InvoiceMark, error) {
	var m app.InvoiceMark
	err := r.Scan(append([]any{&m.EntryID, &m.TenantID, &m.OrganizationID, &m.UserID, &m.InvoiceID, &m.Number, &m.UnlockedAt}, metaDest(&m.Meta)...)...)
	return m, err
}

// InsertMark writes one mark (for the conformance suite, as Update).
func (s invoices) InsertMark(ctx context.Context, sc app.Scope, m app.InvoiceMark) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert invoice mark: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO invoice_entries (`+markCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{m.EntryID, m.TenantID, m.OrganizationID, m.UserID, m.InvoiceID, m.Number, nullTS(m.UnlockedAt)}, metaArgs(m.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert invoice mark: %w", mapErr(err))
	}
	return nil
}

// UpdateMark writes a pulled mark over a copy (for the conformance suite, as Update).
func (s invoices) UpdateMark(ctx context.Context, sc app.Scope, m app.InvoiceMark, prev int64) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("update invoice mark: scope mismatch: %w", app.ErrNotFound)
	}
	return exec1(ctx, s.d, sc.TenantID, "update invoice mark", `UPDATE invoice_entries SET user_id = ?, invoice_id = ?, number = ?, unlocked_at = ?, `+updateMeta+`
		WHERE tenant_id = ? AND organization_id = ? AND entry_id = ? AND version = ?`,
		append(append([]any{m.UserID, m.InvoiceID, m.Number, nullTS(m.UnlockedAt)}, updateMetaArgs(m.Meta)...), sc.TenantID, sc.OrgID, m.EntryID, prev)...)
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
	return getOne("invoice lock", scanMark, s.d.queryRow(ctx, sc.TenantID, `SELECT `+markCols+` FROM invoice_entries
		WHERE entry_id = ? AND tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`, entryID, sc.TenantID, sc.OrgID))
}

// Unlock unlocks the marks in one statement; the update trigger stamps each with a server
// version of its own.
func (s invoices) Unlock(ctx context.Context, sc app.Scope, invoiceID uuid.UUID, entries []uuid.UUID, at time.Time, hlc string) (int, error) {
	query := `UPDATE invoice_entries SET unlocked_at = ?, version = version + 1, hlc = ?, updated_at = ?
		WHERE tenant_id = ? AND organization_id = ? AND invoice_id = ? AND unlocked_at IS NULL`
	args := []any{ts(at), hlcValue(hlc), ts(at), sc.TenantID, sc.OrgID, invoiceID}
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
