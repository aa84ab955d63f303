package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// stamp takes the next value of the database's one counter (migration 0005) for a write of
// the tenant's data: one above the highest tenants.change_seq, which becomes the tenant's
// change_seq (its newest value: ChangeLog.LatestSeq and a pull's head). The writing
// statement then reads it back with stampValue, in the same transaction: every insert and
// update of a synced row stores it as its server_version, and every change-log row as its
// seq. The store has one writer, so stamps follow commit order; a write that rolls back
// takes its stamps with it. A tenant that does not exist is ErrNotFound.
func stamp(ctx context.Context, q querier, tenantID uuid.UUID) error {
	res, err := q.ExecContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + 1 WHERE id = ?`, tenantID)
	if err != nil {
		return fmt.Errorf("stamp: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("stamp: no tenant %s: %w", tenantID, errors.Join(err, app.ErrNotFound))
	}
	return nil
}

// stampValue is the stamp just taken for the tenant whose id is bound to its placeholder:
// the value a writing statement stores, in place of a placeholder of its own.
const stampValue = "(SELECT change_seq FROM tenants WHERE id = ?)"

// syncRows reads pulls. Each kind is read with its own statement on its (server_version)
// index, from the cursor forward: the first limit+1 rows above it that are the tenant's and
// visible, all in the Read's one snapshot. The page is the first limit of their union in
// version order (app.NewSyncPage). The index leaves tenant_id out (migration 0005): versions
// come from one counter for the whole database, so rows of other tenants above the cursor
// are only those written since, which the tenant filter skips; a desktop has none.
type syncRows struct{ q querier }

// Sync gives the pull reads.
func (t *txn) Sync() app.SyncRows { return syncRows{t.q} }

func (s syncRows) Pull(ctx context.Context, sc app.Scope, after int64, limit int, vis app.Visibility) (app.SyncPage, error) {
	limit = max(limit, 1)
	var head int64
	if err := s.q.QueryRowContext(ctx, `SELECT coalesce((SELECT change_seq FROM tenants WHERE id = ?), 0)`, sc.TenantID).Scan(&head); err != nil {
		return app.SyncPage{}, fmt.Errorf("pull: %w", mapErr(err))
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
		return col + " IN (" + placeholders(len(ids)) + ")", args
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
	// Rates: every rate where the user reads everyone's (managers and above, whose roles
	// read all entries too), the ones set for them elsewhere (ListRates); budgets only
	// where they read every rate. Activity slots follow their entries' rule.
	var rateCond, budgetCond, slotCond []string
	var rateArgs, budgetArgs, slotArgs []any
	if len(all) > 0 {
		c, a := inOrgs("organization_id", all)
		rateCond, rateArgs = append(rateCond, c), append(rateArgs, a...)
		budgetCond, budgetArgs = append(budgetCond, c), append(budgetArgs, a...)
		c, a = inOrgs("s.organization_id", all)
		slotCond, slotArgs = append(slotCond, c), append(slotArgs, a...)
	}
	if len(own) > 0 {
		c, a := inOrgs("organization_id", own)
		rateCond, rateArgs = append(rateCond, "("+c+" AND user_id = ?)"), append(append(rateArgs, a...), vis.UserID)
		c, a = inOrgs("s.organization_id", own)
		slotCond, slotArgs = append(slotCond, "("+c+" AND s.user_id = ?)"), append(append(slotArgs, a...), vis.UserID)
	}
	// Invoices go where the API shows them, to managers and above (budgets' rule); the
	// marks on invoiced entries go with their entries.
	var markCond []string
	var markArgs []any
	if len(all) > 0 {
		c, a := inOrgs("ie.organization_id", all)
		markCond, markArgs = append(markCond, c), append(markArgs, a...)
	}
	if len(own) > 0 {
		c, a := inOrgs("ie.organization_id", own)
		markCond, markArgs = append(markCond, "("+c+" AND ie.user_id = ?)"), append(append(markArgs, a...), vis.UserID)
	}
	oc, oa := inOrgs("o.id", orgs)
	uc, ua := inOrgs("m.organization_id", orgs)

	var rows []app.SyncRow
	// The user's own memberships come in every organization, tombstones included: a removal
	// from one must reach the device, which resyncs on it (app/syncclient.go).
	memberships := func() (err error) {
		rows, err = pullKind(ctx, s.q, rows, app.SyncMembership, func(r rowScanner) (app.Membership, error) { return scanMembership(r) },
			func(m app.Membership) uuid.UUID { return m.ID },
			`SELECT m.server_version, `+membershipCols+` FROM memberships m INDEXED BY memberships_server_version
			 WHERE m.tenant_id = ? AND m.server_version > ? AND (m.`+orgCond+` OR m.user_id = ?)
			 ORDER BY m.server_version LIMIT ?`, with(append(orgArgs, vis.UserID)...)...)
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
			rows, err = pullKind(ctx, s.q, rows, app.SyncOrganization, scanOrg, func(o app.Organization) uuid.UUID { return o.ID },
				`SELECT o.server_version, `+orgCols+` FROM organizations o INDEXED BY organizations_server_version
				 WHERE o.tenant_id = ? AND o.server_version > ? AND `+oc+` ORDER BY o.server_version LIMIT ?`, with(oa...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncUser, scanUser, func(u app.User) uuid.UUID { return u.ID },
				`SELECT u.server_version, `+userCols+` FROM users u INDEXED BY users_server_version
				 WHERE u.tenant_id = ? AND u.server_version > ?
				 AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id AND `+uc+`)
				 ORDER BY u.server_version LIMIT ?`, with(ua...)...)
			return err
		},
		memberships,
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncClient, scanClient, func(c app.Client) uuid.UUID { return c.ID },
				`SELECT server_version, `+clientCols+` FROM clients INDEXED BY clients_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncProject, scanProject, func(p app.Project) uuid.UUID { return p.ID },
				`SELECT server_version, `+projectCols+` FROM projects INDEXED BY projects_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTask, scanTask, func(t app.Task) uuid.UUID { return t.ID },
				`SELECT server_version, `+taskCols+` FROM tasks INDEXED BY tasks_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTag, scanTag, func(t app.Tag) uuid.UUID { return t.ID },
				`SELECT server_version, `+tagCols+` FROM tags INDEXED BY tags_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+orgCond+` ORDER BY server_version LIMIT ?`, with(orgArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncTimeEntry, scanEntry, func(e app.TimeEntry) uuid.UUID { return e.ID },
				`SELECT e.server_version, `+entryCols+` FROM time_entries e INDEXED BY time_entries_server_version
				 WHERE e.tenant_id = ? AND e.server_version > ? AND (`+strings.Join(entryCond, " OR ")+`)
				 ORDER BY e.server_version LIMIT ?`, with(entryArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncRate, scanRate, func(r app.Rate) uuid.UUID { return r.ID },
				`SELECT server_version, `+rateCols+` FROM rates INDEXED BY rates_server_version
				 WHERE tenant_id = ? AND server_version > ? AND (`+strings.Join(rateCond, " OR ")+`)
				 ORDER BY server_version LIMIT ?`, with(rateArgs...)...)
			return err
		},
		func() (err error) {
			if len(budgetCond) == 0 {
				return nil
			}
			rows, err = pullKind(ctx, s.q, rows, app.SyncBudget, scanBudget, func(b app.Budget) uuid.UUID { return b.ID },
				`SELECT server_version, `+budgetCols+` FROM project_budgets INDEXED BY project_budgets_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+budgetCond[0]+`
				 ORDER BY server_version LIMIT ?`, with(budgetArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncActivitySlot, scanSyncedSlot, func(v app.SyncedSlot) uuid.UUID { return v.ID },
				`SELECT s.server_version, `+slotCols+` FROM activity_slots s INDEXED BY activity_slots_server_version
				 WHERE s.tenant_id = ? AND s.server_version > ? AND (`+strings.Join(slotCond, " OR ")+`)
				 ORDER BY s.server_version LIMIT ?`, with(slotArgs...)...)
			return err
		},
		func() (err error) {
			if len(budgetCond) == 0 {
				return nil
			}
			rows, err = pullKind(ctx, s.q, rows, app.SyncInvoice, scanInvoice, func(i app.Invoice) uuid.UUID { return i.ID },
				`SELECT server_version, `+invoiceCols+` FROM invoices INDEXED BY invoices_server_version
				 WHERE tenant_id = ? AND server_version > ? AND `+budgetCond[0]+`
				 ORDER BY server_version LIMIT ?`, with(budgetArgs...)...)
			return err
		},
		func() (err error) {
			rows, err = pullKind(ctx, s.q, rows, app.SyncInvoiceEntry, scanMark, app.InvoiceMark.SyncID,
				`SELECT ie.server_version, `+markCols+` FROM invoice_entries ie INDEXED BY invoice_entries_server_version
				 WHERE ie.tenant_id = ? AND ie.server_version > ? AND (`+strings.Join(markCond, " OR ")+`)
				 ORDER BY ie.server_version LIMIT ?`, with(markArgs...)...)
			return err
		},
		func() (err error) {
			// Screenshots follow their slots' rule (store/sqlite/screenshot.go).
			rows, err = pullShots(ctx, s.q, rows, strings.Join(slotCond, " OR "), with(slotArgs...))
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
	return getOne("get activity slot", scanSlot, s.q.QueryRowContext(ctx,
		`SELECT `+slotCols+` FROM activity_slots s WHERE s.id = ? AND s.tenant_id = ? AND s.organization_id = ? AND s.deleted_at IS NULL`,
		id, sc.TenantID, sc.OrgID))
}

