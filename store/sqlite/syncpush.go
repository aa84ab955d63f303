package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

func (s syncMutations) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.SyncMutation, error) {
	var m app.SyncMutation
	var at int64
	err := s.q.QueryRowContext(ctx, `SELECT tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at
		FROM sync_mutations WHERE tenant_id = ? AND mutation_id = ?`, sc.TenantID, id).
		Scan(&m.TenantID, &m.MutationID, &m.UserID, &m.OrganizationID, &m.Entity, &m.EntityID, &m.Status, &m.Reason, &m.Message, &m.Version, &at)
	if err != nil {
		return app.SyncMutation{}, fmt.Errorf("get pushed mutation: %w", mapErr(err))
	}
	m.At = fromUS(at)
	return m, nil
}

func (s syncMutations) Insert(ctx context.Context, sc app.Scope, m app.SyncMutation) error {
	if m.TenantID != sc.TenantID {
		return fmt.Errorf("insert pushed mutation: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO sync_mutations (tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.TenantID, m.MutationID, m.UserID, m.OrganizationID, m.Entity, m.EntityID, string(m.Status), string(m.Reason), m.Message, m.Version, us(m.At))
	if err != nil {
		return fmt.Errorf("insert pushed mutation: %w", mapErr(err))
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
}

func (s syncMutations) LocateAnyTenant(ctx context.Context, sc app.Scope, entity string, id uuid.UUID) (app.RowLocation, error) {
	table, ok := pushTables[entity]
	if !ok {
		return app.RowLocation{}, fmt.Errorf("locate %s: unknown entity", entity)
	}
	var tenant, org uuid.UUID
	var deleted bool
	err := s.q.QueryRowContext(ctx, `SELECT tenant_id, organization_id, deleted_at IS NOT NULL FROM `+table+` WHERE id = ?`, id).
		Scan(&tenant, &org, &deleted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return app.RowLocation{}, nil
	case err != nil:
		return app.RowLocation{}, fmt.Errorf("locate %s: %w", entity, mapErr(err))
	case tenant != sc.TenantID:
		return app.RowLocation{Found: true, OtherTenant: true}, nil
	}
	return app.RowLocation{Found: true, OrganizationID: org, Deleted: deleted}, nil
}
