package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// signupBody creates a tenant, its first organization and its owner.
type signupBody struct {
	Email        string `json:"email" format:"email" maxLength:"254" doc:"The owner's e-mail address (a bare address); it signs in with it."`
	Password     string `json:"password" minLength:"8" maxLength:"1024" doc:"8 to 1024 characters."`
	Name         string `json:"name" minLength:"1" maxLength:"200" text:"name" doc:"The owner's name."`
	Organization string `json:"organization" minLength:"1" maxLength:"200" text:"name" doc:"The first organization's name."`
	Timezone     string `json:"timezone,omitempty" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone, e.g. Europe/Berlin (not Local); default UTC."`
}

type signupInput struct {
	Body signupBody
}

// loginBody is an e-mail and password, and optionally the tenant to sign in to.
type loginBody struct {
	Email    string `json:"email" format:"email" maxLength:"254"`
	Password string `json:"password" maxLength:"1024"`
	TenantID string `json:"tenant_id,omitempty" format:"uuid" doc:"The tenant whose account to sign in to, for an address with accounts in several tenants (each sign-up makes a tenant); default the address's first account. A tenant without an account for the address fails like a wrong password."`
}

type loginInput struct {
	Body loginBody
}

type sessionOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         app.Session
}

func (s *Server) registerAuth() {
	op := s.publicOperation(http.MethodPost, "/v1/auth/signup", "signup", "auth",
		"Create an account: a tenant, its first organization and its owner")
	op.Description = "Returns a session token. Every sign-up creates a new tenant with a new account, also for an " +
		"address that has accounts in other tenants (an address is unique only within a tenant); the response names " +
		"the tenant, and login's tenant_id picks it. Refused with 403 when this server does not allow sign-up."
	op.Errors = []int{http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge,
		http.StatusUnprocessableEntity, http.StatusTooManyRequests}
	huma.Register(s.api, op, func(ctx context.Context, in *signupInput) (*sessionOutput, error) {
		if !s.cfg.AllowSignup {
			return nil, newProblem(http.StatusForbidden, "sign-up is disabled on this server; ask an administrator for an account")
		}
		if err := s.takeAccount(ctx, keySignup, in.Body.Email, s.live.Load().signupLimit); err != nil {
			return nil, err
		}
		sess, err := s.svc.Signup(ctx, app.SignupInput{Email: in.Body.Email, Password: in.Body.Password,
			Name: in.Body.Name, Organization: in.Body.Organization, Timezone: in.Body.Timezone})
		if err != nil {
			return nil, err
		}
		return &sessionOutput{CacheControl: "no-store", Body: sess}, nil
	})

	op = s.publicOperation(http.MethodPost, "/v1/auth/login", "login", "auth", "Sign in with e-mail and password")
	op.DefaultStatus = http.StatusOK
	op.Errors = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge,
		http.StatusUnprocessableEntity, http.StatusTooManyRequests}
	huma.Register(s.api, op, func(ctx context.Context, in *loginInput) (*sessionOutput, error) {
		err := s.takeAccount(ctx, keyLogin, in.Body.Email, s.live.Load().loginLimit)
		if err != nil {
			return nil, err
		}
		var tenant uuid.UUID
		if in.Body.TenantID != "" {
			if tenant, err = app.ParseID("tenant_id", in.Body.TenantID); err != nil {
				return nil, err
			}
		}
		sess, err := s.svc.Login(ctx, app.LoginInput{Email: in.Body.Email, Password: in.Body.Password, TenantID: tenant})
		if err != nil {
			return nil, err
		}
		s.resetAccount(ctx, keyLogin, in.Body.Email)
		return &sessionOutput{CacheControl: "no-store", Body: sess}, nil
	})
}
