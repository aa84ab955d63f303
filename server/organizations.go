package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// organizationCreateBody creates an organization in the caller's tenant, owned by the caller.
type organizationCreateBody struct {
	Name     string `json:"name" minLength:"1" maxLength:"200" text:"name"`
	Timezone string `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone for days and weeks in reports (not Local); default UTC."`
}

// organizationPatchBody changes an organization; absent fields stay as they are.
type organizationPatchBody struct {
	Name     *string                `json:"name,omitempty" minLength:"1" maxLength:"200" text:"name"`
	Timezone *string                `json:"timezone,omitempty" maxLength:"64" pattern:"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$" doc:"IANA time zone (not Local)."`
	Activity *activitySettingsPatch `json:"activity,omitempty" doc:"The activity timer's rules for the organization's members (owners and admins)."`
}

// activitySettingsPatch changes an organization's activity settings; absent fields stay.
type activitySettingsPatch struct {
	Screenshots       *bool `json:"screenshots,omitempty" doc:"Take screenshots of all monitors while a timer runs."`
	ScreenshotMinutes *int  `json:"screenshot_minutes,omitempty" enum:"1,3,5,10" doc:"Minutes between screenshots."`
	ScreenshotRandom  *bool `json:"screenshot_random,omitempty" doc:"Take each screenshot at a random moment within its interval."`
	WindowTitles      *bool `json:"window_titles,omitempty" doc:"Record window titles beside applications in activity slots."`
}

func (p *activitySettingsPatch) patch() app.ActivitySettingsPatch {
	if p == nil {
		return app.ActivitySettingsPatch{}
	}
	return app.ActivitySettingsPatch{Screenshots: p.Screenshots, ScreenshotMinutes: p.ScreenshotMinutes,
		ScreenshotRandom: p.ScreenshotRandom, WindowTitles: p.WindowTitles}
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

	r := rows[app.Organization]{s: s, path: "/v1/organizations", tag: "organizations", noun: "organization",
		id: func(o app.Organization) uuid.UUID { return o.ID }, version: func(o app.Organization) int64 { return o.Version }}
	// Anyone who may create organizations becomes the new one's owner.
	createRoute(r, func(ctx context.Context, a app.Actor, b organizationCreateBody) (app.Organization, error) {
		return s.svc.CreateOrganization(ctx, a, app.OrganizationInput{Name: b.Name, Timezone: b.Timezone})
	})
	// Only organizations the caller belongs to are found; owners and admins may change them.
	r.getRoute(s.svc.Organization)
	patchRoute(r, func(ctx context.Context, a app.Actor, id uuid.UUID, b organizationPatchBody, want int64) (app.Organization, error) {
		return s.svc.UpdateOrganization(ctx, a, id, app.OrganizationPatch{Name: b.Name, Timezone: b.Timezone, Activity: b.Activity.patch()}, want)
	})
}
