package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

type summaryInput struct {
	From      string `query:"from" required:"true" format:"date" doc:"First day, YYYY-MM-DD."`
	To        string `query:"to" required:"true" format:"date" doc:"Last day (inclusive), YYYY-MM-DD."`
	Timezone  string `query:"timezone" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone the days are cut in (not Local); default the user's, else the organization's."`
	UserID    string `query:"user_id" format:"uuid" doc:"Only this user's time (others' need entries.read_all)."`
	ProjectID string `query:"project_id" format:"uuid" doc:"Only this project's time."`
}

type summaryOutput struct {
	Body app.Summary
}

func (s *Server) registerReports() {
	op := s.operation(http.MethodGet, "/v1/reports/summary", "report-summary", "reports",
		"Tracked time per day and project over a date range")
	huma.Register(s.api, op, func(ctx context.Context, in *summaryInput) (*summaryOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		q := app.SummaryQuery{From: in.From, To: in.To, Timezone: in.Timezone}
		if q.Timezone == "" { // one rule everywhere: the user's zone, else the workspace's
			if _, q.Timezone, err = s.svc.UserZone(ctx, a); err != nil {
				return nil, err
			}
		}
		if q.UserID, err = optionalID("user_id", in.UserID); err != nil {
			return nil, err
		}
		if q.ProjectID, err = optionalID("project_id", in.ProjectID); err != nil {
			return nil, err
		}
		sum, err := s.svc.Summarize(ctx, a, q)
		if err != nil {
			return nil, err
		}
		return &summaryOutput{Body: sum}, nil
	})
}
