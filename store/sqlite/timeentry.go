package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type timeEntries struct{ q querier }

const entryCols = `e.id, e.tenant_id, e.organization_id, e.user_id, e.project_id, e.task_id, e.description,
	e.started_at, e.stopped_at, e.timezone, e.billable, e.source, e.tag_ids,
	e.version, e.hlc, e.created_at, e.updated_at, e.deleted_at`

func scanEntry(r rowScanner) (app.TimeEntry, error) { return newEntryScan().scan(r) }

// entryScan holds the scan targets of entryCols, so a list scans all its rows into one set
// instead of allocating each target again for every row.
type entryScan struct {
	e             app.TimeEntry
	project, task uuid.NullUUID
	started       int64
	stopped       sql.NullInt64
	tagIDs        []byte
	m             metaScan
	dest          []any
}

func newEntryScan() *entryScan {
	s := &entryScan{}
	s.dest = append([]any{&s.e.ID, &s.e.TenantID, &s.e.OrganizationID, &s.e.UserID, &s.project, &s.task, &s.e.Description,
		&s.started, &s.stopped, &s.e.Timezone, &s.e.Billable, &s.e.Source, &s.tagIDs}, s.m.dest(&s.e.Meta)...)
	return s
}

// scan reads one row; the entry returned shares nothing with the targets.
func (s *entryScan) scan(r rowScanner) (app.TimeEntry, error) {
	s.e = app.TimeEntry{}
	if err := r.Scan(s.dest...); err != nil {
		return s.e, err
	}
	e := s.e
	e.ProjectID, e.TaskID = fromNullID(s.project), fromNullID(s.task)
	e.StartedAt, e.StoppedAt = fromUS(s.started), fromNullUS(s.stopped)
	s.m.fill(&e.Meta)
	if len(s.tagIDs)%16 != 0 {
		return e, fmt.Errorf("entry %s tag ids: %d bytes", e.ID, len(s.tagIDs))
	}
	e.TagIDs = make([]uuid.UUID, len(s.tagIDs)/16)
	for i := range e.TagIDs {
		e.TagIDs[i] = uuid.UUID(s.tagIDs[16*i : 16*i+16])
	}
	return e, nil
}

// tagIDBytes is an entry's tag ids as stored: their 16 bytes one after another.
func tagIDBytes(ids []uuid.UUID) []byte {
	b := make([]byte, 0, 16*len(ids))
	for _, id := range ids {
		b = append(b, id[:]...)
	}
	return b
}

