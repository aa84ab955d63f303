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
	Name      string    `json:"name" maxLength:"300"`
}

type taskCreateInput struct {
	Body taskCreateBody
}

// taskPatchBody changes a task; absent fields stay as they are.
type taskPatchBody struct {
	ProjectID *uuid.UUID `json:"project_id,omitempty" format:"uuid" doc:"Moves the task to another project."`
	Name      *string    `json:"name,omitempty" maxLength:"300"`
	Done      *bool      `json:"done,omitempty"`
	Archived  *bool      `json:"archived,omitempty"`
}

type taskPatchInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
	Body    taskPatchBody
}

type taskListInput struct {
	Limit           int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor          string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
	IncludeArchived bool   `query:"include_archived" doc:"Include archived rows."`
	ProjectID       string `query:"project_id" format:"uuid" doc:"Only tasks of this project."`
}

type taskIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

type taskDeleteInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
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

	op = s.operation(http.MethodPost, "/v1/tasks", "create-task", "tasks", "Create a task")
	huma.Register(s.api, op, func(ctx context.Context, in *taskCreateInput) (*createdOutput[app.Task], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.svc.CreateTask(ctx, a, app.TaskInput{ProjectID: in.Body.ProjectID, Name: in.Body.Name})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Task]{ETag: etag(t.Version), Location: "/v1/tasks/" + t.ID.String(), Body: t}, nil
	})

	op = s.operation(http.MethodGet, "/v1/tasks/{id}", "get-task", "tasks", "Get a task")
	huma.Register(s.api, op, func(ctx context.Context, in *taskIDInput) (*rowOutput[app.Task], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		t, err := s.svc.Task(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Task]{ETag: etag(t.Version), Body: t}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/tasks/{id}", "update-task", "tasks", "Change a task")
	huma.Register(s.api, op, func(ctx context.Context, in *taskPatchInput) (*rowOutput[app.Task], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		want, err := parseIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		b := in.Body
		t, err := s.svc.UpdateTask(ctx, a, id, app.TaskPatch{ProjectID: b.ProjectID, Name: b.Name, Done: b.Done, Archived: b.Archived}, want)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Task]{ETag: etag(t.Version), Body: t}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/tasks/{id}", "delete-task", "tasks", "Delete a task")
	huma.Register(s.api, op, func(ctx context.Context, in *taskDeleteInput) (*struct{}, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		want, err := parseIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, s.svc.DeleteTask(ctx, a, id, want)
	})
}
