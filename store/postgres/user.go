package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type users struct{ d *db }

const userCols = "id, tenant_id, email, name, timezone, password_hash, " + metaCols

func scanUser(r rowScanner) (app.User, error) {
	var u app.User
	var email *string
	err := r.Scan(append([]any{&u.ID, &u.TenantID, &email, &u.Name, &u.Timezone, &u.PasswordHash}, metaDest(&u.Meta)...)...)
	if email != nil {
		u.Email = *email
	}
	return u, err
}

func (s users) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.User, error) {
	if u, ok := s.d.ahead[id]; ok && u.TenantID == sc.TenantID {
		return u, nil // read with the membership, and nothing written since (db.ahead)
	}
	return getOne("get user", scanUser, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL`, sc.TenantID, id))
}

// ByEmailAnyTenant goes through user_by_email, a SECURITY DEFINER function: login must find
// the account before it knows the tenant, and row-level security shows this role nothing
// without one.
func (s users) ByEmailAnyTenant(ctx context.Context, email string, tenantID uuid.UUID) (app.User, error) {
	if email == "" {
		return app.User{}, app.ErrNotFound
	}
	var tenant *uuid.UUID
	if tenantID != uuid.Nil {
		tenant = &tenantID
	}
	return getOne("user by email", scanUser, s.d.queryRow(ctx, s.d.noTenant(),
		`SELECT `+userCols+` FROM user_by_email(?, ?)`, email, tenant))
}

func (s users) Insert(ctx context.Context, sc app.Scope, u app.User) error {
	if u.TenantID != sc.TenantID {
		return fmt.Errorf("insert user: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{u.ID, u.TenantID, nullString(u.Email), u.Name, u.Timezone, u.PasswordHash}, metaArgs(u.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert user: %w", mapErr(err))
	}
	return nil
}

func (s users) Update(ctx context.Context, sc app.Scope, u app.User, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update user",
		`UPDATE users SET email = ?, name = ?, timezone = ?, password_hash = ?, `+updateMeta+` WHERE tenant_id = ? AND id = ? AND version = ?`,
		append(append([]any{nullString(u.Email), u.Name, u.Timezone, u.PasswordHash}, updateMetaArgs(u.Meta)...), sc.TenantID, u.ID, prev)...)
}