// EntrySlots lists an entry's live slots from since on.
func (s syncRows) EntrySlots(ctx context.Context, sc app.Scope, entryID uuid.UUID, since time.Time) ([]app.ActivitySlot, error) {
	return queryList(ctx, s.q, "entry slots", func(r *sql.Rows) (app.ActivitySlot, error) { return scanSlot(r) },
		`SELECT `+slotCols+` FROM activity_slots s WHERE s.entry_id = ? AND s.slot_start >= ? AND s.tenant_id = ? AND s.organization_id = ?
		 AND s.deleted_at IS NULL ORDER BY s.slot_start`, entryID, us(since), sc.TenantID, sc.OrgID)
}

// Budget finds a live budget by id.
func (s syncRows) Budget(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Budget, error) {
	return getOne("get budget", scanBudget, s.q.QueryRowContext(ctx,
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

// InvoiceEntries lists the entries an invoice marks.
func (s syncRows) InvoiceEntries(ctx context.Context, sc app.Scope, invoiceID uuid.UUID) ([]uuid.UUID, error) {
	return queryList(ctx, s.q, "invoice entries", func(r *sql.Rows) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, `SELECT entry_id FROM invoice_entries WHERE invoice_id = ? AND tenant_id = ? AND organization_id = ? ORDER BY entry_id`,
		invoiceID, sc.TenantID, sc.OrgID)
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

// stamper is the querier for a write of one synced row: its ExecContext takes a stamp for
// the tenant, then runs the statement with the tenant's id bound to its first placeholder,
// which must be stampValue's, in the row's server_version. Every insert and update of a
// synced table runs through it.
type stamper struct {
	querier
	tenantID uuid.UUID
}

// stamped wraps q for a write of a synced row of the scope's tenant.
func stamped(q querier, sc app.Scope) stamper { return stamper{q, sc.TenantID} }

func (s stamper) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := stamp(ctx, s.querier, s.tenantID); err != nil {
		return nil, err
	}
	return s.querier.ExecContext(ctx, query, append([]any{s.tenantID}, args...)...)
}

// pulledEntriesChunk is how many pulled entries one INSERT writes: 19 values a row keeps a
// full chunk well under SQLite's 32,766 bound parameters. A shorter tail is written in
// chunks of powers of two, so the statement cache holds a handful of texts, not one per
// length.
const pulledEntriesChunk = 256

// pulledEntriesCacheKiB is the page cache InsertPulledEntries works with.
const pulledEntriesCacheKiB = 32 << 10

// InsertPulledEntries writes a device's pulled entries several to a statement (INSERT …
// RETURNING id): per row, a first sync then costs SQLite's b-tree
// work and little else. One stamp covers a chunk: the tenant's change_seq moves up by the
// chunk's length at once, and the rows take its values in order, as one stamp a row would
// have given them. A row the store refuses for a uniqueness constraint (its id, a second
// running entry of its user) is skipped and its version left unused: gaps are normal.
func (s syncRows) InsertPulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) (inserted []uuid.UUID, err error) {
	for _, e := range es {
		if e.TenantID != sc.TenantID {
			return nil, fmt.Errorf("insert pulled entries: scope mismatch: %w", app.ErrNotFound)
		}
	}
	// Entries arrive in version order, their ids in any: on a server whose ids are not
	// time-ordered (rows imported or written by other software) each insert lands on
	// another leaf of the table, and SQLite's default 2 MB page cache spills and re-reads
	// pages as a page of pulls goes in. A bigger cache for this transaction's bulk work,
	// set back afterwards, keeps them in memory: it grows only as pages are used, and the
	// pages beyond the usual size are given back as the transaction releases them.
	var cacheSize int64
	if err := s.q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return nil, fmt.Errorf("insert pulled entries: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -pulledEntriesCacheKiB)); err != nil {
		return nil, fmt.Errorf("insert pulled entries: %w", err)
	}
	defer func() {
		if _, rerr := s.q.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cacheSize)); rerr != nil && err == nil {
			err = fmt.Errorf("insert pulled entries: restore the page cache: %w", rerr)
		}
	}()
	for len(es) > 0 {
		n := pulledEntriesChunk
		for n > len(es) {
			n /= 2
		}
		got, err := s.insertEntries(ctx, sc, es[:n])
		if err != nil {
			return inserted, err
		}
		inserted = append(inserted, got...)
		es = es[n:]
	}
	return inserted, nil
}

