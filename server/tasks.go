package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// taskCreateBody creates a task in a project.
type taskCreateBody struct {
	ProjectID uuid.UUID `json:"project_id" format:"uuid"`
	Name      string    `json:"name" minLength:"1" maxLength:"300" text:"name"`
}

// taskPatchBody changes a task; absent fields stay as they are.
type taskPatchBody struct {
	ProjectID *uuid.UUID `json:"project_id,omitempty" format:"uuid" doc:"Moves the task to another project."`
	Name      *string    `json:"name,omitempty" minLength:"1" maxLength:"300" text:"name"`
	Done      *bool      `json:"done,omitempty"`
	Archived  *bool      `json:"archived,omitempty"`
}

type taskListInput struct {
	Limit           int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor          string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
	IncludeArchived bool   `query:"include_archived" doc:"Include archived rows."`
	ProjectID       string `query:"project_id" format:"uuid" doc:"Only tasks of this project."`
}

func (s *Server) registerTasks() {
	op := s.operation(http.MethodGet, "/v1/tasks", "list-tasks", "tasks", "List tasks, optionally of one project")
	huma.Register(s.api, op, func(ctx context.Context, in *taskListInput) (*pageOutput[app.Task], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		project, err := optionalID("project_id", in.ProjectID)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.Tasks(ctx, a, app.ListParams{Limit: in.Limit, Cursor: in.Cursor}, project, in.IncludeArchived)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Task]{Body: page}, nil
	})

	r := rows[app.Task]{s: s, path: "/v1/tasks", tag: "tasks", noun: "task",
		id: func(t app.Task) uuid.UUID { return t.ID }, version: func(t app.Task) int64 { return t.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b taskCreateBody) (app.Task, error) {
		return s.svc.CreateTask(ctx, a, app.TaskInput{ProjectID: b.ProjectID, Name: b.Name})
	})
	r.getRoute(s.svc.Task)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b taskPatchBody, want int64) (app.Task, error) {
		return s.svc.UpdateTask(ctx, a, id, app.TaskPatch{ProjectID: b.ProjectID, Name: b.Name, Done: b.Done, Archived: b.Archived}, want)
	})
	r.deleteRoute(s.svc.DeleteTask)
}
