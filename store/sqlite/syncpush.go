package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// syncMutations keeps the outcomes of pushed mutations (migration 0006). SQLite has one
// writer, and a push holds it from its first lookup to its commit, so Get needs no lock of
// its own to make a concurrent push of the same mutation wait.
type syncMutations struct{ q querier }

// SyncMutations gives the pushed-mutation outcomes of the transaction.
func (t *txn) SyncMutations() app.SyncMutations { return syncMutations{t.q} }

const syncMutationCols = "tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at"

// Lookup reads the outcomes in one statement per lookupChunk ids (a statement per id cost a
// round through the driver each).
func (s syncMutations) Lookup(ctx context.Context, sc app.Scope, ids []uuid.UUID) ([]app.SyncMutation, error) {
	var out []app.SyncMutation
	for chunk := range slices.Chunk(ids, lookupChunk) {
		args := append([]any{sc.TenantID}, idList(chunk)...)
		list, err := queryList(ctx, s.q, "look up pushed mutations", func(r *sql.Rows) (app.SyncMutation, error) {
			var m app.SyncMutation
			var at int64
			err := r.Scan(&m.TenantID, &m.MutationID, &m.UserID, &m.OrganizationID, &m.Entity, &m.EntityID, &m.Status, &m.Reason, &m.Message, &m.Version, &at)
			m.At = fromUS(at)
			return m, err
		}, `SELECT `+syncMutationCols+` FROM sync_mutations WHERE tenant_id = ? AND mutation_id IN (`+placeholders(len(args)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// lookupChunk bounds the ids one lookup statement names: a push batch's (app.MaxPushBatch)
// in one, well inside SQLite's limit on bound parameters.
const lookupChunk = 500

// placeholders is n comma-separated ? (none for 0).
func placeholders(n int) string { return strings.TrimPrefix(strings.Repeat(", ?", n), ", ") }

// idList is ids as arguments of an IN list, padded with the first to a power of two so that
// the statement cache holds a few texts, not one per batch size.
func idList(ids []uuid.UUID) []any {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[0]
		if i < len(ids) {
			args[i] = ids[i]
		}
	}
	return args
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
			string(m.Status), string(m.Reason), m.Message, m.Version, us(m.At))
	}
	rows := strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(ms))[2:]
	if _, err := s.q.ExecContext(ctx, `INSERT INTO sync_mutations (`+syncMutationCols+`) VALUES `+rows, args...); err != nil {
		return fmt.Errorf("insert pushed mutations: %w", mapErr(err))
	}
	return nil
}

func (s syncMutations) DeleteBefore(ctx context.Context, sc app.Scope, before time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM sync_mutations WHERE tenant_id = ? AND at < ?`, sc.TenantID, us(before))
	if err != nil {
		return 0, fmt.Errorf("expire pushed mutations: %w", mapErr(err))
	}
	return res.RowsAffected()
}

// pushTables names the table of each entity a push may carry.
var pushTables = map[string]string{
	app.EntityClient: "clients", app.EntityProject: "projects", app.EntityTask: "tasks",
	app.EntityTag: "tags", app.EntityTimeEntry: "time_entries",
	app.EntityRate: "rates", app.EntityBudget: "project_budgets", app.EntityActivitySlot: "activity_slots",
	app.EntityInvoice: "invoices", app.EntityScreenshot: "screenshots",
}

func (s syncMutations) LocateAnyTenant(ctx context.Context, sc app.Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]app.RowLocation, error) {
	table, ok := pushTables[entity]
	if !ok {
		return nil, fmt.Errorf("locate %s: unknown entity", entity)
	}
	out := make(map[uuid.UUID]app.RowLocation, len(ids))
	for chunk := range slices.Chunk(ids, lookupChunk) {
		args := idList(chunk)
		type located struct {
			id, tenant, org uuid.UUID
			deleted         bool
		}
		list, err := queryList(ctx, s.q, "locate "+entity, func(r *sql.Rows) (located, error) {
			var l located
			err := r.Scan(&l.id, &l.tenant, &l.org, &l.deleted)
			return l, err
		}, `SELECT id, tenant_id, organization_id, deleted_at IS NOT NULL FROM `+table+` WHERE id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			if l.tenant != sc.TenantID {
				out[l.id] = app.RowLocation{Found: true, OtherTenant: true}
				continue
			}
			out[l.id] = app.RowLocation{Found: true, OrganizationID: l.org, Deleted: l.deleted}
		}
	}
	return out, nil
}

