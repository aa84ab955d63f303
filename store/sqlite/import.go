package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// imports is the bulk path of an import (app.Imports): entries, their audit rows and their
// change-log rows several to a statement, a chunk of each sharing one stamp, inside the
// caller's one transaction per batch.
type imports struct{ q querier }

// Imports gives the import's bulk path.
func (t *txn) Imports() app.Imports { return imports{t.q} }

// importTables are the tables Existing may look in, by entity.
var importTables = map[string]string{
	"time_entry": "time_entries", "client": "clients", "project": "projects", "task": "tasks",
	"tag": "tags", "user": "users", "membership": "memberships",
}

// importChunk is how many rows one INSERT of an import writes: 18 values an entry keeps a
// full chunk well under SQLite's 32,766 bound parameters. A shorter tail goes in chunks of
// powers of two, so the statement cache holds a handful of texts.
const importChunk = 256

// chunkLen is the length of the next chunk of n rows left.
func chunkLen(n int) int {
	c := importChunk
	for c > n {
		c /= 2
	}
	return c
}

func (s imports) Existing(ctx context.Context, sc app.Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	table, ok := importTables[entity]
	if !ok {
		return nil, fmt.Errorf("existing %s: unknown entity", entity)
	}
	out := map[uuid.UUID]bool{}
	for len(ids) > 0 {
		n := chunkLen(len(ids))
		args := make([]any, 0, n+1)
		args = append(args, sc.TenantID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		got, err := queryListCap(ctx, s.q, "existing "+entity, n, func(r *sql.Rows) (uuid.UUID, error) {
			var id uuid.UUID
			err := r.Scan(&id)
			return id, err
		}, `SELECT id FROM `+table+` WHERE tenant_id = ? AND id IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
		ids = ids[n:]
	}
	return out, nil
}

// InsertEntries writes the rows a chunk at a time: one stamp of twice the chunk's length
// (entries take the first half as server versions, their change-log rows the second as
// seqs, so each change follows its row as one by one), then one INSERT each for the
// entries, the audit rows and the change-log rows. The page cache grows for the batch as
// InsertPulledEntries' does: imported ids are name-based, not time-ordered, so inserts land
// all over the table.
func (s imports) InsertEntries(ctx context.Context, sc app.Scope, rows []app.ImportedEntry) (err error) {
	for _, r := range rows {
		e := r.Entry
		if e.TenantID != sc.TenantID || e.OrganizationID != sc.OrgID || r.Change.TenantID != sc.TenantID || r.Audit.TenantID != sc.TenantID {
			return fmt.Errorf("insert imported entries: scope mismatch: %w", app.ErrNotFound)
		}
		if e.StoppedAt == nil {
			return fmt.Errorf("insert imported entries: entry %s is running: %w", e.ID, app.ErrConflict)
		}
	}
	var cacheSize int64
	if err := s.q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return fmt.Errorf("insert imported entries: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -pulledEntriesCacheKiB)); err != nil {
		return fmt.Errorf("insert imported entries: %w", err)
	}
	defer func() {
		if _, rerr := s.q.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cacheSize)); rerr != nil && err == nil {
			err = fmt.Errorf("insert imported entries: restore the page cache: %w", rerr)
		}
	}()
	for len(rows) > 0 {
		n := chunkLen(len(rows))
		if err := s.insertChunk(ctx, sc, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (s imports) insertChunk(ctx context.Context, sc app.Scope, rows []app.ImportedEntry) error {
	n := len(rows)
	var last int64
	err := s.q.QueryRowContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + ? WHERE id = ? RETURNING change_seq`,
		2*n, sc.TenantID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("insert imported entries: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("insert imported entries: stamp: %w", mapErr(err))
	}
	first := last - int64(2*n) + 1
	args := make([]any, 0, n*18)
	for i, r := range rows {
		e := r.Entry
		args = append(args, first+int64(i), e.ID, e.TenantID, e.OrganizationID, e.UserID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
			us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tagIDBytes(e.TagIDs))
		args = append(args, metaArgs(e.Meta)...)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO time_entries (server_version, id, tenant_id, organization_id, user_id, project_id, task_id,
		description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`) VALUES `+placeholderRows(n, 19), args...); err != nil {
		return fmt.Errorf("insert imported entries: %w", mapErr(err))
	}
	args = args[:0]
	for _, r := range rows {
		a := r.Audit
		args = append(args, a.ID, a.TenantID, nullID(a.OrganizationID), nullID(a.ActorID), a.Action, a.Entity, a.EntityID, us(a.At))
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (id, tenant_id, organization_id, actor_id, action, entity, entity_id, at)
		VALUES `+placeholderRows(n, 8), args...); err != nil {
		return fmt.Errorf("insert imported entries: audit: %w", mapErr(err))
	}
	args = args[:0]
	for i, r := range rows {
		c := r.Change
		enc, ok := app.EncodeFieldStamps(c.Entity, c.Fields, c.HLC)
		args = append(args, first+int64(n+i), c.ID, c.TenantID, nullID(c.OrganizationID), c.Entity, c.EntityID, c.Op, c.Version,
			hlcValue(c.HLC), us(c.At), sql.NullString{String: enc, Valid: ok})
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO change_log (seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at, fields)
		VALUES `+placeholderRows(n, 11), args...); err != nil {
		return fmt.Errorf("insert imported entries: change log: %w", mapErr(err))
	}
	return nil
}

// placeholderRows is "(?, …), (?, …)": n rows of width placeholders.
func placeholderRows(n, width int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}