// insertEntries is one chunk of InsertPulledEntries.
func (s syncRows) insertEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var last int64
	err := s.q.QueryRowContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + ? WHERE id = ? RETURNING change_seq`,
		len(es), sc.TenantID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("insert pulled entries: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("insert pulled entries: stamp: %w", mapErr(err))
	}
	first := last - int64(len(es)) + 1
	args := make([]any, 0, len(es)*19)
	for i, e := range es {
		args = append(args, first+int64(i), e.ID, e.TenantID, e.OrganizationID, e.UserID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
			us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tagIDBytes(e.TagIDs))
		args = append(args, metaArgs(e.Meta)...)
	}
	ids, err := queryListCap(ctx, s.q, "insert pulled entries", len(es), func(r *sql.Rows) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, insertEntriesQuery(len(es)), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return ids, nil
}

// insertEntriesQuery is the INSERT of n pulled entries.
func insertEntriesQuery(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO time_entries (server_version, id, tenant_id, organization_id, user_id, project_id, task_id,
		description, started_at, stopped_at, timezone, billable, source, tag_ids, ` + metaCols + `) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(" ON CONFLICT DO NOTHING RETURNING id")
	return b.String()
}

// pulledUpdatesChunk is how many pulled entries one UPDATE writes: 15 values a row.
const pulledUpdatesChunk = 256

// UpdatePulledEntries writes pulled entries over the device's live copies several to a
// statement (UPDATE … FROM a VALUES list, RETURNING id), as Update would one by one after
// reading each: the row takes the server's fields and bookkeeping and keeps its creation
// instant. One stamp covers a chunk, as in InsertPulledEntries. A row with no live copy in
// its organization is left for the caller, and its version left unused.
func (s syncRows) UpdatePulledEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) (updated []uuid.UUID, err error) {
	for _, e := range es {
		if e.TenantID != sc.TenantID {
			return nil, fmt.Errorf("update pulled entries: scope mismatch: %w", app.ErrNotFound)
		}
		if e.StoppedAt == nil {
			// A running entry may meet the device's own running one: one at a time.
			return nil, fmt.Errorf("update pulled entries: entry %s is running: %w", e.ID, app.ErrConflict)
		}
	}
	for len(es) > 0 {
		n := pulledUpdatesChunk
		for n > len(es) {
			n /= 2
		}
		got, err := s.updateEntries(ctx, sc, es[:n])
		if err != nil {
			return updated, err
		}
		updated = append(updated, got...)
		es = es[n:]
	}
	return updated, nil
}

// updateEntries is one chunk of UpdatePulledEntries.
func (s syncRows) updateEntries(ctx context.Context, sc app.Scope, es []app.TimeEntry) ([]uuid.UUID, error) {
	var last int64
	err := s.q.QueryRowContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + ? WHERE id = ? RETURNING change_seq`,
		len(es), sc.TenantID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("update pulled entries: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("update pulled entries: stamp: %w", mapErr(err))
	}
	first := last - int64(len(es)) + 1
	args := make([]any, 0, len(es)*15+1)
	for i, e := range es {
		args = append(args, first+int64(i), e.ID, e.OrganizationID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
			us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, tagIDBytes(e.TagIDs))
		args = append(args, updateMetaArgs(e.Meta)...)
	}
	args = append(args, sc.TenantID)
	ids, err := queryListCap(ctx, s.q, "update pulled entries", len(es), func(r *sql.Rows) (uuid.UUID, error) {
		var id uuid.UUID
		err := r.Scan(&id)
		return id, err
	}, updateEntriesQuery(len(es)), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return ids, nil
}

// updateEntriesQuery is the UPDATE of n pulled entries.
func updateEntriesQuery(n int) string {
	var b strings.Builder
	b.WriteString(`WITH v(server_version, id, organization_id, project_id, task_id, description, started_at, stopped_at, timezone,
		billable, tag_ids, version, hlc, updated_at, deleted_at) AS (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(`) UPDATE time_entries SET server_version = v.server_version, project_id = v.project_id, task_id = v.task_id,
		description = v.description, started_at = v.started_at, stopped_at = v.stopped_at, timezone = v.timezone,
		billable = v.billable, tag_ids = v.tag_ids, version = v.version, hlc = v.hlc, updated_at = v.updated_at,
		deleted_at = v.deleted_at
		FROM v WHERE time_entries.id = v.id AND time_entries.tenant_id = ? AND time_entries.organization_id = v.organization_id
		AND time_entries.deleted_at IS NULL RETURNING time_entries.id`)
	return b.String()
}
