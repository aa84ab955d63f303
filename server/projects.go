package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// projectCreateBody creates a project.
type projectCreateBody struct {
	Name     string     `json:"name" maxLength:"200"`
	ClientID *uuid.UUID `json:"client_id,omitempty" format:"uuid" doc:"The client the project is for."`
	Color    string     `json:"color,omitempty" maxLength:"7" doc:"#rrggbb; default: picked from a palette."`
	Billable bool       `json:"billable,omitempty" doc:"Default for new time entries on this project."`
}

type projectCreateInput struct {
	Body projectCreateBody
}

// projectPatchBody changes a project; absent fields stay as they are, a null client_id
// clears the client.
type projectPatchBody struct {
	Name     *string                 `json:"name,omitempty" maxLength:"200"`
	ClientID app.Nullable[uuid.UUID] `json:"client_id,omitzero" format:"uuid" doc:"null removes the client."`
	Color    *string                 `json:"color,omitempty" maxLength:"7"`
	Billable *bool                   `json:"billable,omitempty"`
	Archived *bool                   `json:"archived,omitempty"`
}

type projectPatchInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
	Body    projectPatchBody
}

type projectIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

type projectDeleteInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
}

func (s *Server) registerProjects() {
	op := s.operation(http.MethodGet, "/v1/projects", "list-projects", "projects", "List projects")
	huma.Register(s.api, op, func(ctx context.Context, in *catalogQuery) (*pageOutput[app.Project], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.Projects(ctx, a, app.ListParams{Limit: in.Limit, Cursor: in.Cursor}, in.IncludeArchived)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Project]{Body: page}, nil
	})

	op = s.operation(http.MethodPost, "/v1/projects", "create-project", "projects", "Create a project")
	huma.Register(s.api, op, func(ctx context.Context, in *projectCreateInput) (*createdOutput[app.Project], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		p, err := s.svc.CreateProject(ctx, a, app.ProjectInput{Name: in.Body.Name, ClientID: in.Body.ClientID,
			Color: in.Body.Color, Billable: in.Body.Billable})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Project]{ETag: etag(p.Version), Location: "/v1/projects/" + p.ID.String(), Body: p}, nil
	})

	op = s.operation(http.MethodGet, "/v1/projects/{id}", "get-project", "projects", "Get a project")
	huma.Register(s.api, op, func(ctx context.Context, in *projectIDInput) (*rowOutput[app.Project], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		p, err := s.svc.Project(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Project]{ETag: etag(p.Version), Body: p}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/projects/{id}", "update-project", "projects", "Change a project")
	huma.Register(s.api, op, func(ctx context.Context, in *projectPatchInput) (*rowOutput[app.Project], error) {
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
		p, err := s.svc.UpdateProject(ctx, a, id, app.ProjectPatch{Name: b.Name, ClientID: b.ClientID, Color: b.Color,
			Billable: b.Billable, Archived: b.Archived}, want)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Project]{ETag: etag(p.Version), Body: p}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/projects/{id}", "delete-project", "projects", "Delete a project")
	huma.Register(s.api, op, func(ctx context.Context, in *projectDeleteInput) (*struct{}, error) {
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
		return nil, s.svc.DeleteProject(ctx, a, id, want)
	})
}
