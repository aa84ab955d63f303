package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type invitations struct{ d *db }

const invitationCols = "id, tenant_id, organization_id, email, role, hash, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, version"

func scanInvitation(r rowScanner) (app.Invitation, error) {
	var inv app.Invitation
	err := r.Scan(&inv.ID, &inv.TenantID, &inv.OrganizationID, &inv.Email, &inv.Role, &inv.Hash, &inv.InvitedBy,
		&inv.CreatedAt, &inv.ExpiresAt, &inv.AcceptedAt, &inv.AcceptedBy, &inv.RevokedAt, &inv.Version)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	for _, t := range []*time.Time{inv.AcceptedAt, inv.RevokedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return inv, err
}

// ByHashAnyTenant goes through invitation_by_hash, a SECURITY DEFINER function: the code is
// what tells the tenant.
func (s invitations) ByHashAnyTenant(ctx context.Context, hash []byte) (app.Invitation, error) {
	return getOne("invitation by hash", scanInvitation, s.d.queryRow(ctx, s.d.noTenant(),
		`SELECT `+invitationCols+` FROM invitation_by_hash(?)`, hash))
}

func (s invitations) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Invitation, error) {
	return getOne("get invitation", scanInvitation, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+invitationCols+` FROM invitations WHERE tenant_id = ? AND organization_id = ? AND id = ?`,
		sc.TenantID, sc.OrgID, id))
}

func (s invitations) List(ctx context.Context, sc app.Scope, f app.InvitationFilter) ([]app.Invitation, error) {
	query := `SELECT ` + invitationCols + ` FROM invitations WHERE tenant_id = ? AND organization_id = ?`
	args := []any{sc.TenantID, sc.OrgID}
	switch f.Status {
	case app.InvitationPending:
		query += " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?"
		args = append(args, ts(f.Now))
	case app.InvitationAccepted:
		query += " AND accepted_at IS NOT NULL"
	case app.InvitationRevoked:
		query += " AND accepted_at IS NULL AND revoked_at IS NOT NULL"
	case app.InvitationExpired:
		query += " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= ?"
		args = append(args, ts(f.Now))
	}
	if f.Page.After != nil {
		query += " AND id > ?"
		args = append(args, f.Page.After.ID)
	}
	query += " ORDER BY id LIMIT ?"
	args = append(args, f.Page.Limit)
	return queryList(ctx, s.d, sc.TenantID, "list invitations", f.Page.Limit, scanInvitation, query, args...)
}

func (s invitations) Insert(ctx context.Context, sc app.Scope, inv app.Invitation) error {
	if inv.TenantID != sc.TenantID || inv.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert invitation: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO invitations (`+invitationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TenantID, inv.OrganizationID, inv.Email, inv.Role, inv.Hash, inv.InvitedBy, ts(inv.CreatedAt), ts(inv.ExpiresAt),
		nullTS(inv.AcceptedAt), inv.AcceptedBy, nullTS(inv.RevokedAt), inv.Version)
	if err != nil {
		return fmt.Errorf("insert invitation: %w", mapErr(err))
	}
	return nil
}

// Accept is one conditional UPDATE: under READ COMMITTED a second transaction accepting the
// same row waits for the first's lock, then re-checks the condition on the committed row,
// finds it accepted and changes nothing.
func (s invitations) Accept(ctx context.Context, sc app.Scope, id, userID uuid.UUID, at time.Time) error {
	n, err := s.d.exec(ctx, sc.TenantID, `UPDATE invitations SET accepted_at = ?, accepted_by = ?, version = version + 1
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
		ts(at), userID, sc.TenantID, sc.OrgID, id, ts(at))
	return changedOne("accept invitation", n, err)
}

func (s invitations) Revoke(ctx context.Context, sc app.Scope, id uuid.UUID, at time.Time) error {
	n, err := s.d.exec(ctx, sc.TenantID, `UPDATE invitations SET revoked_at = ?, version = version + 1
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		ts(at), sc.TenantID, sc.OrgID, id)
	return changedOne("revoke invitation", n, err)
}

// changedOne turns a conditional update's result into an error: ErrConflict when it changed
// no row (the row is not in the state the update requires, or not there at all).
func changedOne(what string, n int64, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	if n == 0 {
		return fmt.Errorf("%s: no longer pending: %w", what, app.ErrConflict)
	}
	return nil
}
