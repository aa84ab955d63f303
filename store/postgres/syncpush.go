package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

// syncMutations keeps the outcomes of pushed mutations (migration 0004).
type syncMutations struct{ d *db }

// SyncMutations gives the pushed-mutation outcomes of the transaction.
func (t *txn) SyncMutations() app.SyncMutations { return syncMutations{t.d} }

const syncMutationCols = "tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at"

// lookupMutations reads the outcomes of a list of mutation ids, one primary-key probe per
// id. "mutation_id = ANY(…)" let the planner's generic plan, on a table whose statistics
// predate a burst of pushes, scan all of the tenant's outcomes through sync_mutations_at
// and filter them: about 10 ms per batch at 20,000 outcomes, growing with them.
const lookupMutations = `SELECT m.* FROM unnest(?::uuid[]) AS k(id) CROSS JOIN LATERAL (
	SELECT ` + syncMutationCols + ` FROM sync_mutations WHERE tenant_id = ? AND mutation_id = k.id LIMIT 1) m`

// Lookup first takes a transaction-scoped advisory lock on each mutation id, in the order of
// their keys, then reads in a statement of its own: under READ COMMITTED that statement sees
// what a concurrent push of the same mutations committed while this one waited.
func (s syncMutations) Lookup(ctx context.Context, sc app.Scope, ids []uuid.UUID) ([]app.SyncMutation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	texts := make([]string, len(ids))
	for i, id := range ids {
		texts[i] = id.String()
	}
	if _, err := s.d.exec(ctx, sc.TenantID, `SELECT pg_advisory_xact_lock(k) FROM (
			SELECT DISTINCT hashtextextended(?::text || '/' || id, 0) AS k FROM unnest(?::text[]) AS id ORDER BY k) keys`,
		sc.TenantID, texts); err != nil {
		return nil, fmt.Errorf("hold pushed mutations: %w", mapErr(err))
	}
	rows, err := s.d.query(ctx, sc.TenantID, lookupMutations, texts, sc.TenantID)
	if err != nil {
		return nil, fmt.Errorf("look up pushed mutations: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.SyncMutation, error) {
		var m app.SyncMutation
		err := r.Scan(&m.TenantID, &m.MutationID, &m.UserID, &m.OrganizationID, &m.Entity, &m.EntityID, &m.Status, &m.Reason, &m.Message, &m.Version, &m.At)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("look up pushed mutations: %w", mapErr(err))
	}
	return out, nil
}

func (s syncMutations) Insert(ctx context.Context, sc app.Scope, ms ...app.SyncMutation) error {
	if len(ms) == 0 {
		return nil
	}
	args := make([]any, 0, 11*len(ms))
	for _, m := range ms {
		if m.TenantID != sc.TenantID {
			return fmt.Errorf("insert pushed mutation: tenant mismatch: %w", app.ErrNotFound)
		}
		args = append(args, m.TenantID, m.MutationID, m.UserID, m.OrganizationID, m.Entity, m.EntityID,
			string(m.Status), string(m.Reason), m.Message, m.Version, ts(m.At))
	}
	rows := strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(ms))[2:]
	if _, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO sync_mutations (`+syncMutationCols+`) VALUES `+rows, args...); err != nil {
		return fmt.Errorf("insert pushed mutations: %w", mapErr(err))
	}
	return nil
}

func (s syncMutations) DeleteBefore(ctx context.Context, sc app.Scope, before time.Time) (int64, error) {
	n, err := s.d.exec(ctx, sc.TenantID, `DELETE FROM sync_mutations WHERE tenant_id = ? AND at < ?`, sc.TenantID, ts(before))
	if err != nil {
		return 0, fmt.Errorf("expire pushed mutations: %w", mapErr(err))
	}
	return n, nil
}

// pushTables names the table of each entity a push may carry.
var pushTables = map[string]string{
	app.EntityClient: "clients", app.EntityProject: "projects", app.EntityTask: "tasks",
	app.EntityTag: "tags", app.EntityTimeEntry: "time_entries",
	app.EntityRate: "rates", app.EntityBudget: "project_budgets", app.EntityActivitySlot: "activity_slots",
	app.EntityInvoice: "invoices", app.EntityScreenshot: "screenshots",
}

// LocateAnyTenant asks sync_locate, a SECURITY DEFINER function that tells of another
// tenant's row only that it exists.
func (s syncMutations) LocateAnyTenant(ctx context.Context, sc app.Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]app.RowLocation, error) {
	table, ok := pushTables[entity]
	if !ok {
		return nil, fmt.Errorf("locate %s: unknown entity", entity)
	}
	out := make(map[uuid.UUID]app.RowLocation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	texts := make([]string, len(ids))
	for i, id := range ids {
		texts[i] = id.String()
	}
	rows, err := s.d.query(ctx, sc.TenantID, `SELECT id, in_tenant, organization_id, deleted FROM sync_locate(?, ?::uuid[], ?)`, table, texts, sc.TenantID)
	if err != nil {
		return nil, fmt.Errorf("locate %s: %w", entity, mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var inTenant bool
		var org *uuid.UUID
		var deleted *bool
		if err := rows.Scan(&id, &inTenant, &org, &deleted); err != nil {
			return nil, fmt.Errorf("locate %s: %w", entity, mapErr(err))
		}
		if !inTenant || org == nil || deleted == nil {
			out[id] = app.RowLocation{Found: true, OtherTenant: true}
			continue
		}
		out[id] = app.RowLocation{Found: true, OrganizationID: *org, Deleted: *deleted}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("locate %s: %w", entity, mapErr(err))
	}
	return out, nil
}

func (s syncMutations) FieldClocks(ctx context.Context, sc app.Scope, entityID uuid.UUID) (app.FieldClocks, error) {
	var fc app.FieldClocks
	var clocks []byte
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT version, clocks::text FROM sync_field_clocks WHERE tenant_id = ? AND entity_id = ?`, sc.TenantID, entityID).
		Scan(&fc.Version, &clocks)
	if err != nil {
		return fc, fmt.Errorf("field clocks: %w", mapErr(err))
	}
	if err := json.Unmarshal(clocks, &fc.Clocks); err != nil {
		return fc, fmt.Errorf("field clocks: %w", err)
	}
	return fc, nil
}

