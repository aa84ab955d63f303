package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type tags struct{ d *db }

const tagCols = "id, tenant_id, organization_id, name, color, archived, " + metaCols

func scanTag(r rowScanner) (app.Tag, error) {
	var t app.Tag
	err := r.Scan(append([]any{&t.ID, &t.TenantID, &t.OrganizationID, &t.Name, &t.Color, &t.Archived}, metaDest(&t.Meta)...)...)
	return t, err
}

func (s tags) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Tag, error) {
	return getOne("get tag", scanTag, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+tagCols+` FROM tags WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s tags) List(ctx context.Context, sc app.Scope, f app.CatalogFilter) ([]app.Tag, error) {
	query, args := catalogPage(`SELECT `+tagCols+` FROM tags WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`,
		[]any{sc.TenantID, sc.OrgID}, f)
	return queryList(ctx, s.d, sc.TenantID, "list tags", 0, scanTag, query, args...)
}

func (s tags) Insert(ctx context.Context, sc app.Scope, t app.Tag) error {
	if t.TenantID != sc.TenantID || t.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert tag: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO tags (`+tagCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{t.ID, t.TenantID, t.OrganizationID, t.Name, t.Color, t.Archived}, metaArgs(t.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert tag: %w", mapErr(err))
	}
	return nil
}

func (s tags) Update(ctx context.Context, sc app.Scope, t app.Tag, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update tag",
		`UPDATE tags SET name = ?, color = ?, archived = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{t.Name, t.Color, t.Archived}, updateMetaArgs(t.Meta)...), sc.TenantID, sc.OrgID, t.ID, prev)...)
}
