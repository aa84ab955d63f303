package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// The shapes every row route shares: the row's id in the path, its ETag in If-Match.

type idInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

type conditionalIDInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"1024" doc:"The row's ETag (e.g. \"3\"), or a list of them; strong comparison, so W/ tags never match. A stale version is refused with 412. Omit to change unconditionally."`
}

type patchInput[B any] struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"1024" doc:"The row's ETag (e.g. \"3\"), or a list of them; strong comparison, so W/ tags never match. A stale version is refused with 412. Omit to change unconditionally."`
	Body    B
}

type bodyInput[B any] struct {
	Body B
}

// rows registers the create/get/patch/delete routes of one organization resource, so each
// resource file states only its bodies and which service method serves each route.
type rows[T any] struct {
	s       *Server
	path    string // collection path, e.g. /v1/projects
	tag     string // OpenAPI tag, e.g. projects
	noun    string // singular for operation ids and summaries, e.g. time entry
	id      func(T) uuid.UUID
	version func(T) int64
}

func (r rows[T]) op(method, path, verb, summary string) huma.Operation {
	return r.s.operation(method, path, verb+"-"+strings.ReplaceAll(r.noun, " ", "-"), r.tag, summary+" "+article(r.noun)+" "+r.noun)
}

// createRoute registers POST path: the new row with 201, ETag and Location.
func createRoute[T, B any](r rows[T], create func(context.Context, app.Actor, B) (T, error)) {
	huma.Register(r.s.api, r.op(http.MethodPost, r.path, "create", "Create"),
		func(ctx context.Context, in *bodyInput[B]) (*createdOutput[T], error) {
			a, err := actorFrom(ctx)
			if err != nil {
				return nil, err
			}
			row, err := create(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &createdOutput[T]{ETag: etag(r.version(row)), Location: r.path + "/" + r.id(row).String(), Body: row}, nil
		})
}

// getRoute registers GET path/{id}.
func (r rows[T]) getRoute(get func(context.Context, app.Actor, uuid.UUID) (T, error)) {
	huma.Register(r.s.api, r.op(http.MethodGet, r.path+"/{id}", "get", "Get"),
		func(ctx context.Context, in *idInput) (*rowOutput[T], error) {
			a, id, err := rowActor(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			row, err := get(ctx, a, id)
			if err != nil {
				return nil, err
			}
			return &rowOutput[T]{ETag: etag(r.version(row)), Body: row}, nil
		})
}

// patchRoute registers PATCH path/{id} with If-Match.
func patchRoute[T, B any](r rows[T], patch func(context.Context, app.Actor, uuid.UUID, B, int64) (T, error)) {
	huma.Register(r.s.api, r.op(http.MethodPatch, r.path+"/{id}", "update", "Change"),
		func(ctx context.Context, in *patchInput[B]) (*rowOutput[T], error) {
			a, id, err := rowActor(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			row, err := withIfMatch(in.IfMatch, func(want int64) (T, error) { return patch(ctx, a, id, in.Body, want) })
			if err != nil {
				return nil, err
			}
			return &rowOutput[T]{ETag: etag(r.version(row)), Body: row}, nil
		})
}

// deleteRoute registers DELETE path/{id} with If-Match: 204 on success.
func (r rows[T]) deleteRoute(del func(context.Context, app.Actor, uuid.UUID, int64) error) {
	huma.Register(r.s.api, r.op(http.MethodDelete, r.path+"/{id}", "delete", "Delete"), func(ctx context.Context, in *conditionalIDInput) (*struct{}, error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		_, err = withIfMatch(in.IfMatch, func(want int64) (struct{}, error) { return struct{}{}, del(ctx, a, id, want) })
		return nil, err
	})
}

// rowActor is the authenticated actor and the parsed path id.
func rowActor(ctx context.Context, rawID string) (app.Actor, uuid.UUID, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return app.Actor{}, uuid.Nil, err
	}
	id, err := app.ParseID("id", rawID)
	return a, id, err
}

func article(noun string) string {
	switch noun[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an"
	}
	return "a"
}
