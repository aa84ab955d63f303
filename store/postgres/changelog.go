package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stinthq/stint/app"
)

// changeLog is the outbox, kept only when the store is told to (Store.KeepOutbox): at most
// one pending row per entity, no copy of the row, and rows leave once acknowledged. Seqs
// come from the tenant's counter (tenant_counters.change_seq), taken in the writing
// transaction: the counter's row stays locked until that transaction ends, so the next
// writer's seq is taken only after this one committed or rolled back. Seq order is
// therefore commit order, and a reader that has seen seq n will never later find a
// committed seq below n that it missed.
type changeLog struct{ d *db }

// changeInsert records a change with its seq from the tenant's counter, or replaces the
// entity's pending one (Append); without a counter row it inserts nothing.
var changeInsert = newPartSQL("change_log", `INSERT INTO change_log (tenant_id, seq, id, organization_id, entity, entity_id, op, version, hlc, at, fields)
	SELECT ?::uuid, taken.seq, ?::uuid, ?::uuid, ?::text, ?::uuid, ?::text, ?::bigint, ?::bytea, ?::timestamptz, ?::text
	FROM (SELECT `+seqRef+` AS seq) taken WHERE taken.seq IS NOT NULL
	ON CONFLICT (tenant_id, entity_id) DO UPDATE SET seq = excluded.seq, id = excluded.id,
		organization_id = excluded.organization_id, entity = excluded.entity, op = excluded.op,
		version = excluded.version, hlc = excluded.hlc, at = excluded.at,
		fields = CASE WHEN change_log.fields IS NULL OR excluded.fields IS NULL THEN NULL ELSE (
			SELECT coalesce(string_agg(x, ',' ORDER BY x), '') FROM (
				SELECT DISTINCT ON (split_part(x, '@', 1)) x
				FROM unnest(string_to_array(change_log.fields || ',' || excluded.fields, ',')) WITH ORDINALITY AS t(x, n)
				WHERE x <> '' ORDER BY split_part(x, '@', 1), n DESC) last) END
	RETURNING 1`, true)

// Append records a change, replacing the entity's earlier pending change with a new seq
// and the fields both touched: the lists are joined and the last item of each name kept
// (a device's stamps only grow, so that is app.MergeFieldStamps); either list NULL (not
// known) makes NULL.
func (s changeLog) Append(ctx context.Context, sc app.Scope, c app.Change) error {
	if c.TenantID != sc.TenantID {
		return fmt.Errorf("append change: tenant mismatch: %w", app.ErrNotFound)
	}
	if !s.d.outbox {
		return nil // a server's store keeps no outbox (Store.KeepOutbox)
	}
	var fields *string
	if enc, ok := app.EncodeFieldStamps(c.Entity, c.Fields, ""); ok {
		fields = &enc
	}
	// Nobody waits for the row: it goes out with the transaction's next round trip
	// (db.laterPart), in one statement with the row it records when that is queued too (merge).
	// It takes its seq from the tenant's counter there, so seq order stays commit order;
	// without a counter row it inserts nothing, and the check says so.
	s.d.laterPart("append change", &part{partSQL: changeInsert, tenant: sc.TenantID,
		args: []any{c.TenantID, c.ID, c.OrganizationID, c.Entity, c.EntityID, c.Op, c.Version, hlcValue(c.HLC), ts(c.At), fields}},
		func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("no tenant %s: %w", sc.TenantID, app.ErrNotFound)
			}
			return nil
		})
	return nil
}

func (s changeLog) After(ctx context.Context, sc app.Scope, afterSeq int64, limit int) ([]app.Change, error) {
	return queryList(ctx, s.d, sc.TenantID, "list changes", 0, func(r rowScanner) (app.Change, error) {
		var c app.Change
		var fields *string
		err := r.Scan(&c.Seq, &c.ID, &c.TenantID, &c.OrganizationID, &c.Entity, &c.EntityID, &c.Op, &c.Version, hlcScan{&c.HLC}, &c.At, &fields)
		if err != nil || fields == nil {
			return c, err
		}
		c.Fields, err = app.DecodeFieldStamps(c.Entity, *fields, true, c.HLC)
		return c, err
	}, `SELECT seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at, fields FROM change_log
		WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?`, sc.TenantID, afterSeq, limit)
}

// LatestSeq is the tenant's counter: the newest seq handed out, which stays put when the
// outbox is acknowledged and emptied, so a cursor never sees it go back.
func (s changeLog) LatestSeq(ctx context.Context, sc app.Scope) (int64, error) {
	var seq int64
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT coalesce((SELECT change_seq FROM tenant_counters WHERE tenant_id = ?), 0)`, sc.TenantID).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("latest change: %w", mapErr(err))
	}
	return seq, nil
}

// Count is how many changes of the tenant are pending.
func (s changeLog) Count(ctx context.Context, sc app.Scope) (int, error) {
	var n int
	if err := s.d.queryRow(ctx, sc.TenantID, `SELECT count(*) FROM change_log WHERE tenant_id = ?`, sc.TenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count changes: %w", mapErr(err))
	}
	return n, nil
}

// Acknowledge drops the tenant's changes up to throughSeq: the server has them.
func (s changeLog) Acknowledge(ctx context.Context, sc app.Scope, throughSeq int64) (int64, error) {
	n, err := s.d.exec(ctx, sc.TenantID, `DELETE FROM change_log WHERE tenant_id = ? AND seq <= ?`, sc.TenantID, throughSeq)
	if err != nil {
		return 0, fmt.Errorf("acknowledge changes: %w", mapErr(err))
	}
	return n, nil
}
