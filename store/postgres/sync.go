package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// syncRows reads pulls (migration 0003 stamps every synced row with its tenant's counter,
// tenant_counters.change_seq, which the change log shares). Each kind is read with its own statement
// on the (tenant_id, server_version) index: the first limit+1 visible rows above the cursor,
// all in Read's one REPEATABLE READ snapshot. Because the counter row's lock is held from a
// writer's first stamp to its commit, a snapshot holds a prefix of the tenant's versions,
// and the page is the first limit of the union in version order (app.NewSyncPage).
type syncRows struct{ d *db }

// Sync gives the pull reads.
func (t *txn) Sync() app.SyncRows { return syncRows{t.d} }

func (s syncRows) Pull(ctx context.Context, sc app.Scope, after int64, limit int, vis app.Visibility) (app.SyncPage, error) {
	limit = max(limit, 1)
	var head int64
	if err := s.d.queryRow(ctx, sc.TenantID, `SELECT coalesce((SELECT change_seq FROM tenant_counters WHERE tenant_id = ?), 0)`, sc.TenantID).Scan(&head); err != nil {
		return app.SyncPage{}, fmt.Errorf("pull: %w", mapErr(err))
	}
	orgs := make([]uuid.UUID, len(vis.Orgs))
	for i, o := range vis.Orgs {
		orgs[i] = o.OrgID
	}
	all, own := vis.OrgIDs()
	if all == nil {
		all = []uuid.UUID{}
	}
	if own == nil {
		own = []uuid.UUID{}
	}
	n := limit + 1
	var rows []app.SyncRow
	// The user's own memberships come in every organization, tombstones included: a removal
	// from one must reach the device, which resyncs on it (app/syncclient.go).
	memberships := func() (err error) {
		rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncMembership, func(r rowScanner) (app.Membership, error) { return scanMembership(r) },
			func(m app.Membership) uuid.UUID { return m.ID },
			`SELECT m.server_version, `+membershipCols+` FROM memberships m
			 WHERE m.tenant_id = ? AND m.server_version > ? AND (m.organization_id = ANY(?) OR m.user_id = ?)
			 ORDER BY m.server_version LIMIT ?`,
			sc.TenantID, after, orgs, vis.UserID, n)
		return err
	}
	if len(orgs) == 0 {
		if err := memberships(); err != nil {
			return app.SyncPage{}, err
		}
		return app.NewSyncPage(rows, limit, head), nil
	}
	reads := []func() error{
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncOrganization, scanOrg, func(o app.Organization) uuid.UUID { return o.ID },
				`SELECT o.server_version, `+orgCols+` FROM organizations o
				 WHERE o.tenant_id = ? AND o.server_version > ? AND o.id = ANY(?) ORDER BY o.server_version LIMIT ?`,
				sc.TenantID, after, orgs, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncUser, scanUser, func(u app.User) uuid.UUID { return u.ID },
				`SELECT u.server_version, `+userCols+` FROM users u
				 WHERE u.tenant_id = ? AND u.server_version > ?
				 AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id AND m.organization_id = ANY(?))
				 ORDER BY u.server_version LIMIT ?`, sc.TenantID, after, orgs, n)
			return err
		},
		memberships,
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncClient, scanClient, func(c app.Client) uuid.UUID { return c.ID },
				`SELECT server_version, `+clientCols+` FROM clients
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?) ORDER BY server_version LIMIT ?`,
				sc.TenantID, after, orgs, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncProject, scanProject, func(p app.Project) uuid.UUID { return p.ID },
				`SELECT server_version, `+projectCols+` FROM projects
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?) ORDER BY server_version LIMIT ?`,
				sc.TenantID, after, orgs, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncTask, scanTask, func(t app.Task) uuid.UUID { return t.ID },
				`SELECT server_version, `+taskCols+` FROM tasks
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?) ORDER BY server_version LIMIT ?`,
				sc.TenantID, after, orgs, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncTag, scanTag, func(t app.Tag) uuid.UUID { return t.ID },
				`SELECT server_version, `+tagCols+` FROM tags
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?) ORDER BY server_version LIMIT ?`,
				sc.TenantID, after, orgs, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncTimeEntry, scanEntry, func(e app.TimeEntry) uuid.UUID { return e.ID },
				`SELECT e.server_version, `+entryCols+` FROM time_entries e
				 WHERE e.tenant_id = ? AND e.server_version > ?
				 AND (e.organization_id = ANY(?) OR (e.organization_id = ANY(?) AND e.user_id = ?))
				 ORDER BY e.server_version LIMIT ?`, sc.TenantID, after, all, own, vis.UserID, n)
			return err
		},
		// Rates: every rate where the user reads everyone's (managers and above, whose
		// roles read all entries too), the ones set for them elsewhere (ListRates);
		// budgets only where they read every rate. Activity slots follow their entries.
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncRate, scanRate, func(r app.Rate) uuid.UUID { return r.ID },
				`SELECT server_version, `+rateCols+` FROM rates
				 WHERE tenant_id = ? AND server_version > ?
				 AND (organization_id = ANY(?) OR (organization_id = ANY(?) AND user_id = ?))
				 ORDER BY server_version LIMIT ?`, sc.TenantID, after, all, own, vis.UserID, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncBudget, scanBudget, func(b app.Budget) uuid.UUID { return b.ID },
				`SELECT server_version, `+budgetCols+` FROM project_budgets
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?)
				 ORDER BY server_version LIMIT ?`, sc.TenantID, after, all, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncActivitySlot, scanSyncedSlot, func(v app.SyncedSlot) uuid.UUID { return v.ID },
				`SELECT s.server_version, `+slotCols+` FROM activity_slots s
				 WHERE s.tenant_id = ? AND s.server_version > ?
				 AND (s.organization_id = ANY(?) OR (s.organization_id = ANY(?) AND s.user_id = ?))
				 ORDER BY s.server_version LIMIT ?`, sc.TenantID, after, all, own, vis.UserID, n)
			return err
		},
		// Invoices go where the API shows them, to managers and above (budgets' rule);
		// the marks on invoiced entries go with their entries.
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncInvoice, scanInvoice, func(i app.Invoice) uuid.UUID { return i.ID },
				`SELECT server_version, `+invoiceCols+` FROM invoices
				 WHERE tenant_id = ? AND server_version > ? AND organization_id = ANY(?)
				 ORDER BY server_version LIMIT ?`, sc.TenantID, after, all, n)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.d, sc.TenantID, rows, app.SyncInvoiceEntry, scanMark, app.InvoiceMark.SyncID,
				`SELECT ie.server_version, `+markCols+` FROM invoice_entries ie
				 WHERE ie.tenant_id = ? AND ie.server_version > ?
				 AND (ie.organization_id = ANY(?) OR (ie.organization_id = ANY(?) AND ie.user_id = ?))
				 ORDER BY ie.server_version LIMIT ?`, sc.TenantID, after, all, own, vis.UserID, n)
			return err
		},
		func() (err error) {
			// Screenshots follow their slots' rule (store/postgres/screenshot.go).
			rows, err = pullShots(ctx, s.d, sc.TenantID, rows, after, all, own, vis.UserID, n)
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

// scanSyncedSlot scans a slot as sync carries it.
func scanSyncedSlot(r rowScanner) (app.SyncedSlot, error) {
	slot, err := scanSlot(r)
	return slot.Synced(), err
}

// ActivitySlot finds a live slot by id.
func (s syncRows) ActivitySlot(ctx context.Context, sc app.Scope, id uuid.UUID) (app.ActivitySlot, error) {
	return getOne("get activity slot", scanSlot, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+slotCols+` FROM activity_slots s WHERE s.id = ? AND s.tenant_id = ? AND s.organization_id = ? AND s.deleted_at IS NULL`,
		id, sc.TenantID, sc.OrgID))
}

