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
	Name     string     `json:"name" minLength:"1" maxLength:"200" text:"name"`
	ClientID *uuid.UUID `json:"client_id,omitempty" format:"uuid" doc:"The client the project is for."`
	Color    string     `json:"color,omitempty" maxLength:"7" pattern:"^(#[0-9A-Fa-f]{6})?$" doc:"#rrggbb; empty or absent: picked from a palette."`
	Billable bool       `json:"billable,omitempty" doc:"Default for new time entries on this project."`
}

// projectPatchBody changes a project; absent fields stay as they are, a null client_id
// clears the client.
type projectPatchBody struct {
	Name     *string                 `json:"name,omitempty" minLength:"1" maxLength:"200" text:"name"`
	ClientID app.Nullable[uuid.UUID] `json:"client_id,omitzero" format:"uuid" doc:"null removes the client."`
	Color    *string                 `json:"color,omitempty" maxLength:"7" pattern:"^#[0-9A-Fa-f]{6}$" doc:"#rrggbb."`
	Billable *bool                   `json:"billable,omitempty"`
	Archived *bool                   `json:"archived,omitempty"`
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

	r := rows[app.Project]{s: s, path: "/v1/projects", tag: "projects", noun: "project",
		id: func(p app.Project) uuid.UUID { return p.ID }, version: func(p app.Project) int64 { return p.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b projectCreateBody) (app.Project, error) {
		return s.svc.CreateProject(ctx, a, app.ProjectInput{Name: b.Name, ClientID: b.ClientID, Color: b.Color, Billable: b.Billable})
	})
	r.getRoute(s.svc.Project)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b projectPatchBody, want int64) (app.Project, error) {
		return s.svc.UpdateProject(ctx, a, id, app.ProjectPatch{Name: b.Name, ClientID: b.ClientID, Color: b.Color,
			Billable: b.Billable, Archived: b.Archived}, want)
	})
	r.deleteRoute(s.svc.DeleteProject)
}
