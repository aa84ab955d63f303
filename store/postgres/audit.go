package postgres

import (
	"context"
	"fmt"

	"github.com/stinthq/stint/app"
)

type auditLog struct{ d *db }

// auditInsert appends an audit row.
var auditInsert = newPartSQL("audit_log", `INSERT INTO audit_log (id, tenant_id, organization_id, actor_id, action, entity, entity_id, at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING 1`, false).withRows("uuid", "uuid", "uuid", "uuid", "text", "text", "uuid", "timestamptz")

func (s auditLog) Append(ctx context.Context, sc app.Scope, e app.AuditEntry) error {
	if e.TenantID != sc.TenantID {
		return fmt.Errorf("append audit: tenant mismatch: %w", app.ErrNotFound)
	}
	// Nobody waits for the row: it goes out with the transaction's next round trip
	// (db.laterPart), in one statement with the row it records when that is queued too (merge).
	s.d.laterPart("append audit", &part{partSQL: auditInsert, tenant: sc.TenantID,
		args: []any{e.ID, e.TenantID, e.OrganizationID, e.ActorID, e.Action, e.Entity, e.EntityID, ts(e.At)}}, nil)
	return nil
}

func (s auditLog) List(ctx context.Context, sc app.Scope, p app.PageRequest) ([]app.AuditEntry, error) {
	query := `SELECT id, tenant_id, organization_id, actor_id, action, entity, entity_id, at FROM audit_log WHERE tenant_id = ?`
	args := []any{sc.TenantID}
	if p.After != nil {
		query += " AND id > ?"
		args = append(args, p.After.ID)
	}
	query += " ORDER BY id LIMIT ?"
	args = append(args, p.Limit)
	return queryList(ctx, s.d, sc.TenantID, "list audit", 0, func(r rowScanner) (app.AuditEntry, error) {
		var e app.AuditEntry
		err := r.Scan(&e.ID, &e.TenantID, &e.OrganizationID, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.At)
		return e, err
	}, query, args...)
}
