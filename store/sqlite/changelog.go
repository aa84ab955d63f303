package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type changeLog struct{ q querier }

func (s changeLog) Append(ctx context.Context, sc app.Scope, c app.Change) error {
	if c.TenantID != sc.TenantID {
		return fmt.Errorf("append change: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO change_log (id, tenant_id, organization_id, entity, entity_id, op, version, hlc, payload, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.TenantID, nullID(c.OrganizationID), c.Entity, c.EntityID, c.Op, c.Version, c.HLC, c.Payload, us(c.At))
	if err != nil {
		return fmt.Errorf("append change: %w", mapErr(err))
	}
	return nil
}

func (s changeLog) After(ctx context.Context, sc app.Scope, afterSeq int64, limit int) ([]app.Change, error) {
	return queryList(ctx, s.q, "list changes", func(r *sql.Rows) (app.Change, error) {
		var c app.Change
		var org uuid.NullUUID
		var at int64
		err := r.Scan(&c.Seq, &c.ID, &c.TenantID, &org, &c.Entity, &c.EntityID, &c.Op, &c.Version, &c.HLC, &c.Payload, &at)
		c.OrganizationID, c.At = fromNullID(org), fromUS(at)
		return c, err
	}, `SELECT seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, payload, at FROM change_log
		WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?`, sc.TenantID, afterSeq, limit)
}

func (s changeLog) LatestSeq(ctx context.Context, sc app.Scope) (int64, error) {
	var seq int64
	err := s.q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM change_log WHERE tenant_id = ?`, sc.TenantID).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("latest change: %w", err)
	}
	return seq, nil
}