func (s timeEntries) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.TimeEntry, error) {
	return getOne("get time entry", scanEntry, s.q.QueryRowContext(ctx,
		`SELECT `+entryCols+` FROM time_entries e WHERE e.tenant_id = ? AND e.organization_id = ? AND e.id = ? AND e.deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s timeEntries) Running(ctx context.Context, sc app.Scope, userID uuid.UUID) (app.TimeEntry, error) {
	return getOne("running time entry", scanEntry, s.q.QueryRowContext(ctx,
		`SELECT `+entryCols+` FROM time_entries e INDEXED BY time_entries_one_running
		 WHERE e.user_id = ? AND e.stopped_at IS NULL AND e.deleted_at IS NULL AND e.tenant_id = ?`,
		userID, sc.TenantID))
}

// longEntry is how long an entry may run before List looks it up in the small
// time_entries_long index instead of the start-time range (24 h, in microseconds). The
// service caps stopped entries at 24 h, so that index holds only running entries.
const longEntry = 24 * 60 * 60 * 1_000_000

// longEntryCond is time_entries_long's WHERE clause, word for word, so SQLite may use it.
const longEntryCond = "(e.stopped_at IS NULL OR e.stopped_at - e.started_at > 86400000000)"

// List pages through entries newest first. Every page is an index seek: the cursor is an
// upper bound on started_at (plus an id tie-break within one instant), so page k reads what
// page 1 reads. With f.Overlapping, From and To select every entry that overlaps [From, To)
// however long ago it started: entries that started up to 24 h before From come from the
// start-time index, older ones that still reach into the range (running or longer than 24 h)
// from time_entries_long; the two parts are disjoint by started_at.
func (s timeEntries) List(ctx context.Context, sc app.Scope, f app.EntryFilter) ([]app.TimeEntry, error) {
	var args []any
	part := func(b *strings.Builder, index string, lo, hi *int64, extra string) {
		b.WriteString(`SELECT ` + entryCols + ` FROM time_entries e` + index + ` WHERE e.tenant_id = ? AND e.organization_id = ?`)
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
		// The tighter of To and the cursor bounds started_at from above; the other is implied.
		c := f.Page.After
		switch {
		case c != nil && (hi == nil || us(c.Time) < *hi):
			b.WriteString(" AND e.started_at <= ? AND (e.started_at < ? OR e.id < ?)")
			args = append(args, us(c.Time), us(c.Time), c.ID)
		case hi != nil:
			b.WriteString(" AND e.started_at < ?")
			args = append(args, *hi)
		}
		b.WriteString(extra)
	}
	var lo, hi *int64
	if f.From != nil {
		v := us(*f.From)
		lo = &v
	}
	if f.To != nil {
		v := us(*f.To)
		hi = &v
	}
	// One user's entries come from that user's index; SQLite may otherwise pick the
	// organization's when the statement holds an OR.
	index := ""
	if f.UserID != nil {
		index = " INDEXED BY time_entries_user_started"
	}
	var b strings.Builder
	if !f.Overlapping || lo == nil {
		part(&b, index, lo, hi, "")
	} else {
		// Stopped exactly at From does not overlap [From, To); an entry of zero length does
		// when it lies in the range, so day lists still show it.
		recent := *lo - longEntry
		part(&b, index, &recent, hi, " AND (e.stopped_at IS NULL OR e.stopped_at > ? OR e.started_at >= ?)")
		args = append(args, *lo, *lo)
		reaches := " AND (e.stopped_at IS NULL OR e.stopped_at > ?)"
		b.WriteString(" UNION ALL ")
		part(&b, " INDEXED BY time_entries_long", nil, &recent, " AND "+longEntryCond+reaches)
		args = append(args, *lo)
	}
	b.WriteString(" ORDER BY started_at DESC, id DESC LIMIT ?")
	args = append(args, f.Page.Limit)
	es := newEntryScan()
	return queryListCap(ctx, s.q, "list time entries", min(f.Page.Limit, app.MaxPageLimit+1), func(r *sql.Rows) (app.TimeEntry, error) {
		return es.scan(r)
	}, b.String(), args...)
}

func (s timeEntries) Insert(ctx context.Context, sc app.Scope, e app.TimeEntry) error {
	if e.TenantID != sc.TenantID || e.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert time entry: scope mismatch: %w", app.ErrNotFound)
	}
	args := []any{e.ID, e.TenantID, e.OrganizationID, e.UserID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
		us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tagIDBytes(e.TagIDs)}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO time_entries (server_version, id, tenant_id, organization_id, user_id, project_id, task_id,
		description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, metaArgs(e.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert time entry: %w", mapErr(err))
	}
	return nil
}

func (s timeEntries) Update(ctx context.Context, sc app.Scope, e app.TimeEntry, prev int64) error {
	args := []any{nullID(e.ProjectID), nullID(e.TaskID), e.Description, us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, tagIDBytes(e.TagIDs)}
	args = append(append(args, updateMetaArgs(e.Meta)...), sc.TenantID, sc.OrgID, e.ID, prev)
	return exec1(ctx, stamped(s.q, sc), "update time entry", `UPDATE time_entries SET server_version = `+stampValue+`, project_id = ?, task_id = ?, description = ?,
		started_at = ?, stopped_at = ?, timezone = ?, billable = ?, tag_ids = ?, `+updateMeta+`
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`, args...)
}
