package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type timeEntries struct{ q querier }

const entryCols = `e.id, e.tenant_id, e.organization_id, e.user_id, e.project_id, e.task_id, e.description,
	e.started_at, e.stopped_at, e.timezone, e.billable, e.source, e.tag_ids,
	e.version, e.hlc, e.created_at, e.updated_at, e.deleted_at`

func scanEntry(r rowScanner) (app.TimeEntry, error) {
	var e app.TimeEntry
	var project, task uuid.NullUUID
	var started int64
	var stopped sql.NullInt64
	var tagIDs string
	var m metaScan
	dest := []any{&e.ID, &e.TenantID, &e.OrganizationID, &e.UserID, &project, &task, &e.Description,
		&started, &stopped, &e.Timezone, &e.Billable, &e.Source, &tagIDs}
	if err := r.Scan(append(dest, m.dest(&e.Meta)...)...); err != nil {
		return e, err
	}
	e.ProjectID, e.TaskID = fromNullID(project), fromNullID(task)
	e.StartedAt, e.StoppedAt = fromUS(started), fromNullUS(stopped)
	m.fill(&e.Meta)
	e.TagIDs = []uuid.UUID{}
	if tagIDs != "[]" {
		if err := json.Unmarshal([]byte(tagIDs), &e.TagIDs); err != nil {
			return e, fmt.Errorf("entry %s tag ids: %w", e.ID, err)
		}
	}
	return e, nil
}

func tagIDsJSON(ids []uuid.UUID) (string, error) {
	if len(ids) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ids)
	return string(b), err
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

func (s timeEntries) List(ctx context.Context, sc app.Scope, f app.EntryFilter) ([]app.TimeEntry, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + entryCols + ` FROM time_entries e WHERE e.tenant_id = ? AND e.organization_id = ?`)
	args := []any{sc.TenantID, sc.OrgID}
	if f.UserID != nil {
		b.WriteString(" AND e.user_id = ?")
		args = append(args, f.UserID.String())
	}
	b.WriteString(" AND e.deleted_at IS NULL")
	if f.ProjectID != nil {
		b.WriteString(" AND e.project_id = ?")
		args = append(args, f.ProjectID.String())
	}
	if f.From != nil {
		b.WriteString(" AND e.started_at >= ?")
		args = append(args, us(*f.From))
	}
	if f.To != nil {
		b.WriteString(" AND e.started_at < ?")
		args = append(args, us(*f.To))
	}
	if c := f.Page.After; c != nil {
		b.WriteString(" AND (e.started_at < ? OR (e.started_at = ? AND e.id < ?))")
		args = append(args, us(c.Time), us(c.Time), c.ID.String())
	}
	b.WriteString(" ORDER BY e.started_at DESC, e.id DESC LIMIT ?")
	args = append(args, f.Page.Limit)
	return queryList(ctx, s.q, "list time entries", func(r *sql.Rows) (app.TimeEntry, error) { return scanEntry(r) }, b.String(), args...)
}

func (s timeEntries) Insert(ctx context.Context, sc app.Scope, e app.TimeEntry) error {
	if e.TenantID != sc.TenantID || e.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert time entry: scope mismatch: %w", app.ErrNotFound)
	}
	tags, err := tagIDsJSON(e.TagIDs)
	if err != nil {
		return err
	}
	args := []any{e.ID, e.TenantID, e.OrganizationID, e.UserID, nullID(e.ProjectID), nullID(e.TaskID), e.Description,
		us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, e.Source, tags}
	_, err = s.q.ExecContext(ctx, `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, project_id, task_id,
		description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, metaArgs(e.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert time entry: %w", mapErr(err))
	}
	return nil
}

func (s timeEntries) Update(ctx context.Context, sc app.Scope, e app.TimeEntry, prev int64) error {
	tags, err := tagIDsJSON(e.TagIDs)
	if err != nil {
		return err
	}
	args := []any{nullID(e.ProjectID), nullID(e.TaskID), e.Description, us(e.StartedAt), nullUS(e.StoppedAt), e.Timezone, e.Billable, tags}
	args = append(append(args, updateMetaArgs(e.Meta)...), sc.TenantID, sc.OrgID, e.ID, prev)
	return exec1(ctx, s.q, "update time entry", `UPDATE time_entries SET project_id = ?, task_id = ?, description = ?,
		started_at = ?, stopped_at = ?, timezone = ?, billable = ?, tag_ids = ?, `+updateMeta+`
		WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`, args...)
}
