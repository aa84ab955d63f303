package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

// syncMutations keeps the outcomes of pushed mutations (migration 0004).
type syncMutations struct{ d *db }

// SyncMutations gives the pushed-mutation outcomes of the transaction.
func (t *txn) SyncMutations() app.SyncMutations { return syncMutations{t.d} }

// Get first takes a transaction-scoped advisory lock on the mutation id, then reads in a
// statement of its own: under READ COMMITTED that statement sees what a concurrent push of
// the same mutation committed while this one waited for the lock.
func (s syncMutations) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.SyncMutation, error) {
	if _, err := s.d.exec(ctx, sc.TenantID, `SELECT pg_advisory_xact_lock(hashtextextended(?::text || '/' || ?::text, 0))`,
		sc.TenantID, id); err != nil {
		return app.SyncMutation{}, fmt.Errorf("lock pushed mutation: %w", mapErr(err))
	}
	var m app.SyncMutation
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at
		FROM sync_mutations WHERE tenant_id = ? AND mutation_id = ?`, sc.TenantID, id).
		Scan(&m.TenantID, &m.MutationID, &m.UserID, &m.OrganizationID, &m.Entity, &m.EntityID, &m.Status, &m.Reason, &m.Message, &m.Version, &m.At)
	if err != nil {
		return app.SyncMutation{}, fmt.Errorf("get pushed mutation: %w", mapErr(err))
	}
	return m, nil
}

func (s syncMutations) Insert(ctx context.Context, sc app.Scope, m app.SyncMutation) error {
	if m.TenantID != sc.TenantID {
		return fmt.Errorf("insert pushed mutation: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO sync_mutations (tenant_id, mutation_id, user_id, organization_id, entity, entity_id, status, reason, message, version, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.TenantID, m.MutationID, m.UserID, m.OrganizationID, m.Entity, m.EntityID, string(m.Status), string(m.Reason), m.Message, m.Version, ts(m.At))
	if err != nil {
		return fmt.Errorf("insert pushed mutation: %w", mapErr(err))
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
}

// LocateAnyTenant asks sync_locate, a SECURITY DEFINER function that tells of another
// tenant's row only that it exists.
func (s syncMutations) LocateAnyTenant(ctx context.Context, sc app.Scope, entity string, id uuid.UUID) (app.RowLocation, error) {
	table, ok := pushTables[entity]
	if !ok {
		return app.RowLocation{}, fmt.Errorf("locate %s: unknown entity", entity)
	}
	var inTenant bool
	var org *uuid.UUID
	var deleted *bool
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT in_tenant, organization_id, deleted FROM sync_locate(?, ?, ?)`, table, id, sc.TenantID).
		Scan(&inTenant, &org, &deleted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return app.RowLocation{}, nil
	case err != nil:
		return app.RowLocation{}, fmt.Errorf("locate %s: %w", entity, mapErr(err))
	case !inTenant || org == nil || deleted == nil:
		return app.RowLocation{Found: true, OtherTenant: true}, nil
	}
	return app.RowLocation{Found: true, OrganizationID: *org, Deleted: *deleted}, nil
}
