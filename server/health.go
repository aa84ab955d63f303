package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// healthBody is the answer of the liveness check.
type healthBody struct {
	Status string `json:"status" example:"ok"`
}

type healthOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         healthBody
}

// readyBody is the answer of the readiness check: whether this instance can serve, and why not.
type readyBody struct {
	Status  string     `json:"status" enum:"ok,unavailable" doc:"ok: the instance can serve requests."`
	Version string     `json:"version" doc:"The version of the running stint binary."`
	Store   storeState `json:"store"`
}

// storeState is the store's part of the readiness report. It names no host, user or error
// text: the probe is public.
type storeState struct {
	Reachable bool `json:"reachable" doc:"The store answered within the probe's time."`
	Migrated  bool `json:"migrated" doc:"The database schema is the one this binary expects."`
	// SchemaVersion and SchemaKnown are absent when the store does not report them or cannot
	// be reached.
	SchemaVersion int `json:"schema_version,omitempty" doc:"The newest migration applied to the database."`
	SchemaKnown   int `json:"schema_known,omitempty" doc:"The newest migration this binary carries."`
}

type readyOutput struct {
	Status       int
	CacheControl string `header:"Cache-Control"`
	Body         readyBody
}

// schemaVersioner is a store that can say which migration its database is at and which its
// binary knows (both stores do), for the readiness report.
type schemaVersioner interface {
	SchemaVersion(ctx context.Context) (current, known int, err error)
}

// readyTimeout bounds the readiness probe's store check.
const readyTimeout = 2 * time.Second

func (s *Server) registerHealth() {
	op := s.publicOperation(http.MethodGet, "/healthz", "health", "health", "Liveness: the process answers")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		return &healthOutput{CacheControl: "no-store", Body: healthBody{Status: "ok"}}, nil
	})

	op = s.publicOperation(http.MethodGet, "/readyz", "ready", "health",
		"Readiness: the store is reachable and its schema current (503 with the same report when not)")
	op.Errors = []int{http.StatusInternalServerError}
	op.Responses = map[string]*huma.Response{
		"503": {Description: "Not ready: the report says whether the store is unreachable or its schema differs.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Ref: schemaPrefix + "ReadyBody"}}}},
	}
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*readyOutput, error) {
		body := s.readiness(ctx)
		status := http.StatusOK
		if body.Status != "ok" {
			status = http.StatusServiceUnavailable
		}
		return &readyOutput{Status: status, CacheControl: "no-store", Body: body}, nil
	})
}

// readiness checks the store within readyTimeout. A failure is logged here, with its cause;
// the report itself carries no error text.
func (s *Server) readiness(ctx context.Context) readyBody {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	body := readyBody{Status: "ok", Version: s.cfg.Version}
	st := s.svc.Store()
	err := st.Ready(ctx)
	// Ready fails for an unreachable database and for a schema that differs alike; a store
	// that reports its schema version tells the two apart.
	reachable := err == nil || !isUnavailable(err)
	if sv, ok := st.(schemaVersioner); ok {
		cur, known, verr := sv.SchemaVersion(ctx)
		reachable = verr == nil
		if reachable {
			body.Store.SchemaVersion, body.Store.SchemaKnown = cur, known
		} else if err == nil {
			err = verr
		}
	}
	body.Store.Reachable, body.Store.Migrated = reachable, reachable && err == nil
	if err != nil {
		body.Status = "unavailable"
		loggerFrom(ctx).LogAttrs(ctx, slog.LevelWarn, "not ready", slog.String("request_id", requestID(ctx)),
			slog.String("err", err.Error()))
	}
	return body
}
