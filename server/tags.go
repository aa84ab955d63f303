package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// tagCreateBody creates a tag.
type tagCreateBody struct {
	Name  string `json:"name" minLength:"1" maxLength:"100" text:"name"`
	Color string `json:"color,omitempty" maxLength:"7" pattern:"^(#[0-9A-Fa-f]{6})?$" doc:"#rrggbb; empty or absent: picked from a palette."`
}

// tagPatchBody changes a tag; absent fields stay as they are.
type tagPatchBody struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"100" text:"name"`
	Color    *string `json:"color,omitempty" maxLength:"7" pattern:"^#[0-9A-Fa-f]{6}$" doc:"#rrggbb."`
	Archived *bool   `json:"archived,omitempty"`
}

func (s *Server) registerTags() {
	op := s.operation(http.MethodGet, "/v1/tags", "list-tags", "tags", "List tags")
	huma.Register(s.api, op, func(ctx context.Context, in *catalogQuery) (*pageOutput[app.Tag], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.Tags(ctx, a, app.ListParams{Limit: in.Limit, Cursor: in.Cursor}, in.IncludeArchived)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Tag]{Body: page}, nil
	})

	r := rows[app.Tag]{s: s, path: "/v1/tags", tag: "tags", noun: "tag",
		id: func(t app.Tag) uuid.UUID { return t.ID }, version: func(t app.Tag) int64 { return t.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b tagCreateBody) (app.Tag, error) {
		return s.svc.CreateTag(ctx, a, app.TagInput{Name: b.Name, Color: b.Color})
	})
	r.getRoute(s.svc.Tag)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b tagPatchBody, want int64) (app.Tag, error) {
		return s.svc.UpdateTag(ctx, a, id, app.TagPatch{Name: b.Name, Color: b.Color, Archived: b.Archived}, want)
	})
	r.deleteRoute(s.svc.DeleteTag)
}
