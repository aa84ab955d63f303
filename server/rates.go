package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// rateListInput narrows the rate list.
type rateListInput struct {
	UserID string `query:"user_id" format:"uuid" doc:"Only the rates set for this member (members may name only themselves)."`
}

// rateList is every rate that matches, oldest effective first: an organization holds at
// most a thousand, so there is no paging.
type rateList struct {
	Items []app.Rate `json:"items" nullable:"false"`
}

// rateSetBody sets a rate. Which ids it names says its level: none (the organization), a
// member, a client, a project, or a member and a project.
type rateSetBody struct {
	UserID        *uuid.UUID `json:"user_id,omitempty" format:"uuid" doc:"A member's rate (with project_id: the member's on that project)."`
	ClientID      *uuid.UUID `json:"client_id,omitempty" format:"uuid" doc:"A client's rate: its projects' time."`
	ProjectID     *uuid.UUID `json:"project_id,omitempty" format:"uuid" doc:"A project's rate."`
	HourlyMinor   int64      `json:"hourly_minor" minimum:"0" maximum:"100000000" doc:"Amount per hour in the currency's minor units (12000 is 120.00 EUR)."`
	Currency      string     `json:"currency" pattern:"^[A-Za-z]{3}$" doc:"ISO 4217 code; every rate of an organization is in the same one."`
	EffectiveFrom string     `json:"effective_from,omitempty" maxLength:"64" doc:"From when the rate applies: empty for now (time already tracked keeps its rate), a date (the start of that day in your zone) or an RFC 3339 instant. A past date reprices the time tracked since."`
}

func (s *Server) registerRates() {
	op := s.operation(http.MethodGet, "/v1/rates", "list-rates", "rates", "List hourly rates (members see their own)")
	huma.Register(s.api, op, func(ctx context.Context, in *rateListInput) (*struct{ Body rateList }, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		user, err := optionalID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		rs, err := s.svc.ListRates(ctx, a, app.RateFilter{UserID: user})
		if err != nil {
			return nil, err
		}
		if rs == nil {
			rs = []app.Rate{}
		}
		return &struct{ Body rateList }{rateList{Items: rs}}, nil
	})

	op = s.operation(http.MethodPut, "/v1/rates", "set-rate", "rates",
		"Set an hourly rate from an effective instant on (managers and above); the same key and instant is replaced")
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge)
	huma.Register(s.api, op, func(ctx context.Context, in *bodyInput[rateSetBody]) (*rowOutput[app.Rate], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		r, err := s.svc.SetRate(ctx, a, app.RateInput{UserID: b.UserID, ClientID: b.ClientID, ProjectID: b.ProjectID,
			HourlyMinor: b.HourlyMinor, Currency: b.Currency, EffectiveFrom: b.EffectiveFrom})
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Rate]{ETag: etag(r.Version), Body: r}, nil
	})

	r := rows[app.Rate]{s: s, path: "/v1/rates", tag: "rates", noun: "rate",
		id: func(r app.Rate) uuid.UUID { return r.ID }, version: func(r app.Rate) int64 { return r.Version }}
	r.deleteRoute(s.svc.DeleteRate)
}
