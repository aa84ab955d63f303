package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type tags struct{ q querier }

const tagCols = "id, tenant_id, organization_id, name, color, archived, " + metaCols

func scanTag(r rowScanner) (app.Tag, error) {
	var t app.Tag
	var m metaScan
	err := r.Scan(append([]any{&t.ID, &t.TenantID, &t.OrganizationID, &t.Name, &t.Color, &t.Archived}, m.dest(&t.Meta)...)...)
	m.fill(&t.Meta)
	return t, err
}

func (s tags) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Tag, error) {
	return getOne("get tag", scanTag, s.q.QueryRowContext(ctx,
		`SELECT `+tagCols+` FROM tags WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s tags) List(ctx context.Context, sc app.Scope, f app.CatalogFilter) ([]app.Tag, error) {
	query, args := catalogPage(`SELECT `+tagCols+` FROM tags WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`,
		[]any{sc.TenantID, sc.OrgID}, f)
	return queryList(ctx, s.q, "list tags", func(r *sql.Rows) (app.Tag, error) { return scanTag(r) }, query, args...)
}

func (s tags) Insert(ctx context.Context, sc app.Scope, t app.Tag) error {
	if t.TenantID != sc.TenantID || t.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert tag: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO tags (server_version, `+tagCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{t.ID, t.TenantID, t.OrganizationID, t.Name, t.Color, t.Archived}, metaArgs(t.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert tag: %w", mapErr(err))
	}
	return nil
}

func (s tags) Update(ctx context.Context, sc app.Scope, t app.Tag, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update tag",
		`UPDATE tags SET server_version = `+stampValue+`, name = ?, color = ?, archived = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{t.Name, t.Color, t.Archived}, updateMetaArgs(t.Meta)...), sc.TenantID, sc.OrgID, t.ID, prev)...)
}
