package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// purgeTables are the tables a purge or a resync deletes from, in an order that deletes
// what names a row before the row: activity slots name entries; rates and budgets name
// projects and clients; entries name tasks, projects and tags (and invoices name entries,
// which are never purged, and their client or project); tasks name projects; projects name
// clients. Each statement keeps the rows another row still names
// (tags through the 16-byte ids packed in an entry's tag_ids).
var purgeTables = []struct{ table, kept string }{
	// A screenshot whose image waits for its upload is on this device only: a resync
	// keeps it (and its entry).
	{"screenshots", "image_pending = 0"},
	{"activity_slots", ""},
	{"rates", ""},
	{"project_budgets", ""},
	{"time_entries", `NOT EXISTS (SELECT 1 FROM activity_slots s WHERE s.entry_id = time_entries.id)
		AND NOT EXISTS (SELECT 1 FROM screenshots h WHERE h.time_entry_id = time_entries.id)
		AND NOT EXISTS (SELECT 1 FROM invoice_entries i WHERE i.entry_id = time_entries.id)`},
	{"tasks", `NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.task_id = tasks.id)`},
	{"projects", `NOT EXISTS (SELECT 1 FROM tasks k WHERE k.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM rates r WHERE r.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM project_budgets b WHERE b.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = projects.tenant_id AND i.project_id = projects.id)`},
	{"clients", `NOT EXISTS (SELECT 1 FROM projects p WHERE p.client_id = clients.id)
		AND NOT EXISTS (SELECT 1 FROM rates r WHERE r.client_id = clients.id)
		AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = clients.tenant_id AND i.client_id = clients.id)`},
	{"tags", `NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.tenant_id = tags.tenant_id AND instr(e.tag_ids, tags.id) > 0)`},
}

// deleteWhere deletes the tenant's rows of purgeTables matching cond (on the table's own
// columns, with args after the tenant; {t} in cond names the table), and returns how many
// it deleted and the highest server version among them.
func deleteWhere(ctx context.Context, q querier, tenant any, cond string, args ...any) (int64, int64, error) {
	var n, top int64
	for _, t := range purgeTables {
		where := `tenant_id = ? AND ` + strings.ReplaceAll(cond, "{t}", t.table)
		if t.kept != "" {
			where += ` AND ` + t.kept
		}
		rows, err := q.QueryContext(ctx, `DELETE FROM `+t.table+` WHERE `+where+` RETURNING server_version`, append([]any{tenant}, args...)...)
		if err != nil {
			return 0, 0, fmt.Errorf("delete from %s: %w", t.table, mapErr(err))
		}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return 0, 0, fmt.Errorf("delete from %s: %w", t.table, err)
			}
			n, top = n+1, max(top, v)
		}
		if err := closeRows(rows); err != nil {
			return 0, 0, fmt.Errorf("delete from %s: %w", t.table, mapErr(err))
		}
	}
	return n, top, nil
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s syncRows) PurgedThrough(ctx context.Context, sc app.Scope) (int64, time.Time, error) {
	var through int64
	var at sql.NullInt64
	err := s.q.QueryRowContext(ctx, `SELECT purged_through, purged_at FROM tenants WHERE id = ?`, sc.TenantID).Scan(&through, &at)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("purged through: %w", mapErr(err))
	}
	if !at.Valid {
		return through, time.Time{}, nil
	}
	return through, fromUS(at.Int64), nil
}

func (s syncRows) PurgeTombstones(ctx context.Context, sc app.Scope, before, at time.Time) (int64, error) {
	n, top, err := deleteWhere(ctx, s.q, sc.TenantID, `deleted_at IS NOT NULL AND deleted_at < ?`, us(before))
	if err != nil {
		return 0, fmt.Errorf("purge tombstones: %w", err)
	}
	res, err := s.q.ExecContext(ctx, `UPDATE tenants SET purged_through = max(purged_through, ?), purged_at = ? WHERE id = ?`, top, us(at), sc.TenantID)
	if err != nil {
		return 0, fmt.Errorf("purge tombstones: %w", mapErr(err))
	}
	if k, err := res.RowsAffected(); err != nil || k != 1 {
		return 0, fmt.Errorf("purge tombstones: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	return n, nil
}

func (s syncRows) DropStale(ctx context.Context, sc app.Scope, through int64) (int64, error) {
	marks, err := dropStaleInvoices(ctx, s.q, sc, through)
	if err != nil {
		return 0, err
	}
	n, _, err := deleteWhere(ctx, s.q, sc.TenantID, `server_version <= ?
		AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = {t}.tenant_id AND c.entity_id = {t}.id)`, through)
	if err != nil {
		return 0, fmt.Errorf("drop stale rows: %w", err)
	}
	return n + marks, nil
}

// dropStaleInvoices is DropStale's part for invoices and the marks on invoiced entries,
// which come first: marks name entries. A mark of an invoice with a pending change stays
// with its invoice. Marks name no invoice here: a member's device holds the marks of the
// member's entries and no invoice.
func dropStaleInvoices(ctx context.Context, q querier, sc app.Scope, through int64) (int64, error) {
	var n int64
	for _, stmt := range []string{
		`DELETE FROM invoice_entries WHERE tenant_id = ? AND server_version <= ?
			AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = invoice_entries.tenant_id AND c.entity_id = invoice_entries.invoice_id)`,
		`DELETE FROM invoices WHERE tenant_id = ? AND server_version <= ?
			AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = invoices.tenant_id AND c.entity_id = invoices.id)`,
	} {
		res, err := q.ExecContext(ctx, stmt, sc.TenantID, through)
		if err != nil {
			return 0, fmt.Errorf("drop stale invoices: %w", mapErr(err))
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("drop stale invoices: %w", err)
		}
		n += k
	}
	return n, nil
}
