package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type projects struct{ q querier }

const projectCols = "id, tenant_id, organization_id, client_id, name, color, billable, archived, " + metaCols

func scanProject(r rowScanner) (app.Project, error) {
	var p app.Project
	var client uuid.NullUUID
	var m metaScan
	err := r.Scan(append([]any{&p.ID, &p.TenantID, &p.OrganizationID, &client, &p.Name, &p.Color, &p.Billable, &p.Archived}, m.dest(&p.Meta)...)...)
	p.ClientID = fromNullID(client)
	m.fill(&p.Meta)
	return p, err
}

func (s projects) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Project, error) {
	return getOne("get project", scanProject, s.q.QueryRowContext(ctx,
		`SELECT `+projectCols+` FROM projects WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s projects) ByName(ctx context.Context, sc app.Scope, name string) (app.Project, error) {
	return getOne("project by name", scanProject, s.q.QueryRowContext(ctx,
		`SELECT `+projectCols+` FROM projects WHERE tenant_id = ? AND organization_id = ? AND lower(name) = lower(?) AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, name))
}

func (s projects) List(ctx context.Context, sc app.Scope, f app.CatalogFilter) ([]app.Project, error) {
	query, args := catalogPage(`SELECT `+projectCols+` FROM projects WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`,
		[]any{sc.TenantID, sc.OrgID}, f)
	return queryList(ctx, s.q, "list projects", func(r *sql.Rows) (app.Project, error) { return scanProject(r) }, query, args...)
}

func (s projects) Insert(ctx context.Context, sc app.Scope, p app.Project) error {
	if p.TenantID != sc.TenantID || p.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert project: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO projects (server_version, `+projectCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{p.ID, p.TenantID, p.OrganizationID, nullID(p.ClientID), p.Name, p.Color, p.Billable, p.Archived}, metaArgs(p.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert project: %w", mapErr(err))
	}
	return nil
}

func (s projects) Update(ctx context.Context, sc app.Scope, p app.Project, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update project",
		`UPDATE projects SET server_version = `+stampValue+`, client_id = ?, name = ?, color = ?, billable = ?, archived = ?, `+updateMeta+`
		 WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{nullID(p.ClientID), p.Name, p.Color, p.Billable, p.Archived}, updateMetaArgs(p.Meta)...), sc.TenantID, sc.OrgID, p.ID, prev)...)
}
