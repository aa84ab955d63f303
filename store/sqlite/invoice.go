package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
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

func (s invoices) Candidates(ctx context.Context, sc app.Scope, f app.ReportFilter, descriptions bool) ([]app.InvoiceCandidate, error) {
	rate := rateExpr(f.Rates)
	description := "''"
	if descriptions {
		description = "e.description"
	}
	var q sqlArgs
	q.add(`SELECT e.id, e.project_id, e.task_id, coalesce(pr.name, ''), coalesce(tk.name, ''), `+description+`, e.started_at,
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
	if len(entries) == 0 {
		return nil // a pulled invoice: its marks are pulled rows of their own
	}
	// Each mark takes a server version of its own (a pull page may end between two marks)
	// and its entry's user. One stamp moves the counter past all of them and one statement
	// writes them, the i-th mark at the i-th of those versions: a mark a statement each was
	// two statements per entry, a third of an invoice's time.
	res, err := s.q.ExecContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + ? WHERE id = ?`, len(entries), sc.TenantID)
	if err != nil {
		return fmt.Errorf("stamp marks: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("stamp marks: no tenant %s: %w", sc.TenantID, errors.Join(err, app.ErrNotFound))
	}
	ids := make([]byte, 0, len(entries)*35+2)
	ids = append(ids, '[')
	for i, id := range entries {
		if i > 0 {
			ids = append(ids, ',')
		}
		ids = append(ids, '"')
		ids = hex.AppendEncode(ids, id[:])
		ids = append(ids, '"')
	}
	ids = append(ids, ']')
	res, err = s.q.ExecContext(ctx, `INSERT INTO invoice_entries (server_version, `+markCols+`)
		SELECT `+stampValue+` - ? + j.key + 1, e.id, e.tenant_id, e.organization_id, e.user_id, ?, ?, NULL, 1, ?, ?, ?, NULL
		FROM json_each(?) j CROSS JOIN time_entries e ON e.id = unhex(j.value) WHERE e.tenant_id = ? AND e.organization_id = ?`,
		sc.TenantID, len(entries), inv.ID, inv.Number, hlcValue(inv.HLC), us(inv.CreatedAt), us(inv.UpdatedAt), string(ids), sc.TenantID, sc.OrgID)
	if err != nil {
		return fmt.Errorf("mark invoiced entries: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || int(n) != len(entries) {
		return fmt.Errorf("mark invoiced entries: %d of %d entries found: %w", n, len(entries), errors.Join(err, app.ErrNotFound))
	}
	return nil
}

// Update writes a pulled invoice over the device's copy.
func (s invoices) Update(ctx context.Context, sc app.Scope, inv app.Invoice, prev int64) error {
	if inv.TenantID != sc.TenantID || inv.OrganizationID != sc.OrgID {
		return fmt.Errorf("update invoice: scope mismatch: %w", app.ErrNotFound)
	}
	lines, err := json.Marshal(inv.Lines)
	if err != nil {
		return fmt.Errorf("update invoice: %w", err)
	}
	return exec1(ctx, stamped(s.q, sc), "update invoice", `UPDATE invoices SET server_version = `+stampValue+`, number = ?, client_id = ?,
		project_id = ?, period_from = ?, period_to = ?, grouping = ?, tax_rate_bp = ?, currency = ?, subtotal = ?, tax = ?, total = ?,
		lines = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{inv.Number, nullID(inv.ClientID), nullID(inv.ProjectID), us(inv.PeriodFrom), us(inv.PeriodTo), string(inv.Grouping),
			inv.TaxRateBP, inv.Currency, inv.SubtotalMinor, inv.TaxMinor, inv.TotalMinor, string(lines)}, updateMetaArgs(inv.Meta)...),
			sc.TenantID, sc.OrgID, inv.ID, prev)...)
}

const markCols = "entry_id, tenant_id, organization_id, user_id, invoice_id, number, unlocked_at, " + metaCols

func scanMark(r rowScanner) (app.InvoiceMark, error) {
	var mk app.InvoiceMark
	var m metaScan
	var unlocked sql.NullInt64
	err := r.Scan(append([]any{&mk.EntryID, &mk.TenantID, &mk.OrganizationID, &mk.UserID, &mk.InvoiceID, &mk.Number, &unlocked}, m.dest(&mk.Meta)...)...)
	m.fill(&mk.Meta)
	mk.UnlockedAt = fromNullUS(unlocked)
	return mk, err
}

// InsertMark writes one mark, stamped.
func (s invoices) InsertMark(ctx context.Context, sc app.Scope, m app.InvoiceMark) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert invoice mark: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO invoice_entries (server_version, `+markCols+`)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{m.EntryID, m.TenantID, m.OrganizationID, m.UserID, m.InvoiceID, m.Number, nullUS(m.UnlockedAt)}, metaArgs(m.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert invoice mark: %w", mapErr(err))
	}
	return nil
}

// UpdateMark writes a pulled mark over the device's copy.
func (s invoices) UpdateMark(ctx context.Context, sc app.Scope, m app.InvoiceMark, prev int64) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("update invoice mark: scope mismatch: %w", app.ErrNotFound)
	}
	return exec1(ctx, stamped(s.q, sc), "update invoice mark", `UPDATE invoice_entries SET server_version = `+stampValue+`, user_id = ?, invoice_id = ?,
		number = ?, unlocked_at = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND entry_id = ? AND version = ?`,
		append(append([]any{m.UserID, m.InvoiceID, m.Number, nullUS(m.UnlockedAt)}, updateMetaArgs(m.Meta)...), sc.TenantID, sc.OrgID, m.EntryID, prev)...)
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
	return getOne("invoice lock", scanMark, s.q.QueryRowContext(ctx, `SELECT `+markCols+` FROM invoice_entries
		WHERE entry_id = ? AND tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`, entryID, sc.TenantID, sc.OrgID))
}

// Unlock unlocks the marks one statement each, so each takes a server version of its own.
func (s invoices) Unlock(ctx context.Context, sc app.Scope, invoiceID uuid.UUID, entries []uuid.UUID, at time.Time, hlc string) (int, error) {
	query := `SELECT entry_id FROM invoice_entries WHERE tenant_id = ? AND organization_id = ? AND invoice_id = ? AND unlocked_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID, invoiceID}
	if len(entries) > 0 {
		query += " AND entry_id IN (?" + strings.Repeat(", ?", len(entries)-1) + ")"
		for _, id := range entries {
			args = append(args, id)
		}
	}
	ids, err := queryList(ctx, s.q, "unlock invoice entries", func(r *sql.Rows) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, query+" ORDER BY entry_id", args...)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := exec1(ctx, stamped(s.q, sc), "unlock invoice entry", `UPDATE invoice_entries SET server_version = `+stampValue+`,
			unlocked_at = ?, version = version + 1, hlc = ?, updated_at = ? WHERE tenant_id = ? AND organization_id = ? AND entry_id = ?`,
			us(at), hlcValue(hlc), us(at), sc.TenantID, sc.OrgID, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
