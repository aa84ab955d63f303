package sqlite

import (
	"context"
	"fmt"

	"github.com/stinthq/stint/app"
)

type tenants struct{ q querier }

func scanTenant(r rowScanner) (app.Tenant, error) {
	var t app.Tenant
	var m metaScan
	err := r.Scan(append([]any{&t.ID, &t.Name}, m.dest(&t.Meta)...)...)
	m.fill(&t.Meta)
	return t, err
}

func (s tenants) Get(ctx context.Context, sc app.Scope) (app.Tenant, error) {
	return getOne("get tenant", scanTenant, s.q.QueryRowContext(ctx,
		`SELECT id, name, `+metaCols+` FROM tenants WHERE id = ? AND deleted_at IS NULL`, sc.TenantID))
}

func (s tenants) Insert(ctx context.Context, t app.Tenant) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO tenants (id, name, `+metaCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		append([]any{t.ID, t.Name}, metaArgs(t.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert tenant: %w", mapErr(err))
	}
	return nil
}
