package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type clients struct{ q querier }

const clientCols = "id, tenant_id, organization_id, name, archived, " + metaCols

func scanClient(r rowScanner) (app.Client, error) {
	var c app.Client
	var m metaScan
	err := r.Scan(append([]any{&c.ID, &c.TenantID, &c.OrganizationID, &c.Name, &c.Archived}, m.dest(&c.Meta)...)...)
	m.fill(&c.Meta)
	return c, err
}

func (s clients) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Client, error) {
	return getOne("get client", scanClient, s.q.QueryRowContext(ctx,
		`SELECT `+clientCols+` FROM clients WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s clients) List(ctx context.Context, sc app.Scope, f app.CatalogFilter) ([]app.Client, error) {
	query, args := catalogPage(`SELECT `+clientCols+` FROM clients WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`,
		[]any{sc.TenantID, sc.OrgID}, f)
	return queryList(ctx, s.q, "list clients", func(r *sql.Rows) (app.Client, error) { return scanClient(r) }, query, args...)
}

func (s clients) Insert(ctx context.Context, sc app.Scope, c app.Client) error {
	if c.TenantID != sc.TenantID || c.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert client: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO clients (server_version, `+clientCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{c.ID, c.TenantID, c.OrganizationID, c.Name, c.Archived}, metaArgs(c.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert client: %w", mapErr(err))
	}
	return nil
}

func (s clients) Update(ctx context.Context, sc app.Scope, c app.Client, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update client",
		`UPDATE clients SET server_version = `+stampValue+`, name = ?, archived = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{c.Name, c.Archived}, updateMetaArgs(c.Meta)...), sc.TenantID, sc.OrgID, c.ID, prev)...)
}
