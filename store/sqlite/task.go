package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type tasks struct{ q querier }

const taskCols = "id, tenant_id, organization_id, project_id, name, done, archived, " + metaCols

func scanTask(r rowScanner) (app.Task, error) {
	var t app.Task
	var m metaScan
	err := r.Scan(append([]any{&t.ID, &t.TenantID, &t.OrganizationID, &t.ProjectID, &t.Name, &t.Done, &t.Archived}, m.dest(&t.Meta)...)...)
	m.fill(&t.Meta)
	return t, err
}

func (s tasks) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Task, error) {
	return getOne("get task", scanTask, s.q.QueryRowContext(ctx,
		`SELECT `+taskCols+` FROM tasks WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s tasks) List(ctx context.Context, sc app.Scope, f app.CatalogFilter) ([]app.Task, error) {
	base := `SELECT ` + taskCols + ` FROM tasks WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID}
	if f.ProjectID != nil {
		base += " AND project_id = ?"
		args = append(args, *f.ProjectID)
	}
	query, args := catalogPage(base, args, f)
	return queryList(ctx, s.q, "list tasks", func(r *sql.Rows) (app.Task, error) { return scanTask(r) }, query, args...)
}

func (s tasks) Insert(ctx context.Context, sc app.Scope, t app.Task) error {
	if t.TenantID != sc.TenantID || t.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert task: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO tasks (server_version, `+taskCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{t.ID, t.TenantID, t.OrganizationID, t.ProjectID, t.Name, t.Done, t.Archived}, metaArgs(t.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert task: %w", mapErr(err))
	}
	return nil
}

func (s tasks) Update(ctx context.Context, sc app.Scope, t app.Task, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update task",
		`UPDATE tasks SET server_version = `+stampValue+`, project_id = ?, name = ?, done = ?, archived = ?, `+updateMeta+`
		 WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{t.ProjectID, t.Name, t.Done, t.Archived}, updateMetaArgs(t.Meta)...), sc.TenantID, sc.OrgID, t.ID, prev)...)
}