// EntrySlots lists an entry's live slots from since on.
func (s syncRows) EntrySlots(ctx context.Context, sc app.Scope, entryID uuid.UUID, since time.Time) ([]app.ActivitySlot, error) {
	return queryList(ctx, s.d, sc.TenantID, "entry slots", 0, scanSlot,
		`SELECT `+slotCols+` FROM activity_slots s WHERE s.entry_id = ? AND s.slot_start >= ? AND s.tenant_id = ? AND s.organization_id = ?
		 AND s.deleted_at IS NULL ORDER BY s.slot_start`, entryID, ts(since), sc.TenantID, sc.OrgID)
}

// Budget finds a live budget by id.
func (s syncRows) Budget(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Budget, error) {
	return getOne("get budget", scanBudget, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

// InvoiceEntries lists the entries an invoice marks.
func (s syncRows) InvoiceEntries(ctx context.Context, sc app.Scope, invoiceID uuid.UUID) ([]uuid.UUID, error) {
	return queryList(ctx, s.d, sc.TenantID, "invoice entries", 0, func(r rowScanner) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, `SELECT entry_id FROM invoice_entries WHERE invoice_id = ? AND tenant_id = ? AND organization_id = ? ORDER BY entry_id`,
		invoiceID, sc.TenantID, sc.OrgID)
}

// pullKind appends the rows of one kind that query returns (server_version first, then the
// kind's columns) to rows.
func pullKind[T any](ctx context.Context, d *db, tenant uuid.UUID, rows []app.SyncRow, kind app.SyncKind, scan func(rowScanner) (T, error),
	id func(T) uuid.UUID, query string, args ...any) ([]app.SyncRow, error) {
	var version int64
	got, err := queryList(ctx, d, tenant, "pull "+string(kind), 0, func(r rowScanner) (app.SyncRow, error) {
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

// InsertPulledEntries inserts a device's pulled entries one statement each, in order, each
// stamped by the trigger as any insert is. Devices keep their data in SQLite, whose store
// writes them several to a statement; this store takes them for the conformance suite's
// sake and for a device on PostgreSQL some day. A row refused for a uniqueness constraint
// (its id, a second running entry of its user) is skipped (ON CONFLICT DO NOTHING).
func (s syncRows) InsertPulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var inserted []uuid.UUID
	for _, e := range es {
		if e.TenantID != sc.TenantID {
			return inserted, fmt.Errorf("insert pulled entries: scope mismatch: %w", app.ErrNotFound)
		}
		args := append([]any{e.ID, e.TenantID, e.OrganizationID, e.UserID, e.ProjectID, e.TaskID, e.Description,
			ts(e.StartedAt), nullTS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tagIDs(e.TagIDs)}, metaArgs(e.Meta)...)
		n, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, project_id, task_id,
			description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, args...)
		if err != nil {
			return inserted, fmt.Errorf("insert pulled entries: %w", mapErr(err))
		}
		if n == 1 {
			inserted = append(inserted, e.ID)
		}
	}
	return inserted, nil
}

// UpdatePulledEntries writes a device's pulled entries over its live copies one statement
// each, as Update would after reading each; like InsertPulledEntries it is here for the
// conformance suite. A row with no live copy in its organization is left for the caller.
func (s syncRows) UpdatePulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var updated []uuid.UUID
	for _, e := range es {
		if e.TenantID != sc.TenantID {
			return updated, fmt.Errorf("update pulled entries: scope mismatch: %w", app.ErrNotFound)
		}
		if e.StoppedAt == nil {
			return updated, fmt.Errorf("update pulled entries: entry %s is running: %w", e.ID, app.ErrConflict)
		}
		args := []any{e.ProjectID, e.TaskID, e.Description, ts(e.StartedAt), nullTS(e.StoppedAt), e.Timezone, e.Billable, tagIDs(e.TagIDs)}
		args = append(append(args, updateMetaArgs(e.Meta)...), sc.TenantID, e.OrganizationID, e.ID)
		n, err := s.d.exec(ctx, sc.TenantID, `UPDATE time_entries SET project_id = ?, task_id = ?, description = ?,
			started_at = ?, stopped_at = ?, timezone = ?, billable = ?, tag_ids = ?, `+updateMeta+`
			WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`, args...)
		if err != nil {
			return updated, fmt.Errorf("update pulled entries: %w", mapErr(err))
		}
		if n == 1 {
			updated = append(updated, e.ID)
		}
	}
	return updated, nil
}