func (s syncMutations) PutFieldClocks(ctx context.Context, sc app.Scope, entityID uuid.UUID, fc app.FieldClocks) error {
	clocks, err := json.Marshal(fc.Clocks)
	if err != nil {
		return err
	}
	if fc.Clocks == nil {
		clocks = []byte("{}")
	}
	_, err = s.d.exec(ctx, sc.TenantID, `INSERT INTO sync_field_clocks (tenant_id, entity_id, version, clocks) VALUES (?, ?, ?, ?::jsonb)
		ON CONFLICT (tenant_id, entity_id) DO UPDATE SET version = excluded.version, clocks = excluded.clocks`,
		sc.TenantID, entityID, fc.Version, string(clocks))
	if err != nil {
		return fmt.Errorf("put field clocks: %w", mapErr(err))
	}
	return nil
}

const conflictCols = "id, tenant_id, organization_id, user_id, mutation_id, entity, entity_id, field, kept, lost, kept_hlc, lost_hlc, at"

func (s syncMutations) AddConflicts(ctx context.Context, sc app.Scope, cs ...app.SyncConflict) error {
	for _, c := range cs {
		if c.TenantID != sc.TenantID {
			return fmt.Errorf("add conflict: tenant mismatch: %w", app.ErrNotFound)
		}
		_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO sync_conflicts (`+conflictCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)`,
			c.ID, c.TenantID, c.OrganizationID, c.UserID, c.MutationID, c.Entity, c.EntityID, c.Field, string(c.Kept), string(c.Lost),
			hlcValue(c.KeptHLC), hlcValue(c.LostHLC), ts(c.At))
		if err != nil {
			return fmt.Errorf("add conflict: %w", mapErr(err))
		}
	}
	return nil
}

// conflictRead is conflictCols as read back: the JSON values as their text.
const conflictRead = `id, tenant_id, organization_id, user_id, mutation_id, entity, entity_id, field,
		kept::text, lost::text, kept_hlc, lost_hlc, at`

func (s syncMutations) Conflicts(ctx context.Context, sc app.Scope, entityID uuid.UUID) ([]app.SyncConflict, error) {
	return s.conflicts(ctx, sc, "list conflicts", `SELECT `+conflictRead+` FROM sync_conflicts WHERE tenant_id = ? AND entity_id = ? ORDER BY at, id`,
		sc.TenantID, entityID)
}

func (s syncMutations) RecentConflicts(ctx context.Context, sc app.Scope, user *uuid.UUID, before *app.SyncConflict, limit int) ([]app.SyncConflict, error) {
	q := `SELECT ` + conflictRead + ` FROM sync_conflicts WHERE tenant_id = ? AND organization_id = ?`
	args := []any{sc.TenantID, sc.OrgID}
	if user != nil {
		q += ` AND user_id = ?`
		args = append(args, *user)
	}
	if before != nil {
		q += ` AND (at, id) < (?, ?)`
		args = append(args, before.At, before.ID)
	}
	return s.conflicts(ctx, sc, "list recent conflicts", q+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
}

func (s syncMutations) conflicts(ctx context.Context, sc app.Scope, what, query string, args ...any) ([]app.SyncConflict, error) {
	rows, err := s.d.query(ctx, sc.TenantID, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.SyncConflict, error) {
		var c app.SyncConflict
		var kept, lost string
		err := r.Scan(&c.ID, &c.TenantID, &c.OrganizationID, &c.UserID, &c.MutationID, &c.Entity, &c.EntityID, &c.Field, &kept, &lost,
			hlcScan{&c.KeptHLC}, hlcScan{&c.LostHLC}, &c.At)
		c.Kept, c.Lost = json.RawMessage(kept), json.RawMessage(lost)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return out, nil
}

// UnchangedPulledEntries compares each entry with its live copy in a statement of its own;
// like UpdatePulledEntries it is here for the conformance suite (devices run on SQLite).
func (s syncRows) UnchangedPulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var same []uuid.UUID
	for _, e := range es {
		if e.TenantID != sc.TenantID {
			return nil, fmt.Errorf("unchanged pulled entries: scope mismatch: %w", app.ErrNotFound)
		}
		args := []any{sc.TenantID, e.OrganizationID, e.ID, e.ProjectID, e.TaskID, e.Description, ts(e.StartedAt), nullTS(e.StoppedAt),
			e.Timezone, e.Billable, tagIDs(e.TagIDs)}
		args = append(args, updateMetaArgs(e.Meta)...)
		var n int
		err := s.d.queryRow(ctx, sc.TenantID, `SELECT count(*) FROM time_entries WHERE tenant_id = ? AND organization_id = ? AND id = ?
			AND deleted_at IS NULL AND project_id IS NOT DISTINCT FROM ? AND task_id IS NOT DISTINCT FROM ? AND description = ?
			AND started_at = ? AND stopped_at IS NOT DISTINCT FROM ? AND timezone = ? AND billable = ? AND tag_ids = ?
			AND version = ? AND hlc = ? AND updated_at = ? AND deleted_at IS NOT DISTINCT FROM ?`, args...).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("unchanged pulled entries: %w", mapErr(err))
		}
		if n == 1 {
			same = append(same, e.ID)
		}
	}
	return same, nil
}
