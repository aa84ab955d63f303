package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type organizations struct{ d *db }

const orgCols = "o.id, o.tenant_id, o.name, o.timezone, o.screenshots, o.screenshot_minutes, o.screenshot_random, o.window_titles, o.version, o.hlc, o.created_at, o.updated_at, o.deleted_at"

func scanOrg(r rowScanner) (app.Organization, error) {
	var o app.Organization
	err := r.Scan(append([]any{&o.ID, &o.TenantID, &o.Name, &o.Timezone,
		&o.Activity.Screenshots, &o.Activity.ScreenshotMinutes, &o.Activity.ScreenshotRandom, &o.Activity.WindowTitles}, metaDest(&o.Meta)...)...)
	return o, err
}

func (s organizations) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Organization, error) {
	return getOne("get organization", scanOrg, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+orgCols+` FROM organizations o WHERE o.tenant_id = ? AND o.id = ? AND o.deleted_at IS NULL`, sc.TenantID, id))
}

func (s organizations) ListForUser(ctx context.Context, sc app.Scope, userID uuid.UUID) ([]app.Organization, error) {
	return queryList(ctx, s.d, sc.TenantID, "list organizations", 0, scanOrg,
		`SELECT `+orgCols+` FROM organizations o JOIN memberships m ON m.organization_id = o.id
		 WHERE o.tenant_id = ? AND m.tenant_id = ? AND m.user_id = ? AND m.deleted_at IS NULL AND o.deleted_at IS NULL
		 ORDER BY m.created_at, m.id`, sc.TenantID, sc.TenantID, userID)
}

func (s organizations) Insert(ctx context.Context, sc app.Scope, o app.Organization) error {
	if o.TenantID != sc.TenantID {
		return fmt.Errorf("insert organization: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO organizations (id, tenant_id, name, timezone,
		screenshots, screenshot_minutes, screenshot_random, window_titles, `+metaCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{o.ID, o.TenantID, o.Name, o.Timezone, o.Activity.Screenshots, o.Activity.ScreenshotMinutes,
			o.Activity.ScreenshotRandom, o.Activity.WindowTitles}, metaArgs(o.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert organization: %w", mapErr(err))
	}
	return nil
}

func (s organizations) Update(ctx context.Context, sc app.Scope, o app.Organization, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update organization",
		`UPDATE organizations SET name = ?, timezone = ?,
		screenshots = ?, screenshot_minutes = ?, screenshot_random = ?, window_titles = ?, `+updateMeta+` WHERE tenant_id = ? AND id = ? AND version = ?`,
		append(append([]any{o.Name, o.Timezone, o.Activity.Screenshots, o.Activity.ScreenshotMinutes,
			o.Activity.ScreenshotRandom, o.Activity.WindowTitles}, updateMetaArgs(o.Meta)...), sc.TenantID, o.ID, prev)...)
}
