package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// tokenCreateBody names a new personal API token.
type tokenCreateBody struct {
	Name          string `json:"name" minLength:"1" maxLength:"100" text:"name" doc:"What the token is for, e.g. \"laptop CLI\"."`
	ExpiresInDays int    `json:"expires_in_days,omitempty" minimum:"0" maximum:"3650" doc:"Lifetime in days; 0 or absent: never expires."`
}

type tokenCreateInput struct {
	Body tokenCreateBody
}

type tokenCreatedOutput struct {
	ETag         string `header:"ETag"`
	Location     string `header:"Location"`
	CacheControl string `header:"Cache-Control"`
	Body         app.CreatedToken
}

type tokenIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

func (s *Server) registerTokens() {
	op := s.operation(http.MethodPost, "/v1/tokens", "create-token", "tokens", "Create a personal API token")
	op.Description = "The secret is in the response's token field and is shown only this once."
	huma.Register(s.api, op, func(ctx context.Context, in *tokenCreateInput) (*tokenCreatedOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.svc.CreateToken(ctx, a, app.TokenInput{Name: in.Body.Name, ExpiresInDays: in.Body.ExpiresInDays})
		if err != nil {
			return nil, err
		}
		return &tokenCreatedOutput{ETag: etag(t.Version), Location: "/v1/tokens/" + t.ID.String(),
			CacheControl: "no-store", Body: t}, nil
	})

	op = s.operation(http.MethodGet, "/v1/tokens", "list-tokens", "tokens", "List your tokens (never their secrets)")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*pageOutput[app.APIToken], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		ts, err := s.svc.Tokens(ctx, a)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.APIToken]{Body: app.Page[app.APIToken]{Items: ts}}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/tokens/{id}", "revoke-token", "tokens", "Revoke one of your tokens")
	huma.Register(s.api, op, func(ctx context.Context, in *tokenIDInput) (*struct{}, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		return nil, s.svc.RevokeToken(ctx, a, id)
	})
}
