package postgres

import (
	"context"
	"fmt"

	"github.com/stinthq/stint/app"
)

type tenants struct{ d *db }

func scanTenant(r rowScanner) (app.Tenant, error) {
	var t app.Tenant
	err := r.Scan(append([]any{&t.ID, &t.Name}, metaDest(&t.Meta)...)...)
	return t, err
}

func (s tenants) Get(ctx context.Context, sc app.Scope) (app.Tenant, error) {
	return getOne("get tenant", scanTenant, s.d.queryRow(ctx, sc.TenantID,
		`SELECT id, name, `+metaCols+` FROM tenants WHERE id = ? AND deleted_at IS NULL`, sc.TenantID))
}

// Insert runs in the new tenant's own scope: its row is the first of its data, so no
// cross-tenant access is needed to create it.
func (s tenants) Insert(ctx context.Context, t app.Tenant) error {
	_, err := s.d.exec(ctx, t.ID, `INSERT INTO tenants (id, name, `+metaCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		append([]any{t.ID, t.Name}, metaArgs(t.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert tenant: %w", mapErr(err))
	}
	return nil
}
