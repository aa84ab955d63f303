package server

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// timerBody is the running entry, or null when no timer runs.
type timerBody struct {
	Entry *app.TimeEntry `json:"entry"`
}

// Schema says entry is a TimeEntry or null; huma cannot mark a struct reference nullable
// with a field tag.
func (timerBody) Schema(r huma.Registry) *huma.Schema {
	entry := r.Schema(reflect.TypeFor[app.TimeEntry](), true, "TimeEntry")
	return &huma.Schema{Type: huma.TypeObject, Required: []string{"entry"}, AdditionalProperties: false,
		Properties: map[string]*huma.Schema{"entry": {
			Description: "The running entry; null when no timer runs.",
			OneOf:       []*huma.Schema{entry, {Type: "null"}},
		}}}
}

type timerOutput struct {
	Body timerBody
}

// timerStartBody starts tracking now; a running timer is stopped at the same instant.
type timerStartBody struct {
	ProjectID   *uuid.UUID `json:"project_id,omitempty" format:"uuid"`
	TaskID      *uuid.UUID `json:"task_id,omitempty" format:"uuid" doc:"Implies its project."`
	Description string     `json:"description,omitempty" maxLength:"3000" text:"description"`
	TagIDs      idList     `json:"tag_ids,omitempty" maxItems:"50"`
	Billable    *bool      `json:"billable,omitempty" doc:"Default: the project's."`
	Timezone    string     `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone (not Local); default the user's."`
}

type timerStartInput struct {
	Body timerStartBody
}

type timerStopOutput struct {
	ETag string `header:"ETag"`
	Body app.TimeEntry
}

func (s *Server) registerTimer() {
	op := s.operation(http.MethodGet, "/v1/timer", "get-timer", "timer", "The running entry, if any (in any of your organizations)")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*timerOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		e, err := s.svc.RunningEntry(ctx, a)
		if err != nil {
			return nil, err
		}
		return &timerOutput{Body: timerBody{Entry: e}}, nil
	})

	op = s.operation(http.MethodPost, "/v1/timer/start", "start-timer", "timer",
		"Start a timer now; a running one is stopped first (switching)")
	huma.Register(s.api, op, func(ctx context.Context, in *timerStartInput) (*createdOutput[app.TimeEntry], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		e, err := s.svc.StartTimer(ctx, a, app.TimerStart{ProjectID: b.ProjectID, TaskID: b.TaskID,
			Description: b.Description, TagIDs: b.TagIDs, Billable: b.Billable, Timezone: b.Timezone})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.TimeEntry]{ETag: etag(e.Version), Location: "/v1/time-entries/" + e.ID.String(), Body: e}, nil
	})

	op = s.operation(http.MethodPost, "/v1/timer/stop", "stop-timer", "timer", "Stop the running timer (409 when none runs)")
	op.DefaultStatus = http.StatusOK
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*timerStopOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		e, err := s.svc.StopTimer(ctx, a)
		if err != nil {
			return nil, err
		}
		return &timerStopOutput{ETag: etag(e.Version), Body: e}, nil
	})
}
