package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// changeLog is the outbox (migration 0003): at most one pending row per entity, no copy of
// the row (the row itself is the payload), and rows leave once acknowledged. Seqs come from
// the database's counter (migration 0005, stamp), which server versions share: the writer
// is the only one, so seq order is commit order, and the tenant's newest value
// (tenants.change_seq) stays when the outbox empties.
type changeLog struct{ q querier }

// Append records a change. An earlier pending change of the same entity is replaced: the
// entity is pushed once, as it is now, under the new change's seq, with the fields both
// changes touched (app.MergeFieldStamps).
func (s changeLog) Append(ctx context.Context, sc app.Scope, c app.Change) error {
	if c.TenantID != sc.TenantID {
		return fmt.Errorf("append change: tenant mismatch: %w", app.ErrNotFound)
	}
	var old sql.NullString
	var oldHLC string
	err := s.q.QueryRowContext(ctx, `DELETE FROM change_log WHERE entity_id = ? AND tenant_id = ? RETURNING fields, hlc`,
		c.EntityID, sc.TenantID).Scan(&old, hlcScan{&oldHLC})
	fields := c.Fields
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("append change: %w", mapErr(err))
	default:
		prev, err := app.DecodeFieldStamps(c.Entity, old.String, old.Valid, oldHLC)
		if err != nil {
			return fmt.Errorf("append change: %w", err)
		}
		fields = app.MergeFieldStamps(prev, c.Fields)
	}
	enc, ok := app.EncodeFieldStamps(c.Entity, fields, c.HLC)
	_, err = stamped(s.q, sc).ExecContext(ctx, `INSERT INTO change_log (seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at, fields)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.TenantID, nullID(c.OrganizationID), c.Entity, c.EntityID, c.Op, c.Version, hlcValue(c.HLC), us(c.At),
		sql.NullString{String: enc, Valid: ok})
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
		var fields sql.NullString
		err := r.Scan(&c.Seq, &c.ID, &c.TenantID, &org, &c.Entity, &c.EntityID, &c.Op, &c.Version, hlcScan{&c.HLC}, &at, &fields)
		if err != nil {
			return c, err
		}
		c.OrganizationID, c.At = fromNullID(org), fromUS(at)
		c.Fields, err = app.DecodeFieldStamps(c.Entity, fields.String, fields.Valid, c.HLC)
		return c, err
	}, `SELECT seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at, fields FROM change_log
		WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?`, sc.TenantID, afterSeq, limit)
}

// LatestSeq is the newest seq or server version the counter gave the tenant
// (tenants.change_seq), which stays put when the outbox is acknowledged and emptied.
func (s changeLog) LatestSeq(ctx context.Context, sc app.Scope) (int64, error) {
	var seq int64
	err := s.q.QueryRowContext(ctx, `SELECT coalesce((SELECT change_seq FROM tenants WHERE id = ?), 0)`,
		sc.TenantID).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("latest change: %w", err)
	}
	return seq, nil
}

// Count is how many changes of the tenant are pending.
func (s changeLog) Count(ctx context.Context, sc app.Scope) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM change_log WHERE tenant_id = ?`, sc.TenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count changes: %w", err)
	}
	return n, nil
}

// Acknowledge drops the tenant's changes up to throughSeq: the server has them.
func (s changeLog) Acknowledge(ctx context.Context, sc app.Scope, throughSeq int64) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM change_log WHERE tenant_id = ? AND seq <= ?`, sc.TenantID, throughSeq)
	if err != nil {
		return 0, fmt.Errorf("acknowledge changes: %w", err)
	}
	return res.RowsAffected()
}