func (s syncMutations) FieldClocks(ctx context.Context, sc app.Scope, entityID uuid.UUID) (app.FieldClocks, error) {
	var fc app.FieldClocks
	var clocks string
	err := s.q.QueryRowContext(ctx, `SELECT version, clocks FROM sync_field_clocks WHERE tenant_id = ? AND entity_id = ?`, sc.TenantID, entityID).
		Scan(&fc.Version, &clocks)
	if err != nil {
		return fc, fmt.Errorf("field clocks: %w", mapErr(err))
	}
	if err := json.Unmarshal([]byte(clocks), &fc.Clocks); err != nil {
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
	_, err = s.q.ExecContext(ctx, `INSERT INTO sync_field_clocks (tenant_id, entity_id, version, clocks) VALUES (?, ?, ?, ?)
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
		_, err := s.q.ExecContext(ctx, `INSERT INTO sync_conflicts (`+conflictCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.OrganizationID, c.UserID, c.MutationID, c.Entity, c.EntityID, c.Field, string(c.Kept), string(c.Lost),
			hlcValue(c.KeptHLC), hlcValue(c.LostHLC), us(c.At))
		if err != nil {
			return fmt.Errorf("add conflict: %w", mapErr(err))
		}
	}
	return nil
}

func (s syncMutations) Conflicts(ctx context.Context, sc app.Scope, entityID uuid.UUID) ([]app.SyncConflict, error) {
	return queryList(ctx, s.q, "list conflicts", scanConflict,
		`SELECT `+conflictCols+` FROM sync_conflicts WHERE tenant_id = ? AND entity_id = ? ORDER BY at, id`, sc.TenantID, entityID)
}

func (s syncMutations) RecentConflicts(ctx context.Context, sc app.Scope, user *uuid.UUID, before *app.SyncConflict, limit int) ([]app.SyncConflict, error) {
	q := `SELECT ` + conflictCols + ` FROM sync_conflicts INDEXED BY sync_conflicts_org WHERE tenant_id = ? AND organization_id = ?`
	args := []any{sc.TenantID, sc.OrgID}
	if user != nil {
		q += ` AND user_id = ?`
		args = append(args, *user)
	}
	if before != nil {
		q += ` AND (at < ? OR (at = ? AND id < ?))`
		args = append(args, us(before.At), us(before.At), before.ID)
	}
	return queryList(ctx, s.q, "list recent conflicts", scanConflict, q+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
}

func scanConflict(r *sql.Rows) (app.SyncConflict, error) {
	var c app.SyncConflict
	var kept, lost string
	var at int64
	err := r.Scan(&c.ID, &c.TenantID, &c.OrganizationID, &c.UserID, &c.MutationID, &c.Entity, &c.EntityID, &c.Field, &kept, &lost,
		hlcScan{&c.KeptHLC}, hlcScan{&c.LostHLC}, &at)
	c.Kept, c.Lost, c.At = json.RawMessage(kept), json.RawMessage(lost), fromUS(at)
	return c, err
}

// UnchangedPulledEntries compares the entries with their live copies pulledUpdatesChunk to
// a statement, each field bound as UpdatePulledEntries binds it and compared with IS, so a
// null matches a null.
func (s syncRows) UnchangedPulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var same []uuid.UUID
	for chunk := range slices.Chunk(es, pulledUpdatesChunk) {
		args := make([]any, 0, len(chunk)*14+1)
		for _, e := range chunk {
			if e.TenantID != sc.TenantID {
				return nil, fmt.Errorf("unchanged pulled entries: scope mismatch: %w", app.ErrNotFound)
			}
			args = append(args, e.ID, e.OrganizationID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
				us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, tagIDBytes(e.TagIDs))
			args = append(args, updateMetaArgs(e.Meta)...)
		}
		args = append(args, sc.TenantID)
		ids, err := queryListCap(ctx, s.q, "unchanged pulled entries", len(chunk), func(r *sql.Rows) (uuid.UUID, error) {
			var id uuid.UUID
			err := r.Scan(&id)
			return id, err
		}, unchangedEntriesQuery(len(chunk)), args...)
		if err != nil {
			return nil, mapErr(err)
		}
		same = append(same, ids...)
	}
	return same, nil
}

// unchangedEntriesQuery finds which of n pulled entries their live copies equal.
func unchangedEntriesQuery(n int) string {
	var b strings.Builder
	b.WriteString(`WITH v(id, organization_id, project_id, task_id, description, started_at, stopped_at, timezone, billable,
		tag_ids, version, hlc, updated_at, deleted_at) AS (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	// CROSS JOIN keeps v the outer loop: for a VALUES list this long SQLite would rather scan
	// the organization's entries through an index and look each up in v, once per chunk.
	b.WriteString(`) SELECT t.id FROM v CROSS JOIN time_entries t
		WHERE t.id = v.id AND t.tenant_id = ? AND t.organization_id = v.organization_id AND t.deleted_at IS NULL
		AND t.project_id IS v.project_id AND t.task_id IS v.task_id AND t.description IS v.description
		AND t.started_at IS v.started_at AND t.stopped_at IS v.stopped_at AND t.timezone IS v.timezone
		AND t.billable IS v.billable AND t.tag_ids IS v.tag_ids AND t.version IS v.version AND t.hlc IS v.hlc
		AND t.updated_at IS v.updated_at AND t.deleted_at IS v.deleted_at`)
	return b.String()
}
