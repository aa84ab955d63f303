package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

type memberships struct{ d *db }

const membershipCols = "m.id, m.tenant_id, m.organization_id, m.user_id, m.role, m.version, m.hlc, m.created_at, m.updated_at, m.deleted_at"

func scanMembership(r rowScanner, extra ...any) (app.Membership, error) {
	var ms app.Membership
	err := r.Scan(append(append([]any{&ms.ID, &ms.TenantID, &ms.OrganizationID, &ms.UserID, &ms.Role}, metaDest(&ms.Meta)...), extra...)...)
	return ms, err
}

// Get reads the user's row in the same round trip and keeps it for a users.Get later in the
// transaction (db.ahead). Every write transaction of the app begins with the actor's
// membership (app.Service.write), and a create that takes its time zone from the user
// reads the user next: that read then costs no round trip, at the price of an indexed
// lookup in the transactions that do not need it.
func (s memberships) Get(ctx context.Context, sc app.Scope, userID uuid.UUID) (app.Membership, error) {
	d := s.d
	if d.failed != nil {
		return app.Membership{}, fmt.Errorf("get membership: %w", mapErr(d.failed))
	}
	b, lead := d.open(sc.TenantID, true)
	b.Queue(rebind(`SELECT `+membershipCols+` FROM memberships m WHERE m.tenant_id = ? AND m.organization_id = ? AND m.user_id = ?`),
		sc.TenantID, sc.OrgID, userID)
	b.Queue(rebind(`SELECT `+userCols+` FROM users WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL`), sc.TenantID, userID)
	br := d.c.SendBatch(ctx, b)
	defer br.Close()
	if err := d.lead(br, lead); err != nil {
		return app.Membership{}, fmt.Errorf("get membership: %w", mapErr(err))
	}
	m, err := scanMembership(br.QueryRow())
	if err != nil {
		return app.Membership{}, fmt.Errorf("get membership: %w", mapErr(err))
	}
	u, err := scanUser(br.QueryRow())
	switch {
	case err == nil:
		if d.ahead == nil {
			d.ahead = make(map[uuid.UUID]app.User, 1)
		}
		d.ahead[u.ID] = u
	case !errors.Is(err, pgx.ErrNoRows):
		return app.Membership{}, fmt.Errorf("get membership: the user read with it: %w", mapErr(err))
	}
	return m, nil
}

// actorCheck is CheckActorLater's statement: it fails with a check violation of the domain
// actor_unchanged (migration 0024) unless the user is a live member of the organization with
// the role and, when the zone is not "", the live user has that time zone.
var actorCheck = rebind(`SELECT (EXISTS (SELECT 1 FROM memberships WHERE tenant_id = ? AND organization_id = ?
		AND user_id = ? AND role = ? AND deleted_at IS NULL)
	AND (?::text = '' OR EXISTS (SELECT 1 FROM users WHERE tenant_id = ? AND id = ? AND timezone = ? AND deleted_at IS NULL)))::actor_unchanged`)

// actorUnchanged is the domain actorCheck casts to: its check violation is ErrActorChanged.
const actorUnchanged = "actor_unchanged"

// CheckActorLater queues actorCheck ahead of the transaction's writes (app.LaterActorCheck):
// it goes out with them, usually in the COMMIT's round trip, so a create reads nothing
// before it writes. A check that fails fails the transaction, as a queued write's failure
// does, as app.ErrActorChanged.
func (s memberships) CheckActorLater(sc app.Scope, userID uuid.UUID, role app.Role, zone string) {
	d := s.d
	if sc.TenantID != d.tenant {
		d.pending = append(d.pending, queued{what: "set tenant", query: setTenant, args: []any{sc.TenantID.String()}})
		d.tenant = sc.TenantID
	}
	d.pending = append(d.pending, queued{what: "check the actor", query: actorCheck,
		args: []any{sc.TenantID, sc.OrgID, userID, string(role), zone, sc.TenantID, userID, zone}})
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
	return queryList(ctx, s.d, sc.TenantID, "list members", 0, func(r rowScanner) (app.Member, error) {
		var mem app.Member
		var email *string
		var err error
		mem.Membership, err = scanMembership(r, &mem.Name, &email)
		if email != nil {
			mem.Email = *email
		}
		return mem, err
	}, query, args...)
}

func (s memberships) CountOwners(ctx context.Context, sc app.Scope) (int, error) {
	var n int
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT count(*) FROM memberships
		WHERE tenant_id = ? AND organization_id = ? AND role = 'owner' AND deleted_at IS NULL`, sc.TenantID, sc.OrgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", mapErr(err))
	}
	return n, nil
}

func (s memberships) Insert(ctx context.Context, sc app.Scope, m app.Membership) error {
	if m.TenantID != sc.TenantID || m.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert membership: scope mismatch: %w", app.ErrNotFound)
	}
	// The user must belong to the same tenant: the foreign key alone would accept another
	// tenant's user (key checks see past row-level security).
	n, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO memberships (id, tenant_id, organization_id, user_id, role, `+metaCols+`)
		SELECT ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::text, ?::bigint, ?::bytea, ?::timestamptz, ?::timestamptz, ?::timestamptz
		WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND tenant_id = ?)`,
		append(append([]any{m.ID, m.TenantID, m.OrganizationID, m.UserID, m.Role}, metaArgs(m.Meta)...), m.UserID, sc.TenantID)...)
	if err != nil {
		return fmt.Errorf("insert membership: %w", mapErr(err))
	}
	if n != 1 {
		return fmt.Errorf("insert membership: user not in tenant: %w", app.ErrNotFound)
	}
	return nil
}

func (s memberships) Update(ctx context.Context, sc app.Scope, m app.Membership, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update membership",
		`UPDATE memberships SET role = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{m.Role}, updateMetaArgs(m.Meta)...), sc.TenantID, sc.OrgID, m.ID, prev)...)
}
