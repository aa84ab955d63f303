package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// clientCreateBody creates a client.
type clientCreateBody struct {
	Name string `json:"name" minLength:"1" maxLength:"200" text:"name"`
}

// clientPatchBody changes a client; absent fields stay as they are.
type clientPatchBody struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"200" text:"name"`
	Archived *bool   `json:"archived,omitempty"`
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

	r := rows[app.Client]{s: s, path: "/v1/clients", tag: "clients", noun: "client",
		id: func(c app.Client) uuid.UUID { return c.ID }, version: func(c app.Client) int64 { return c.Version }}
	createRoute(r, func(ctx context.Context, a app.Actor, b clientCreateBody) (app.Client, error) {
		return s.svc.CreateClient(ctx, a, app.ClientInput{Name: b.Name})
	})
	r.getRoute(s.svc.Client)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b clientPatchBody, want int64) (app.Client, error) {
		return s.svc.UpdateClient(ctx, a, id, app.ClientPatch{Name: b.Name, Archived: b.Archived}, want)
	})
	r.deleteRoute(s.svc.DeleteClient)
}
