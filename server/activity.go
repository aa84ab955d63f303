package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

type activityInput struct {
	From     string `query:"from" required:"true" format:"date" doc:"First day, YYYY-MM-DD."`
	To       string `query:"to" required:"true" format:"date" doc:"Last day (inclusive), YYYY-MM-DD; at most 31 days after from."`
	Timezone string `query:"timezone" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone the days are cut in (not Local); default the user's, else the organization's."`
	UserID   string `query:"user_id" format:"uuid" doc:"Only this user's slots (others' need entries.read_all; default: a member's own, everyone's for managers)."`
}

type activityBody struct {
	Slots []app.SlotView `json:"slots" nullable:"false" doc:"Slots of live entries by start, then user."`
}

type activityOutput struct {
	Body activityBody
}

func (s *Server) registerActivity() {
	op := s.operation(http.MethodGet, "/v1/activity", "activity-list", "activity",
		"The activity timer's 10-minute slots over a date range, with their applications (members see their own)")
	huma.Register(s.api, op, func(ctx context.Context, in *activityInput) (*activityOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		user, err := optionalID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		slots, err := s.svc.Activity(ctx, a, app.ActivityQuery{From: in.From, To: in.To, Timezone: in.Timezone, UserID: user})
		if err != nil {
			return nil, err
		}
		out := &activityOutput{Body: activityBody{Slots: make([]app.SlotView, 0, len(slots))}}
		for _, sl := range slots {
			out.Body.Slots = append(out.Body.Slots, sl.View())
		}
		return out, nil
	})
}
