package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type memberships struct{ q querier }

const membershipCols = "m.id, m.tenant_id, m.organization_id, m.user_id, m.role, m.version, m.hlc, m.created_at, m.updated_at, m.deleted_at"

func scanMembership(r rowScanner, extra ...any) (app.Membership, error) {
	var ms app.Membership
	var m metaScan
	err := r.Scan(append(append([]any{&ms.ID, &ms.TenantID, &ms.OrganizationID, &ms.UserID, &ms.Role}, m.dest(&ms.Meta)...), extra...)...)
	m.fill(&ms.Meta)
	return ms, err
}

func (s memberships) Get(ctx context.Context, sc app.Scope, userID uuid.UUID) (app.Membership, error) {
	return getOne("get membership", func(r rowScanner) (app.Membership, error) { return scanMembership(r) }, s.q.QueryRowContext(ctx,
		`SELECT `+membershipCols+` FROM memberships m WHERE m.tenant_id = ? AND m.organization_id = ? AND m.user_id = ?`,
		sc.TenantID, sc.OrgID, userID))
}

func (s memberships) List(ctx context.Context, sc app.Scope, p app.PageRequest) ([]app.Member, error) {
	query := `SELECT ` + membershipCols + `, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = ? AND m.organization_id = ? AND u.tenant_id = ? AND m.deleted_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID, sc.TenantID}
	if p.After != nil {
		query += " AND m.user_id > ?"
		args = append(args, p.After.ID)
	}
	query += " ORDER BY m.user_id LIMIT ?"
	args = append(args, p.Limit)
	return queryList(ctx, s.q, "list members", func(r *sql.Rows) (app.Member, error) {
		var mem app.Member
		var email sql.NullString
		var err error
		mem.Membership, err = scanMembership(r, &mem.Name, &email)
		mem.Email = email.String
		return mem, err
	}, query, args...)
}

func (s memberships) CountOwners(ctx context.Context, sc app.Scope) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM memberships
		WHERE tenant_id = ? AND organization_id = ? AND role = 'owner' AND deleted_at IS NULL`, sc.TenantID, sc.OrgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", err)
	}
	return n, nil
}

func (s memberships) Insert(ctx context.Context, sc app.Scope, m app.Membership) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert membership: scope mismatch: %w", app.ErrNotFound)
	}
	// The user must belong to the same tenant; the guard makes a foreign user insert nothing.
	err := exec1(ctx, stamped(s.q, sc), "insert membership", `INSERT INTO memberships (server_version, id, tenant_id, organization_id, user_id, role, `+metaCols+`)
		SELECT `+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND tenant_id = ?)`,
		append(append([]any{m.ID, m.TenantID, m.OrganizationID, m.UserID, m.Role}, metaArgs(m.Meta)...), m.UserID, sc.TenantID)...)
	if errors.Is(err, app.ErrPrecondition) {
		return fmt.Errorf("insert membership: user not in tenant: %w", app.ErrNotFound)
	}
	return err
}

func (s memberships) Update(ctx context.Context, sc app.Scope, m app.Membership, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update membership",
		`UPDATE memberships SET server_version = `+stampValue+`, role = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{m.Role}, updateMetaArgs(m.Meta)...), sc.TenantID, sc.OrgID, m.ID, prev)...)
}
