package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// purgeTables are the tables a purge or a resync deletes from, in an order that deletes
// what names a row before the row: activity slots name entries; rates and budgets name
// projects and clients; entries name tasks, projects and tags (and invoices name entries,
// which are never purged, and their client or project); tasks name projects; projects name
// clients. Each statement keeps the rows another row still names.
var purgeTables = []struct{ table, kept string }{
	{"screenshots", "NOT image_pending"},
	{"activity_slots", ""},
	{"rates", ""},
	{"project_budgets", ""},
	{"time_entries", `NOT EXISTS (SELECT 1 FROM activity_slots s WHERE s.tenant_id = time_entries.tenant_id AND s.entry_id = time_entries.id)
		AND NOT EXISTS (SELECT 1 FROM screenshots h WHERE h.tenant_id = time_entries.tenant_id AND h.time_entry_id = time_entries.id)
		AND NOT EXISTS (SELECT 1 FROM invoice_entries i WHERE i.tenant_id = time_entries.tenant_id AND i.entry_id = time_entries.id)`},
	{"tasks", `NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.tenant_id = tasks.tenant_id AND e.task_id = tasks.id)`},
	{"projects", `NOT EXISTS (SELECT 1 FROM tasks k WHERE k.tenant_id = projects.tenant_id AND k.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.tenant_id = projects.tenant_id AND e.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM rates r WHERE r.tenant_id = projects.tenant_id AND r.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM project_budgets b WHERE b.tenant_id = projects.tenant_id AND b.project_id = projects.id)
		AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = projects.tenant_id AND i.project_id = projects.id)`},
	{"clients", `NOT EXISTS (SELECT 1 FROM projects p WHERE p.tenant_id = clients.tenant_id AND p.client_id = clients.id)
		AND NOT EXISTS (SELECT 1 FROM rates r WHERE r.tenant_id = clients.tenant_id AND r.client_id = clients.id)
		AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = clients.tenant_id AND i.client_id = clients.id)`},
	{"tags", `NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.tenant_id = tags.tenant_id AND tags.id = ANY(e.tag_ids))`},
}

// deleteWhere deletes the tenant's rows of purgeTables matching cond (on the table's own
// columns, with args after the tenant; {t} in cond names the table), and returns how many
// it deleted and the highest server version among them.
func deleteWhere(ctx context.Context, d *db, sc app.Scope, cond string, args ...any) (int64, int64, error) {
	var n, top int64
	for _, t := range purgeTables {
		where := `tenant_id = ? AND ` + strings.ReplaceAll(cond, "{t}", t.table)
		if t.kept != "" {
			where += ` AND ` + t.kept
		}
		var k, v int64
		err := d.queryRow(ctx, sc.TenantID, `WITH gone AS (DELETE FROM `+t.table+` WHERE `+where+` RETURNING server_version)
			SELECT count(*), coalesce(max(server_version), 0) FROM gone`, append([]any{sc.TenantID}, args...)...).Scan(&k, &v)
		if err != nil {
			return 0, 0, fmt.Errorf("delete from %s: %w", t.table, mapErr(err))
		}
		n, top = n+k, max(top, v)
	}
	return n, top, nil
}

func (s syncRows) PurgedThrough(ctx context.Context, sc app.Scope) (int64, time.Time, error) {
	var through int64
	var at *time.Time
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT purged_through, purged_at FROM tenants WHERE id = ?`, sc.TenantID).Scan(&through, &at)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("purged through: %w", mapErr(err))
	}
	if at == nil {
		return through, time.Time{}, nil
	}
	return through, at.UTC(), nil
}

func (s syncRows) PurgeTombstones(ctx context.Context, sc app.Scope, before, at time.Time) (int64, error) {
	n, top, err := deleteWhere(ctx, s.d, sc, `deleted_at < ?`, before)
	if err != nil {
		return 0, fmt.Errorf("purge tombstones: %w", err)
	}
	k, err := s.d.exec(ctx, sc.TenantID, `UPDATE tenants SET purged_through = GREATEST(purged_through, ?), purged_at = ? WHERE id = ?`, top, at, sc.TenantID)
	if err != nil {
		return 0, fmt.Errorf("purge tombstones: %w", mapErr(err))
	}
	if k != 1 {
		return 0, fmt.Errorf("purge tombstones: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	return n, nil
}

func (s syncRows) DropStale(ctx context.Context, sc app.Scope, through int64) (int64, error) {
	// Invoices and the marks on invoiced entries first: marks name entries (and, here,
	// their invoices). A mark of an invoice with a pending change stays with its invoice.
	var marks int64
	for _, stmt := range []string{
		`DELETE FROM invoice_entries WHERE tenant_id = ? AND server_version <= ?
			AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = invoice_entries.tenant_id AND c.entity_id = invoice_entries.invoice_id)`,
		`DELETE FROM invoices WHERE tenant_id = ? AND server_version <= ?
			AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = invoices.tenant_id AND c.entity_id = invoices.id)
			AND NOT EXISTS (SELECT 1 FROM invoice_entries m WHERE m.invoice_id = invoices.id)`,
	} {
		k, err := s.d.exec(ctx, sc.TenantID, stmt, sc.TenantID, through)
		if err != nil {
			return 0, fmt.Errorf("drop stale invoices: %w", mapErr(err))
		}
		marks += k
	}
	n, _, err := deleteWhere(ctx, s.d, sc, `server_version <= ?
		AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tenant_id = {t}.tenant_id AND c.entity_id = {t}.id)`, through)
	if err != nil {
		return 0, fmt.Errorf("drop stale rows: %w", err)
	}
	return n + marks, nil
}
