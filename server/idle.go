package server

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// idleBody is the idle time waiting for an answer, or null.
type idleBody struct {
	Idle *app.IdlePeriod `json:"idle"`
}

// Schema says idle is an IdlePeriod or null.
func (idleBody) Schema(r huma.Registry) *huma.Schema {
	p := r.Schema(reflect.TypeFor[app.IdlePeriod](), true, "IdlePeriod")
	return &huma.Schema{Type: huma.TypeObject, Required: []string{"idle"}, AdditionalProperties: false,
		Properties: map[string]*huma.Schema{"idle": {
			Description: "Time away from the computer while a timer ran, waiting for an answer; null when none.",
			OneOf:       []*huma.Schema{p, {Type: "null"}},
		}}}
}

type idleOutput struct {
	Body idleBody
}

type idleAnswerInput struct {
	Body struct {
		Choice string `json:"choice" enum:"keep,discard,stop" doc:"keep: the time stays; discard: the entry stops where the user left and a copy goes on from the return (after the timer stopped: the entry is split); stop: the entry stops where the user left."`
	}
}

// idleOutcomeBody is what answering did.
type idleOutcomeBody struct {
	Period  app.IdlePeriod `json:"period"`
	Choice  string         `json:"choice"`
	Entry   app.TimeEntry  `json:"entry"`
	Resumed *app.TimeEntry `json:"resumed"`
}

// Schema says resumed is a TimeEntry or null.
func (idleOutcomeBody) Schema(r huma.Registry) *huma.Schema {
	entry := r.Schema(reflect.TypeFor[app.TimeEntry](), true, "TimeEntry")
	period := r.Schema(reflect.TypeFor[app.IdlePeriod](), true, "IdlePeriod")
	return &huma.Schema{Type: huma.TypeObject, Required: []string{"period", "choice", "entry", "resumed"}, AdditionalProperties: false,
		Properties: map[string]*huma.Schema{
			"period": period,
			"choice": {Type: huma.TypeString, Enum: []any{"keep", "discard", "stop"}},
			"entry":  {Description: "The entry as it ends now.", AllOf: []*huma.Schema{entry}},
			"resumed": {Description: "The copy that goes on after the idle time (discard); null otherwise.",
				OneOf: []*huma.Schema{entry, {Type: "null"}}},
		}}
}

type idleOutcomeOutput struct {
	Body idleOutcomeBody
}

func (s *Server) registerIdle() {
	op := s.operation(http.MethodGet, "/v1/timer/idle", "get-idle", "timer",
		"The time away from the computer waiting for an answer, if any (the desktop notes it)")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*idleOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		p, err := s.svc.PendingIdle(ctx, a)
		if err != nil {
			return nil, err
		}
		return &idleOutput{Body: idleBody{Idle: p}}, nil
	})

	op = s.operation(http.MethodPost, "/v1/timer/idle", "answer-idle", "timer",
		"Answer the waiting idle time: keep, discard, or discard and stop (404 when none waits)")
	op.DefaultStatus = http.StatusOK
	huma.Register(s.api, op, func(ctx context.Context, in *idleAnswerInput) (*idleOutcomeOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		out, err := s.svc.ResolveIdle(ctx, a, app.IdleChoice(in.Body.Choice))
		if err != nil {
			return nil, err
		}
		return &idleOutcomeOutput{Body: idleOutcomeBody{Period: out.Period, Choice: string(out.Choice), Entry: out.Entry, Resumed: out.Resumed}}, nil
	})
}
