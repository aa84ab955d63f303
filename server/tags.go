package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// tagCreateBody creates a tag.
type tagCreateBody struct {
	Name  string `json:"name" maxLength:"100"`
	Color string `json:"color,omitempty" maxLength:"7" doc:"#rrggbb; default: picked from a palette."`
}

type tagCreateInput struct {
	Body tagCreateBody
}

// tagPatchBody changes a tag; absent fields stay as they are.
type tagPatchBody struct {
	Name     *string `json:"name,omitempty" maxLength:"100"`
	Color    *string `json:"color,omitempty" maxLength:"7"`
	Archived *bool   `json:"archived,omitempty"`
}

type tagPatchInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
	Body    tagPatchBody
}

type tagIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

type tagDeleteInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
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

	op = s.operation(http.MethodPost, "/v1/tags", "create-tag", "tags", "Create a tag")
	huma.Register(s.api, op, func(ctx context.Context, in *tagCreateInput) (*createdOutput[app.Tag], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.svc.CreateTag(ctx, a, app.TagInput{Name: in.Body.Name, Color: in.Body.Color})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Tag]{ETag: etag(t.Version), Location: "/v1/tags/" + t.ID.String(), Body: t}, nil
	})

	op = s.operation(http.MethodGet, "/v1/tags/{id}", "get-tag", "tags", "Get a tag")
	huma.Register(s.api, op, func(ctx context.Context, in *tagIDInput) (*rowOutput[app.Tag], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		t, err := s.svc.Tag(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Tag]{ETag: etag(t.Version), Body: t}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/tags/{id}", "update-tag", "tags", "Change a tag")
	huma.Register(s.api, op, func(ctx context.Context, in *tagPatchInput) (*rowOutput[app.Tag], error) {
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
		t, err := s.svc.UpdateTag(ctx, a, id, app.TagPatch{Name: in.Body.Name, Color: in.Body.Color, Archived: in.Body.Archived}, want)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Tag]{ETag: etag(t.Version), Body: t}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/tags/{id}", "delete-tag", "tags", "Delete a tag")
	huma.Register(s.api, op, func(ctx context.Context, in *tagDeleteInput) (*struct{}, error) {
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
		return nil, s.svc.DeleteTag(ctx, a, id, want)
	})
}
