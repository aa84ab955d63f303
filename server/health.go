package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// healthBody is the answer of the health checks.
type healthBody struct {
	Status string `json:"status" example:"ok"`
}

type healthOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         healthBody
}

// readyTimeout bounds the readiness probe's store check.
const readyTimeout = 2 * time.Second

func (s *Server) registerHealth() {
	op := s.publicOperation(http.MethodGet, "/healthz", "health", "health", "Liveness: the process answers")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		return &healthOutput{CacheControl: "no-store", Body: healthBody{Status: "ok"}}, nil
	})

	op = s.publicOperation(http.MethodGet, "/readyz", "ready", "health", "Readiness: the store is reachable and migrated")
	op.Errors = []int{http.StatusServiceUnavailable}
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		ctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		if err := s.svc.Store().Ready(ctx); err != nil {
			p := newProblem(http.StatusServiceUnavailable, "the store is not ready")
			p.internal = err
			return nil, p
		}
		return &healthOutput{CacheControl: "no-store", Body: healthBody{Status: "ok"}}, nil
	})
}
