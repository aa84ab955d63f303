package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type timeEntries struct{ d *db }

const entryCols = `e.id, e.tenant_id, e.organization_id, e.user_id, e.project_id, e.task_id, e.description,
	e.started_at, e.stopped_at, e.timezone, e.billable, e.source, e.tag_ids,
	e.version, e.hlc, e.created_at, e.updated_at, e.deleted_at`

func scanEntry(r rowScanner) (app.TimeEntry, error) {
	var e app.TimeEntry
	err := r.Scan(append([]any{&e.ID, &e.TenantID, &e.OrganizationID, &e.UserID, &e.ProjectID, &e.TaskID, &e.Description,
		&e.StartedAt, &e.StoppedAt, &e.Timezone, &e.Billable, &e.Source, &e.TagIDs}, metaDest(&e.Meta)...)...)
	if e.TagIDs == nil {
		e.TagIDs = []uuid.UUID{} // as store/sqlite: an entry without tags has an empty list
	}
	return e, err
}

// tagIDs is an entry's tag ids as bound: never NULL.
func tagIDs(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

func (s timeEntries) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.TimeEntry, error) {
	return getOne("get time entry", scanEntry, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+entryCols+` FROM time_entries e WHERE e.tenant_id = ? AND e.organization_id = ? AND e.id = ? AND e.deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s timeEntries) Running(ctx context.Context, sc app.Scope, userID uuid.UUID) (app.TimeEntry, error) {
	return getOne("running time entry", scanEntry, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+entryCols+` FROM time_entries e
		 WHERE e.user_id = ? AND e.stopped_at IS NULL AND e.deleted_at IS NULL AND e.tenant_id = ?`,
		userID, sc.TenantID))
}

// longEntry is how long an entry may run before List looks for it among the long ones
// (time_entries_long) instead of the start-time range.
const longEntry = 24 * time.Hour

// longEntryCond is time_entries_long's WHERE clause, so the planner may use that index.
const longEntryCond = "(e.stopped_at IS NULL OR e.stopped_at - e.started_at > interval '24 hours')"

// List pages through entries newest first, as store/sqlite's List does (see there): the
// cursor bounds started_at from above with an id tie-break, and with f.Overlapping the
// entries that reach into [From, To) from more than 24 h before come from a second part.
func (s timeEntries) List(ctx context.Context, sc app.Scope, f app.EntryFilter) ([]app.TimeEntry, error) {
	var args []any
	part := func(b *strings.Builder, lo, hi *time.Time, extra string) {
		b.WriteString(`SELECT ` + entryCols + ` FROM time_entries e WHERE e.tenant_id = ? AND e.organization_id = ?`)
		args = append(args, sc.TenantID, sc.OrgID)
		if f.UserID != nil {
			b.WriteString(" AND e.user_id = ?")
			args = append(args, *f.UserID)
		}
		b.WriteString(" AND e.deleted_at IS NULL")
		if f.ProjectID != nil {
			b.WriteString(" AND e.project_id = ?")
			args = append(args, *f.ProjectID)
		}
		if lo != nil {
			b.WriteString(" AND e.started_at >= ?")
			args = append(args, *lo)
		}
		c := f.Page.After
		switch {
		case c != nil && (hi == nil || ts(c.Time).Before(*hi)):
			b.WriteString(" AND e.started_at <= ? AND (e.started_at < ? OR e.id < ?)")
			args = append(args, ts(c.Time), ts(c.Time), c.ID)
		case hi != nil:
			b.WriteString(" AND e.started_at < ?")
			args = append(args, *hi)
		}
		b.WriteString(extra)
	}
	var lo, hi *time.Time
	if f.From != nil {
		v := ts(*f.From)
		lo = &v
	}
	if f.To != nil {
		v := ts(*f.To)
		hi = &v
	}
	var b strings.Builder
	if !f.Overlapping || lo == nil {
		part(&b, lo, hi, "")
	} else {
		recent := lo.Add(-longEntry)
		part(&b, &recent, hi, " AND (e.stopped_at IS NULL OR e.stopped_at > ? OR e.started_at >= ?)")
		args = append(args, *lo, *lo)
		b.WriteString(" UNION ALL ")
		part(&b, nil, &recent, " AND "+longEntryCond+" AND (e.stopped_at IS NULL OR e.stopped_at > ?)")
		args = append(args, *lo)
	}
	// The limit is written into the statement, not bound: with it bound, PostgreSQL cannot
	// cost a generic plan (it assumes the whole range is read) and plans the statement
	// again on every call; written in, the prepared statement keeps its plan.
	b.WriteString(" ORDER BY started_at DESC, id DESC LIMIT " + strconv.Itoa(f.Page.Limit))
	return queryList(ctx, s.d, sc.TenantID, "list time entries", min(f.Page.Limit, app.MaxPageLimit+1), scanEntry, b.String(), args...)
}

// entryInsert inserts an entry with its version from the tenant's counter.
var entryInsert = newPartSQL("time_entries", `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, project_id,
	task_id, description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`, server_version)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(`+seqRef+`, 0)) RETURNING 1`, true).
	withRows("uuid", "uuid", "uuid", "uuid", "uuid", "uuid", "text", "timestamptz", "timestamptz", "text", "boolean", "text",
		"uuid[]", "bigint", "bytea", "timestamptz", "timestamptz", "timestamptz")

func (s timeEntries) Insert(ctx context.Context, sc app.Scope, e app.TimeEntry) error {
	if e.TenantID != sc.TenantID || e.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert time entry: scope mismatch: %w", app.ErrNotFound)
	}
	args := append([]any{e.ID, e.TenantID, e.OrganizationID, e.UserID, e.ProjectID, e.TaskID, e.Description,
		ts(e.StartedAt), nullTS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tagIDs(e.TagIDs)}, metaArgs(e.Meta)...)
	// The entry takes its version from the tenant's counter in this statement, not through
	// the stamping trigger (migration 0009), which would cost a PL/pgSQL call and a statement
	// of its own. Without a counter the tenant's writer may see, the version stays 0 and
	// the trigger takes over, so the row's own checks refuse it as they always did.
	p := &part{partSQL: entryInsert, tenant: sc.TenantID, args: args}
	if e.StoppedAt != nil {
		// A stopped entry cannot break the one-running-entry rule, the only refusal a caller
		// acts on (a new id is not taken): its insert goes out with the transaction's next
		// round trip, usually the COMMIT with the audit and change-log rows (db.laterOwnPart),
		// and in one statement with them (merge). It takes the tenant's counter
		// (tenant_counters), whose lock the tenant's other writers queue on; sent with the
		// COMMIT, the lock is held while PostgreSQL runs that one round trip, not across the
		// request's round trips and the work between them. A duplicate id still fails the
		// transaction as ErrConflict.
		s.d.laterOwnPart("insert time entry", p)
		return nil
	}
	_, err := s.d.exec(ctx, sc.TenantID, p.alone, p.aloneArgs()...)
	if err != nil {
		return fmt.Errorf("insert time entry: %w", mapErr(err))
	}
	return nil
}

func (s timeEntries) Update(ctx context.Context, sc app.Scope, e app.TimeEntry, prev int64) error {
	args := []any{e.ProjectID, e.TaskID, e.Description, ts(e.StartedAt), nullTS(e.StoppedAt), e.Timezone, e.Billable, tagIDs(e.TagIDs)}
	args = append(append(args, updateMetaArgs(e.Meta)...), sc.TenantID, sc.OrgID, e.ID, prev)
	return exec1(ctx, s.d, sc.TenantID, "update time entry", `UPDATE time_entries SET project_id = ?, task_id = ?, description = ?,
		started_at = ?, stopped_at = ?, timezone = ?, billable = ?, tag_ids = ?, `+updateMeta+`
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`, args...)
}
