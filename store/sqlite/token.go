package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type tokens struct{ q querier }

const tokenCols = "id, tenant_id, user_id, name, kind, prefix, hash, expires_at, last_used_at, created_at, version"

func scanToken(r rowScanner) (app.APIToken, error) {
	var t app.APIToken
	var exp, used sql.NullInt64
	var created int64
	err := r.Scan(&t.ID, &t.TenantID, &t.UserID, &t.Name, &t.Kind, &t.Prefix, &t.Hash, &exp, &used, &created, &t.Version)
	t.ExpiresAt, t.LastUsedAt, t.CreatedAt = fromNullUS(exp), fromNullUS(used), fromUS(created)
	return t, err
}

// ByHashAnyTenant ignores scope on purpose: the token is what tells the tenant.
func (s tokens) ByHashAnyTenant(ctx context.Context, hash []byte) (app.APIToken, error) {
	return getOne("token by hash", scanToken, s.q.QueryRowContext(ctx,
		`SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
}

// PrincipalAnyTenant joins the token to its user's live membership: one statement per
// request instead of three.
func (s tokens) PrincipalAnyTenant(ctx context.Context, hash []byte, orgID *uuid.UUID) (app.APIToken, app.Membership, error) {
	query := `SELECT ` + membershipCols + `,
		t.id, t.tenant_id, t.user_id, t.name, t.kind, t.prefix, t.hash, t.expires_at, t.last_used_at, t.created_at, t.version FROM api_tokens t
		JOIN memberships m ON m.tenant_id = t.tenant_id AND m.user_id = t.user_id AND m.deleted_at IS NULL
		JOIN organizations o ON o.id = m.organization_id AND o.tenant_id = t.tenant_id AND o.deleted_at IS NULL
		WHERE t.hash = ?`
	args := []any{hash}
	if orgID != nil {
		query += " AND m.organization_id = ?"
		args = append(args, *orgID)
	}
	query += " ORDER BY m.created_at, m.id LIMIT 1"
	var t app.APIToken
	var exp, used sql.NullInt64
	var created int64
	m, err := scanMembership(s.q.QueryRowContext(ctx, query, args...),
		&t.ID, &t.TenantID, &t.UserID, &t.Name, &t.Kind, &t.Prefix, &t.Hash, &exp, &used, &created, &t.Version)
	if err != nil {
		return app.APIToken{}, app.Membership{}, fmt.Errorf("principal: %w", mapErr(err))
	}
	t.ExpiresAt, t.LastUsedAt, t.CreatedAt = fromNullUS(exp), fromNullUS(used), fromUS(created)
	return t, m, nil
}

func (s tokens) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.APIToken, error) {
	return getOne("get token", scanToken, s.q.QueryRowContext(ctx,
		`SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND id = ?`, sc.TenantID, id))
}

func (s tokens) ListForUser(ctx context.Context, sc app.Scope, userID uuid.UUID) ([]app.APIToken, error) {
	return queryList(ctx, s.q, "list tokens", func(r *sql.Rows) (app.APIToken, error) { return scanToken(r) },
		`SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND user_id = ? ORDER BY id`, sc.TenantID, userID)
}

func (s tokens) Insert(ctx context.Context, sc app.Scope, t app.APIToken) error {
	if t.TenantID != sc.TenantID {
		return fmt.Errorf("insert token: tenant mismatch: %w", app.ErrNotFound)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO api_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.TenantID, t.UserID, t.Name, t.Kind, t.Prefix, t.Hash, nullUS(t.ExpiresAt), nullUS(t.LastUsedAt), us(t.CreatedAt), t.Version)
	if err != nil {
		return fmt.Errorf("insert token: %w", mapErr(err))
	}
	return nil
}

func (s tokens) Touch(ctx context.Context, sc app.Scope, id uuid.UUID, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE tenant_id = ? AND id = ?`, us(at), sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return nil
}

func (s tokens) Delete(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM api_tokens WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete token: %w", app.ErrNotFound)
	}
	return nil
}
