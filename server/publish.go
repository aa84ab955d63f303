package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// publishRoute makes a device's local workspace a new team: sign-up with the workspace's
// own ids (docs/sync.md, "Connecting a workspace").
const publishRoute = "POST /v1/auth/publish"

// publishBody is a local workspace's ids and names, and the owner's e-mail and password.
type publishBody struct {
	TenantID             string `json:"tenant_id" format:"uuid" doc:"The workspace's tenant id, made on the device."`
	OrganizationID       string `json:"organization_id" format:"uuid" doc:"Its organization's id."`
	UserID               string `json:"user_id" format:"uuid" doc:"Its owner's user id."`
	MembershipID         string `json:"membership_id" format:"uuid" doc:"The owner's membership id."`
	Organization         string `json:"organization" minLength:"1" maxLength:"200" text:"name" doc:"The organization's name."`
	OrganizationTimezone string `json:"organization_timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"The organization's IANA time zone; default UTC."`
	// Activity is absent from the requests of devices that send only the defaults, and of
	// those from before the settings.
	Activity *app.ActivitySettings `json:"activity,omitempty" doc:"The organization's activity settings as the owner set them on the device; default all off."`
	Name     string                `json:"name" minLength:"1" maxLength:"200" text:"name" doc:"The owner's name."`
	Timezone string                `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"The owner's IANA time zone; default the organization's."`
	Email    string                `json:"email" format:"email" maxLength:"254" doc:"The address the owner signs in with from now on."`
	Password string                `json:"password" minLength:"8" maxLength:"1024" doc:"The owner's new password, 8 to 1024 characters."`
}

type publishInput struct {
	Body publishBody
}

// problemWorkspaceTaken is the problem type of a publish whose ids the server has.
const problemWorkspaceTaken = "workspace-taken"

func (s *Server) registerPublish() {
	op := s.publicOperation(http.MethodPost, "/v1/auth/publish", "publish-workspace", "auth",
		"Publish a device's local workspace as a new team, keeping its ids")
	op.Description = "Creates the tenant, organization, owner and owner's membership of a workspace made offline " +
		"on a device, with the device's ids, and returns a session; the device then pushes its clients, projects, " +
		"tasks, tags and entries with the sync push. Guarded as sign-up is: refused with 403 when this server does " +
		"not allow sign-up, and rate limited per client address and per e-mail address. Ids the server has already, " +
		"in any tenant, are 409 with type workspace-taken and nothing is written: a published workspace signs in " +
		"with /v1/auth/login."
	op.Errors = []int{http.StatusBadRequest, http.StatusForbidden, http.StatusConflict, http.StatusRequestEntityTooLarge,
		http.StatusUnprocessableEntity, http.StatusTooManyRequests}
	huma.Register(s.api, op, func(ctx context.Context, in *publishInput) (*sessionOutput, error) {
		if !s.cfg.AllowSignup {
			return nil, newProblem(http.StatusForbidden, "sign-up is disabled on this server, so a workspace cannot be published "+
				"to it; ask an administrator for an invitation and join instead")
		}
		if err := s.takeAccount(ctx, keySignup, in.Body.Email, s.live.Load().signupLimit); err != nil {
			return nil, err
		}
		var ids [4]uuid.UUID
		for i, v := range []struct{ field, value string }{{"tenant_id", in.Body.TenantID},
			{"organization_id", in.Body.OrganizationID}, {"user_id", in.Body.UserID}, {"membership_id", in.Body.MembershipID}} {
			id, err := app.ParseID(v.field, v.value)
			if err != nil {
				return nil, err
			}
			ids[i] = id
		}
		sess, err := s.svc.Publish(ctx, app.PublishInput{TenantID: ids[0], OrganizationID: ids[1], UserID: ids[2],
			MembershipID: ids[3], Organization: in.Body.Organization, OrganizationTimezone: in.Body.OrganizationTimezone,
			Activity: in.Body.Activity, Name: in.Body.Name, Timezone: in.Body.Timezone, Email: in.Body.Email, Password: in.Body.Password})
		var taken *app.WorkspaceTakenError
		if errors.As(err, &taken) {
			p := newProblem(http.StatusConflict, taken.Error())
			p.Type = problemWorkspaceTaken
			return nil, p
		}
		if err != nil {
			return nil, err
		}
		return &sessionOutput{CacheControl: "no-store", Body: sess}, nil
	})
}
