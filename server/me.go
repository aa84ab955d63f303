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

// mePatchBody changes the current user's own settings.
type mePatchBody struct {
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"Your own IANA time zone (e.g. Europe/Berlin), used for your days and clock times everywhere; an empty string clears it, so the organization's zone applies."`
}

type mePatchInput struct {
	Body mePatchBody
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

	op = s.operation(http.MethodPatch, "/v1/me", "update-me", "me",
		"Change your own settings (your time zone); every role may")
	huma.Register(s.api, op, func(ctx context.Context, in *mePatchInput) (*meOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		if in.Body.Timezone != nil {
			if _, err := s.svc.SetMyTimezone(ctx, a, *in.Body.Timezone); err != nil {
				return nil, err
			}
		}
		me, err := s.svc.Me(ctx, a)
		if err != nil {
			return nil, err
		}
		return &meOutput{Body: me}, nil
	})
}
