package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type users struct{ q querier }

const userCols = "id, tenant_id, email, name, timezone, password_hash, " + metaCols

func scanUser(r rowScanner) (app.User, error) {
	var u app.User
	var email sql.NullString
	var m metaScan
	err := r.Scan(append([]any{&u.ID, &u.TenantID, &email, &u.Name, &u.Timezone, &u.PasswordHash}, m.dest(&u.Meta)...)...)
	u.Email = email.String
	m.fill(&u.Meta)
	return u, err
}

func (s users) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.User, error) {
	return getOne("get user", scanUser, s.q.QueryRowContext(ctx,
		`SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL`, sc.TenantID, id))
}

// ByEmailAnyTenant deliberately takes no scope: login must find the account before it knows
// the tenant. An address is unique within a tenant (users_tenant_email); across tenants the
// first account created (users_email_id, lowest id) answers when tenantID is uuid.Nil.
func (s users) ByEmailAnyTenant(ctx context.Context, email string, tenantID uuid.UUID) (app.User, error) {
	if email == "" {
		return app.User{}, app.ErrNotFound
	}
	if tenantID != uuid.Nil {
		return getOne("user by email", scanUser, s.q.QueryRowContext(ctx,
			`SELECT `+userCols+` FROM users WHERE email = ? AND tenant_id = ? AND deleted_at IS NULL`, email, tenantID))
	}
	return getOne("user by email", scanUser, s.q.QueryRowContext(ctx,
		`SELECT `+userCols+` FROM users WHERE email = ? AND deleted_at IS NULL ORDER BY id LIMIT 1`, email))
}

func (s users) Insert(ctx context.Context, sc app.Scope, u app.User) error {
	if u.TenantID != sc.TenantID {
		return fmt.Errorf("insert user: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO users (server_version, `+userCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{u.ID, u.TenantID, nullString(u.Email), u.Name, u.Timezone, u.PasswordHash}, metaArgs(u.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert user: %w", mapErr(err))
	}
	return nil
}

func (s users) Update(ctx context.Context, sc app.Scope, u app.User, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update user",
		`UPDATE users SET server_version = `+stampValue+`, email = ?, name = ?, timezone = ?, password_hash = ?, `+updateMeta+` WHERE tenant_id = ? AND id = ? AND version = ?`,
		append(append([]any{nullString(u.Email), u.Name, u.Timezone, u.PasswordHash}, updateMetaArgs(u.Meta)...), sc.TenantID, u.ID, prev)...)
}
