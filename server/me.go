package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

type meOutput struct {
	Body app.Me
}

func (s *Server) registerMe() {
	op := s.operation(http.MethodGet, "/v1/me", "get-me", "me",
		"The current user, the organization in use, its role there and all its organizations")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		me, err := s.svc.Me(ctx, a)
		if err != nil {
			return nil, err
		}
		return &meOutput{Body: me}, nil
	})
}
