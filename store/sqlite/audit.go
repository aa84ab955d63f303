package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type auditLog struct{ q querier }

func (s auditLog) Append(ctx context.Context, sc app.Scope, e app.AuditEntry) error {
	if e.TenantID != sc.TenantID {
		return fmt.Errorf("append audit: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (id, tenant_id, organization_id, actor_id, action, entity, entity_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.TenantID, nullID(e.OrganizationID), nullID(e.ActorID), e.Action, e.Entity, e.EntityID, us(e.At))
	if err != nil {
		return fmt.Errorf("append audit: %w", mapErr(err))
	}
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
	return queryList(ctx, s.q, "list audit", func(r *sql.Rows) (app.AuditEntry, error) {
		var e app.AuditEntry
		var org, actor uuid.NullUUID
		var at int64
		err := r.Scan(&e.ID, &e.TenantID, &org, &actor, &e.Action, &e.Entity, &e.EntityID, &at)
		e.OrganizationID, e.ActorID, e.At = fromNullID(org), fromNullID(actor), fromUS(at)
		return e, err
	}, query, args...)
}
