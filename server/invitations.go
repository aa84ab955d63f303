package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// invitationCreateBody invites an address to the organization with a role.
type invitationCreateBody struct {
	Email         string   `json:"email" format:"email" maxLength:"254" doc:"The address to invite; an account created by accepting signs in with it."`
	Role          app.Role `json:"role" enum:"owner,admin,manager,member" doc:"The role the invited person gets; at most your own."`
	ExpiresInDays int      `json:"expires_in_days,omitempty" minimum:"0" maximum:"30" doc:"Days the code can be used; 0 or absent: 7."`
}

type invitationCreateInput struct {
	Body invitationCreateBody
}

type invitationCreatedOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         app.CreatedInvitation
}

type invitationListInput struct {
	Status string `query:"status" enum:"pending,accepted,expired,revoked" doc:"Only invitations with this status; default all."`
	Limit  int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
}

type invitationIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The invitation's id."`
}

// invitationAcceptBody is the code and, without a session, the new account.
type invitationAcceptBody struct {
	Code     string `json:"code" minLength:"1" maxLength:"64" doc:"The invitation code (ABCD-EFGH-…); dashes, spaces and case do not matter."`
	Name     string `json:"name,omitempty" maxLength:"200" text:"name?" doc:"Your name; required without a session."`
	Password string `json:"password,omitempty" maxLength:"1024" doc:"The new account's password, 8 to 1024 characters; required without a session."`
	Timezone string `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone, e.g. Europe/Berlin; default the organization's."`
}

type invitationAcceptInput struct {
	// Authorization is optional here: with a session the signed-in user joins.
	Authorization string `header:"Authorization" hidden:"true"`
	Body          invitationAcceptBody
}

func (s *Server) registerInvitations() {
	op := s.operation(http.MethodPost, "/v1/invitations", "create-invitation", "invitations",
		"Invite someone to the organization (owners and admins)")
	op.Description = "Returns a one-time code, shown only this once, for the invited person to accept with " +
		"POST /v1/invitations/accept. The role can be at most your own. The code expires after expires_in_days (default 7)."
	huma.Register(s.api, op, func(ctx context.Context, in *invitationCreateInput) (*invitationCreatedOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		inv, err := s.svc.CreateInvitation(ctx, a, app.InvitationInput{Email: in.Body.Email, Role: in.Body.Role,
			ExpiresInDays: in.Body.ExpiresInDays})
		if err != nil {
			return nil, err
		}
		return &invitationCreatedOutput{CacheControl: "no-store", Body: inv}, nil
	})

	op = s.operation(http.MethodGet, "/v1/invitations", "list-invitations", "invitations",
		"List the organization's invitations (owners and admins; never their codes)")
	huma.Register(s.api, op, func(ctx context.Context, in *invitationListInput) (*pageOutput[app.Invitation], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.InvitationsList(ctx, a, app.InvitationListParams{Status: app.InvitationStatus(in.Status),
			ListParams: app.ListParams{Limit: in.Limit, Cursor: in.Cursor}})
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Invitation]{Body: page}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/invitations/{id}", "revoke-invitation", "invitations",
		"Revoke an invitation so its code no longer works (owners and admins)")
	huma.Register(s.api, op, func(ctx context.Context, in *invitationIDInput) (*struct{}, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("id", in.ID)
		if err != nil {
			return nil, err
		}
		return nil, s.svc.RevokeInvitation(ctx, a, id)
	})

	op = s.publicOperation(http.MethodPost, "/v1/invitations/accept", "accept-invitation", "invitations",
		"Join an organization with an invitation code")
	op.Description = "Without a session, name and password create your account in the inviting team, signed in " +
		"with the invitation's e-mail address. With a session (Authorization: Bearer …), your signed-in user joins. " +
		"Returns a session in the organization. A code works once; an expired, revoked or used one is 410: ask for a " +
		"new invitation. Attempts are rate limited per client address, as sign-in is."
	op.Security = []map[string][]string{{}, {bearerScheme: {}}}
	op.Errors = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict, http.StatusGone,
		http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusTooManyRequests}
	huma.Register(s.api, op, func(ctx context.Context, in *invitationAcceptInput) (*sessionOutput, error) {
		var by *app.Actor
		if in.Authorization != "" {
			token, ok := bearerToken(in.Authorization)
			if !ok {
				return nil, newProblem(http.StatusUnauthorized, "send a token as Authorization: Bearer <token>, or no Authorization header")
			}
			a, err := s.svc.Authenticate(ctx, token, nil)
			if err != nil {
				return nil, err
			}
			by = &a
		}
		sess, err := s.svc.AcceptInvitation(ctx, by, app.AcceptInput{Code: in.Body.Code, Name: in.Body.Name,
			Password: in.Body.Password, Timezone: in.Body.Timezone})
		if err != nil {
			return nil, acceptProblem(err)
		}
		return &sessionOutput{CacheControl: "no-store", Body: sess}, nil
	})
}

// acceptProblem says what to do about an invitation code that does not work.
func acceptProblem(err error) error {
	var closed *app.InvitationClosedError
	switch {
	case errors.As(err, &closed):
		switch closed.Status {
		case app.InvitationExpired:
			return newProblem(http.StatusGone, "this invitation has expired; ask the person who invited you for a new one")
		case app.InvitationAccepted:
			return newProblem(http.StatusGone, "this invitation has been used already; sign in instead, or ask for a new invitation")
		default:
			return newProblem(http.StatusGone, "this invitation was withdrawn; ask the person who invited you for a new one")
		}
	case errors.Is(err, app.ErrNotFound):
		return newProblem(http.StatusNotFound, "no invitation has this code; check it for typos, or ask for a new invitation")
	}
	return err
}
