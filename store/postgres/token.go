package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type tokens struct{ d *db }

const tokenCols = "id, tenant_id, user_id, name, kind, prefix, hash, expires_at, last_used_at, created_at, version"

func tokenDest(t *app.APIToken) []any {
	return []any{&t.ID, &t.TenantID, &t.UserID, &t.Name, &t.Kind, &t.Prefix, &t.Hash, &t.ExpiresAt, &t.LastUsedAt, &t.CreatedAt, &t.Version}
}

func scanToken(r rowScanner) (app.APIToken, error) {
	var t app.APIToken
	err := r.Scan(tokenDest(&t)...)
	return t, err
}

// ByHashAnyTenant goes through token_by_hash, a SECURITY DEFINER function: the token is what
// tells the tenant.
func (s tokens) ByHashAnyTenant(ctx context.Context, hash []byte) (app.APIToken, error) {
	return getOne("token by hash", scanToken, s.d.queryRow(ctx, s.d.noTenant(),
		`SELECT `+tokenCols+` FROM token_by_hash(?)`, hash))
}

// PrincipalAnyTenant joins the token to its user's live membership in one call of
// principal, a SECURITY DEFINER function.
func (s tokens) PrincipalAnyTenant(ctx context.Context, hash []byte, orgID *uuid.UUID) (app.APIToken, app.Membership, error) {
	var t app.APIToken
	m, err := scanMembership(s.d.queryRow(ctx, s.d.noTenant(), `SELECT * FROM principal(?, ?)`, hash, orgID), tokenDest(&t)...)
	if err != nil {
		return app.APIToken{}, app.Membership{}, fmt.Errorf("principal: %w", mapErr(err))
	}
	return t, m, nil
}

func (s tokens) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.APIToken, error) {
	return getOne("get token", scanToken, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND id = ?`, sc.TenantID, id))
}

func (s tokens) ListForUser(ctx context.Context, sc app.Scope, userID uuid.UUID) ([]app.APIToken, error) {
	return queryList(ctx, s.d, sc.TenantID, "list tokens", 0, scanToken,
		`SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND user_id = ? ORDER BY id`, sc.TenantID, userID)
}

func (s tokens) Insert(ctx context.Context, sc app.Scope, t app.APIToken) error {
	if t.TenantID != sc.TenantID {
		return fmt.Errorf("insert token: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO api_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.TenantID, t.UserID, t.Name, t.Kind, t.Prefix, t.Hash, nullTS(t.ExpiresAt), nullTS(t.LastUsedAt), ts(t.CreatedAt), t.Version)
	if err != nil {
		return fmt.Errorf("insert token: %w", mapErr(err))
	}
	return nil
}

func (s tokens) Touch(ctx context.Context, sc app.Scope, id uuid.UUID, at time.Time) error {
	_, err := s.d.exec(ctx, sc.TenantID, `UPDATE api_tokens SET last_used_at = ? WHERE tenant_id = ? AND id = ?`, ts(at), sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("touch token: %w", mapErr(err))
	}
	return nil
}

func (s tokens) Delete(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	n, err := s.d.exec(ctx, sc.TenantID, `DELETE FROM api_tokens WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("delete token: %w", mapErr(err))
	}
	if n == 0 {
		return fmt.Errorf("delete token: %w", app.ErrNotFound)
	}
	return nil
}
