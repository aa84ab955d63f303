package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// clientCreateBody creates a client.
type clientCreateBody struct {
	Name string `json:"name" maxLength:"200"`
}

type clientCreateInput struct {
	Body clientCreateBody
}

// clientPatchBody changes a client; absent fields stay as they are.
type clientPatchBody struct {
	Name     *string `json:"name,omitempty" maxLength:"200"`
	Archived *bool   `json:"archived,omitempty"`
}

type clientPatchInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
	Body    clientPatchBody
}

type clientIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

type clientDeleteInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
}

func (s *Server) registerClients() {
	op := s.operation(http.MethodGet, "/v1/clients", "list-clients", "clients", "List clients")
	huma.Register(s.api, op, func(ctx context.Context, in *catalogQuery) (*pageOutput[app.Client], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.Clients(ctx, a, app.ListParams{Limit: in.Limit, Cursor: in.Cursor}, in.IncludeArchived)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Client]{Body: page}, nil
	})

	op = s.operation(http.MethodPost, "/v1/clients", "create-client", "clients", "Create a client")
	huma.Register(s.api, op, func(ctx context.Context, in *clientCreateInput) (*createdOutput[app.Client], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		c, err := s.svc.CreateClient(ctx, a, app.ClientInput{Name: in.Body.Name})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Client]{ETag: etag(c.Version), Location: "/v1/clients/" + c.ID.String(), Body: c}, nil
	})

	op = s.operation(http.MethodGet, "/v1/clients/{id}", "get-client", "clients", "Get a client")
	huma.Register(s.api, op, func(ctx context.Context, in *clientIDInput) (*rowOutput[app.Client], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		c, err := s.svc.Client(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Client]{ETag: etag(c.Version), Body: c}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/clients/{id}", "update-client", "clients", "Change a client")
	huma.Register(s.api, op, func(ctx context.Context, in *clientPatchInput) (*rowOutput[app.Client], error) {
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
		c, err := s.svc.UpdateClient(ctx, a, id, app.ClientPatch{Name: in.Body.Name, Archived: in.Body.Archived}, want)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Client]{ETag: etag(c.Version), Body: c}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/clients/{id}", "delete-client", "clients", "Delete a client")
	huma.Register(s.api, op, func(ctx context.Context, in *clientDeleteInput) (*struct{}, error) {
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
		return nil, s.svc.DeleteClient(ctx, a, id, want)
	})
}
