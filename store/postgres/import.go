package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// imports is the import's path (app.Imports) on PostgreSQL: each entry goes in as
// TimeEntries.Insert, AuditLog.Append and ChangeLog.Append write it, so the counter, the
// row-level security and the outbox see what any other write gives them. A server takes
// imports rarely and from one organization at a time; devices import into SQLite, whose
// store writes several rows to a statement.
type imports struct{ d *db }

// Imports gives the import's path.
func (t *txn) Imports() app.Imports { return imports{t.d} }

// importTables are the tables Existing may look in, by entity.
var importTables = map[string]string{
	"time_entry": "time_entries", "client": "clients", "project": "projects", "task": "tasks",
	"tag": "tags", "user": "users", "membership": "memberships",
}

func (s imports) Existing(ctx context.Context, sc app.Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	table, ok := importTables[entity]
	if !ok {
		return nil, fmt.Errorf("existing %s: unknown entity", entity)
	}
	got, err := queryList(ctx, s.d, sc.TenantID, "existing "+entity, 0, func(r rowScanner) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, `SELECT id FROM `+table+` WHERE tenant_id = ? AND id = ANY(?)`, sc.TenantID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]bool, len(got))
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

func (s imports) InsertEntries(ctx context.Context, sc app.Scope, rows []app.ImportedEntry) error {
	for _, r := range rows {
		if r.Entry.StoppedAt == nil {
			return fmt.Errorf("insert imported entries: entry %s is running: %w", r.Entry.ID, app.ErrConflict)
		}
		if err := timeEntries(s).Insert(ctx, sc, r.Entry); err != nil {
			return fmt.Errorf("insert imported entries: %w", err)
		}
		if err := auditLog(s).Append(ctx, sc, r.Audit); err != nil {
			return fmt.Errorf("insert imported entries: %w", err)
		}
		if r.Change == nil {
			continue
		}
		if err := changeLog(s).Append(ctx, sc, *r.Change); err != nil {
			return fmt.Errorf("insert imported entries: %w", err)
		}
	}
	return nil
}
