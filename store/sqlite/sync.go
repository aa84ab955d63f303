package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// syncRows reads pulls (migration 0005 stamps every synced row with its tenant's counter).
// Each kind is read with its own statement on the (tenant_id, server_version) index: the
// first limit+1 visible rows above the cursor, all in the Read's one snapshot. The page is
// the first limit of their union in version order (app.NewSyncPage).
type syncRows struct{ q querier }

// Sync gives the pull reads.
func (t *txn) Sync() app.SyncRows { return syncRows{t.q} }

func (s syncRows) Pull(ctx context.Context, sc app.Scope, after int64, limit int, vis app.Visibility) (app.SyncPage, error) {
	limit = max(limit, 1)
	var head int64
	if err := s.q.QueryRowContext(ctx, `SELECT coalesce((SELECT change_seq FROM tenants WHERE id = ?), 0)`, sc.TenantID).Scan(&head); err != nil {
		return app.SyncPage{}, fmt.Errorf("pull: %w", mapErr(err))
	}
	if len(vis.Orgs) == 0 {
		return app.NewSyncPage(nil, limit, head), nil
	}
	orgs := make([]uuid.UUID, len(vis.Orgs))
	for i, o := range vis.Orgs {
		orgs[i] = o.OrgID
	}
	all, own := vis.OrgIDs()
	n := limit + 1
	base := []any{sc.TenantID, after}
	inOrgs := func(col string, ids []uuid.UUID) (string, []any) {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
	}
	orgCond, orgArgs := inOrgs("organization_id", orgs)
	with := func(extra ...any) []any { return append(append(append([]any{}, base...), extra...), n) }

	var entryCond []string
	var entryArgs []any
	if len(all) > 0 {
		c, a := inOrgs("e.organization_id", all)
		entryCond, entryArgs = append(entryCond, c), append(entryArgs, a...)
	}
	if len(own) > 0 {
		c, a := inOrgs("e.organization_id", own)
		entryCond, entryArgs = append(entryCond, "("+c+" AND e.user_id = ?)"), append(append(entryArgs, a...), vis.UserID)
	}
	oc, oa := inOrgs("o.id", orgs)
	uc, ua := inOrgs("m.organization_id", orgs)

	var rows []app.SyncRow
	reads := []func() error{
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncOrganization, scanOrg, func(o app.Organization) uuid.UUID { return o.ID },
				`SELECT o.server_version, `+orgCols+` FROM organizations o
				 WHERE o.tenant_id = ? AND o.server_version > ? AND `+oc+` ORDER BY o.server_version LIMIT ?`, with(oa...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncUser, scanUser, func(u app.User) uuid.UUID { return u.ID },
				`SELECT u.server_version, `+userCols+` FROM users u
				 WHERE u.tenant_id = ? AND u.server_version > ?
				 AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id AND `+uc+`)
				 ORDER BY u.server_version LIMIT ?`, with(ua...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncMembership, func(r rowScanner) (app.Membership, error) { return scanMembership(r) },
				func(m app.Membership) uuid.UUID { return m.ID },
				`SELECT m.server_version, `+membershipCols+` FROM memberships m
				 WHERE m.tenant_id = ? AND m.server_version > ? AND m.`+orgCond+` ORDER BY m.server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncClient, scanClient, func(c app.Client) uuid.UUID { return c.ID },
				`SELECT server_version, `+clientCols+` FROM clients
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncProject, scanProject, func(p app.Project) uuid.UUID { return p.ID },
				`SELECT server_version, `+projectCols+` FROM projects
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTask, scanTask, func(t app.Task) uuid.UUID { return t.ID },
				`SELECT server_version, `+taskCols+` FROM tasks
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTag, scanTag, func(t app.Tag) uuid.UUID { return t.ID },
				`SELECT server_version, `+tagCols+` FROM tags
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTimeEntry, scanEntry, func(e app.TimeEntry) uuid.UUID { return e.ID },
				`SELECT e.server_version, `+entryCols+` FROM time_entries e
				 WHERE e.tenant_id = ? AND e.server_version > ? AND (`+strings.Join(entryCond, " OR ")+`)
				 ORDER BY e.server_version LIMIT ?`, with(entryArgs...)...)
			return err
		},
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return app.SyncPage{}, err
		}
	}
	return app.NewSyncPage(rows, limit, head), nil
}

// pullKind appends the rows of one kind that query returns (server_version first, then the
// kind's columns) to rows.
func pullKind[T any](ctx context.Context, q querier, rows []app.SyncRow, kind app.SyncKind, scan func(rowScanner) (T, error),
	id func(T) uuid.UUID, query string, args ...any) ([]app.SyncRow, error) {
	var version int64
	got, err := queryList(ctx, q, "pull "+string(kind), func(r *sql.Rows) (app.SyncRow, error) {
		v, err := scan(versionScan{r, &version})
		return app.SyncRow{Kind: kind, ID: id(v), Version: version, Row: v}, err
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return append(rows, got...), nil
}

// versionScan scans a row's leading server_version into v and the rest into dest.
type versionScan struct {
	r rowScanner
	v *int64
}

func (s versionScan) Scan(dest ...any) error { return s.r.Scan(append([]any{s.v}, dest...)...) }
