package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// organizationCreateBody creates an organization in the caller's tenant, owned by the caller.
type organizationCreateBody struct {
	Name     string `json:"name" maxLength:"200"`
	Timezone string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone for days and weeks in reports; default UTC."`
}

type organizationCreateInput struct {
	Body organizationCreateBody
}

// organizationPatchBody changes an organization; absent fields stay as they are.
type organizationPatchBody struct {
	Name     *string `json:"name,omitempty" maxLength:"200"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64"`
}

type organizationPatchInput struct {
	ID      string `path:"id" format:"uuid" doc:"The row's id."`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The row's ETag (e.g. \"3\"); a stale version is refused with 412. Omit to change unconditionally."`
	Body    organizationPatchBody
}

type organizationIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The row's id."`
}

func (s *Server) registerOrganizations() {
	op := s.operation(http.MethodGet, "/v1/organizations", "list-organizations", "organizations",
		"List the organizations you belong to")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*pageOutput[app.Organization], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		orgs, err := s.svc.Organizations(ctx, a)
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Organization]{Body: app.Page[app.Organization]{Items: orgs}}, nil
	})

	op = s.operation(http.MethodPost, "/v1/organizations", "create-organization", "organizations",
		"Create an organization; you become its owner")
	huma.Register(s.api, op, func(ctx context.Context, in *organizationCreateInput) (*createdOutput[app.Organization], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		o, err := s.svc.CreateOrganization(ctx, a, app.OrganizationInput{Name: in.Body.Name, Timezone: in.Body.Timezone})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Organization]{ETag: etag(o.Version), Location: "/v1/organizations/" + o.ID.String(), Body: o}, nil
	})

	op = s.operation(http.MethodGet, "/v1/organizations/{id}", "get-organization", "organizations",
		"Get an organization you belong to")
	huma.Register(s.api, op, func(ctx context.Context, in *organizationIDInput) (*rowOutput[app.Organization], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		o, err := s.svc.Organization(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Organization]{ETag: etag(o.Version), Body: o}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/organizations/{id}", "update-organization", "organizations",
		"Change an organization (owners and admins)")
	huma.Register(s.api, op, func(ctx context.Context, in *organizationPatchInput) (*rowOutput[app.Organization], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		want, err := parseIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		o, err := s.svc.UpdateOrganization(ctx, a, id, app.OrganizationPatch{Name: in.Body.Name, Timezone: in.Body.Timezone}, want)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Organization]{ETag: etag(o.Version), Body: o}, nil
	})
}
