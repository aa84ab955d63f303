package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type invitations struct{ q querier }

const invitationCols = "id, tenant_id, organization_id, email, role, hash, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, version"

func scanInvitation(r rowScanner) (app.Invitation, error) {
	var inv app.Invitation
	var created, expires int64
	var accepted, revoked sql.NullInt64
	var acceptedBy uuid.NullUUID
	err := r.Scan(&inv.ID, &inv.TenantID, &inv.OrganizationID, &inv.Email, &inv.Role, &inv.Hash, &inv.InvitedBy,
		&created, &expires, &accepted, &acceptedBy, &revoked, &inv.Version)
	inv.CreatedAt, inv.ExpiresAt = fromUS(created), fromUS(expires)
	inv.AcceptedAt, inv.AcceptedBy, inv.RevokedAt = fromNullUS(accepted), fromNullID(acceptedBy), fromNullUS(revoked)
	return inv, err
}

// ByHashAnyTenant ignores scope on purpose: the code is what tells the tenant.
func (s invitations) ByHashAnyTenant(ctx context.Context, hash []byte) (app.Invitation, error) {
	return getOne("invitation by hash", scanInvitation, s.q.QueryRowContext(ctx,
		`SELECT `+invitationCols+` FROM invitations WHERE hash = ?`, hash))
}

func (s invitations) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Invitation, error) {
	return getOne("get invitation", scanInvitation, s.q.QueryRowContext(ctx,
		`SELECT `+invitationCols+` FROM invitations WHERE tenant_id = ? AND organization_id = ? AND id = ?`,
		sc.TenantID, sc.OrgID, id))
}

func (s invitations) List(ctx context.Context, sc app.Scope, f app.InvitationFilter) ([]app.Invitation, error) {
	query := `SELECT ` + invitationCols + ` FROM invitations WHERE tenant_id = ? AND organization_id = ?`
	args := []any{sc.TenantID, sc.OrgID}
	switch f.Status {
	case app.InvitationPending:
		query += " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?"
		args = append(args, us(f.Now))
	case app.InvitationAccepted:
		query += " AND accepted_at IS NOT NULL"
	case app.InvitationRevoked:
		query += " AND accepted_at IS NULL AND revoked_at IS NOT NULL"
	case app.InvitationExpired:
		query += " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= ?"
		args = append(args, us(f.Now))
	}
	if f.Page.After != nil {
		query += " AND id > ?"
		args = append(args, f.Page.After.ID)
	}
	query += " ORDER BY id LIMIT ?"
	args = append(args, f.Page.Limit)
	return queryList(ctx, s.q, "list invitations", func(r *sql.Rows) (app.Invitation, error) { return scanInvitation(r) }, query, args...)
}

func (s invitations) Insert(ctx context.Context, sc app.Scope, inv app.Invitation) error {
	if inv.TenantID != sc.TenantID || inv.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert invitation: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO invitations (`+invitationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TenantID, inv.OrganizationID, inv.Email, inv.Role, inv.Hash, inv.InvitedBy, us(inv.CreatedAt), us(inv.ExpiresAt),
		nullUS(inv.AcceptedAt), inv.AcceptedBy, nullUS(inv.RevokedAt), inv.Version)
	if err != nil {
		return fmt.Errorf("insert invitation: %w", mapErr(err))
	}
	return nil
}

func (s invitations) Accept(ctx context.Context, sc app.Scope, id, userID uuid.UUID, at time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ?, version = version + 1
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
		us(at), userID, sc.TenantID, sc.OrgID, id, us(at))
	return changedOne("accept invitation", res, err)
}

func (s invitations) Revoke(ctx context.Context, sc app.Scope, id uuid.UUID, at time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE invitations SET revoked_at = ?, version = version + 1
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		us(at), sc.TenantID, sc.OrgID, id)
	return changedOne("revoke invitation", res, err)
}

// changedOne turns a conditional update's result into an error: ErrConflict when it changed
// no row (the row is not in the state the update requires, or not there at all).
func changedOne(what string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: no longer pending: %w", what, app.ErrConflict)
	}
	return nil
}
