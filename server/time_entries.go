package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// idList is a list of ids in a request body. Its schema gives every item the uuid format,
// so a malformed item is reported by its index (tag_ids[2]) before the handler runs.
type idList []uuid.UUID

// Schema describes idList as an array of UUID strings.
func (idList) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeArray, UniqueItems: true, Items: &huma.Schema{Type: huma.TypeString, Format: "uuid"}}
}

// timeEntryCreateBody records a manual (or imported) entry; without stopped_at it is running.
type timeEntryCreateBody struct {
	UserID      *uuid.UUID      `json:"user_id,omitempty" format:"uuid" doc:"Whose time this is; default you. Logging for others needs entries.manage_all."`
	ProjectID   *uuid.UUID      `json:"project_id,omitempty" format:"uuid"`
	TaskID      *uuid.UUID      `json:"task_id,omitempty" format:"uuid" doc:"Implies its project."`
	Description string          `json:"description,omitempty" maxLength:"3000" text:"description"`
	StartedAt   time.Time       `json:"started_at" doc:"RFC 3339."`
	StoppedAt   *time.Time      `json:"stopped_at,omitempty" doc:"RFC 3339; absent: the entry is running."`
	Timezone    string          `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone the entry was recorded in (not Local); default the user's."`
	Billable    *bool           `json:"billable,omitempty" doc:"Default: the project's."`
	TagIDs      idList          `json:"tag_ids,omitempty" maxItems:"50"`
	Source      app.EntrySource `json:"source,omitempty" enum:"manual,import" doc:"Default manual."`
}

// timeEntryPatchBody changes an entry; absent fields stay as they are, a null project_id or
// task_id clears it.
type timeEntryPatchBody struct {
	ProjectID   app.Nullable[uuid.UUID] `json:"project_id,omitzero" format:"uuid" doc:"null removes the project (and the task)."`
	TaskID      app.Nullable[uuid.UUID] `json:"task_id,omitzero" format:"uuid" doc:"null removes the task."`
	Description *string                 `json:"description,omitempty" maxLength:"3000" text:"description"`
	StartedAt   *time.Time              `json:"started_at,omitempty"`
	StoppedAt   *time.Time              `json:"stopped_at,omitempty" doc:"Only for stopped entries; stop a running one with POST /v1/timer/stop."`
	Timezone    *string                 `json:"timezone,omitempty" maxLength:"64" pattern:"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$" doc:"IANA time zone (not Local)."`
	Billable    *bool                   `json:"billable,omitempty"`
	TagIDs      *idList                 `json:"tag_ids,omitempty" maxItems:"50" doc:"Replaces the entry's tags."`
}

type timeEntryListInput struct {
	Limit     int       `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor    string    `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
	From      time.Time `query:"from" doc:"Entries started at or after this instant (RFC 3339)."`
	To        time.Time `query:"to" doc:"Entries started before this instant (RFC 3339)."`
	UserID    string    `query:"user_id" format:"uuid" doc:"Only this user's entries (others' need entries.read_all)."`
	ProjectID string    `query:"project_id" format:"uuid" doc:"Only entries of this project."`
}

func (s *Server) registerTimeEntries() {
	op := s.operation(http.MethodGet, "/v1/time-entries", "list-time-entries", "time entries",
		"List time entries, newest first (members see their own)")
	huma.Register(s.api, op, func(ctx context.Context, in *timeEntryListInput) (*pageOutput[app.TimeEntry], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		q := app.EntryQuery{ListParams: app.ListParams{Limit: in.Limit, Cursor: in.Cursor}}
		if !in.From.IsZero() {
			q.From = &in.From
		}
		if !in.To.IsZero() {
			q.To = &in.To
		}
		if q.UserID, err = optionalID("user_id", in.UserID); err != nil {
			return nil, err
		}
		if q.ProjectID, err = optionalID("project_id", in.ProjectID); err != nil {
			return nil, err
		}
		page, err := s.svc.TimeEntries(ctx, a, q)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.TimeEntry]{Body: page}, nil
	})

	r := rows[app.TimeEntry]{s: s, path: "/v1/time-entries", tag: "time entries", noun: "time entry",
		id: func(e app.TimeEntry) uuid.UUID { return e.ID }, version: func(e app.TimeEntry) int64 { return e.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b timeEntryCreateBody) (app.TimeEntry, error) {
		return s.svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{UserID: b.UserID, ProjectID: b.ProjectID, TaskID: b.TaskID,
			Description: b.Description, StartedAt: b.StartedAt, StoppedAt: b.StoppedAt, Timezone: b.Timezone,
			Billable: b.Billable, TagIDs: b.TagIDs, Source: b.Source})
	})
	r.getRoute(s.svc.TimeEntry)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b timeEntryPatchBody, want int64) (app.TimeEntry, error) {
		p := app.TimeEntryPatch{ProjectID: b.ProjectID, TaskID: b.TaskID, Description: b.Description,
			StartedAt: b.StartedAt, StoppedAt: b.StoppedAt, Timezone: b.Timezone, Billable: b.Billable}
		if b.TagIDs != nil {
			ids := []uuid.UUID(*b.TagIDs)
			p.TagIDs = &ids
		}
		return s.svc.UpdateTimeEntry(ctx, a, id, p, want)
	})
	r.deleteRoute(s.svc.DeleteTimeEntry)
}
