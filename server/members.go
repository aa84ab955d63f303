package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// memberCreateBody adds a user to the organization; an e-mail new to the tenant creates a
// user of the tenant, and then name and password are required.
type memberCreateBody struct {
	Email    string   `json:"email" format:"email" maxLength:"254"`
	Name     string   `json:"name,omitempty" maxLength:"200" text:"name?" doc:"Required when the e-mail is not yet a user of this tenant."`
	Role     app.Role `json:"role" enum:"owner,admin,manager,member"`
	Password string   `json:"password,omitempty" minLength:"8" maxLength:"1024" doc:"Initial password, 8 to 1024 characters; required when the e-mail is not yet a user of this tenant (accounts in other tenants do not count: each is separate)."`
}

type memberCreateInput struct {
	Body memberCreateBody
}

// memberPatchBody changes a member's role.
type memberPatchBody struct {
	Role *app.Role `json:"role,omitempty" enum:"owner,admin,manager,member"`
}

type memberListInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
}

type memberIDInput struct {
	UserID string `path:"user_id" format:"uuid" doc:"The member's user id."`
}

type memberPatchInput struct {
	UserID  string `path:"user_id" format:"uuid" doc:"The member's user id."`
	IfMatch string `header:"If-Match" maxLength:"1024" doc:"The row's ETag (e.g. \"3\"), or a list of them; strong comparison, so W/ tags never match. A stale version is refused with 412. Omit to change unconditionally."`
	Body    memberPatchBody
}

type memberDeleteInput struct {
	UserID  string `path:"user_id" format:"uuid" doc:"The member's user id."`
	IfMatch string `header:"If-Match" maxLength:"1024" doc:"The row's ETag (e.g. \"3\"), or a list of them; strong comparison, so W/ tags never match. A stale version is refused with 412. Omit to change unconditionally."`
}

func (s *Server) registerMembers() {
	op := s.operation(http.MethodGet, "/v1/members", "list-members", "members", "List the organization's members")
	huma.Register(s.api, op, func(ctx context.Context, in *memberListInput) (*pageOutput[app.Member], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.Members(ctx, a, app.ListParams{Limit: in.Limit, Cursor: in.Cursor})
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.Member]{Body: page}, nil
	})

	op = s.operation(http.MethodPost, "/v1/members", "add-member", "members",
		"Add a user to the organization (owners and admins)")
	huma.Register(s.api, op, func(ctx context.Context, in *memberCreateInput) (*createdOutput[app.Member], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		// A request with a password costs a password hash (argon2id: tens of milliseconds
		// and 19 MiB) and may create an account. It is the one authenticated route that does
		// either, and anyone may hold an owner's token where sign-up is open, so such
		// requests are throttled per tenant, as sign-up and login are per address and per IP.
		if in.Body.Password != "" {
			if err := s.take(ctx, keyNewAccount+a.TenantID.String(), s.cfg.NewAccountLimit); err != nil {
				return nil, err
			}
		}
		m, err := s.svc.AddMember(ctx, a, app.MemberInput{Email: in.Body.Email, Name: in.Body.Name,
			Role: in.Body.Role, Password: in.Body.Password})
		if err != nil {
			return nil, err
		}
		return &createdOutput[app.Member]{ETag: etag(m.Version), Location: "/v1/members/" + m.UserID.String(), Body: m}, nil
	})

	op = s.operation(http.MethodGet, "/v1/members/{user_id}", "get-member", "members", "Get one member")
	huma.Register(s.api, op, func(ctx context.Context, in *memberIDInput) (*rowOutput[app.Member], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		m, err := s.svc.Member(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Member]{ETag: etag(m.Version), Body: m}, nil
	})

	op = s.operation(http.MethodPatch, "/v1/members/{user_id}", "update-member", "members",
		"Change a member's role (owners and admins; only owners grant or take the owner role)")
	huma.Register(s.api, op, func(ctx context.Context, in *memberPatchInput) (*rowOutput[app.Member], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		m, err := withIfMatch(in.IfMatch, func(want int64) (app.Member, error) {
			return s.svc.UpdateMember(ctx, a, id, app.MemberPatch{Role: in.Body.Role}, want)
		})
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Member]{ETag: etag(m.Version), Body: m}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/members/{user_id}", "remove-member", "members",
		"Remove a member from the organization (the user stays in the tenant)")
	huma.Register(s.api, op, func(ctx context.Context, in *memberDeleteInput) (*struct{}, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := app.ParseID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		_, err = withIfMatch(in.IfMatch, func(want int64) (struct{}, error) { return struct{}{}, s.svc.RemoveMember(ctx, a, id, want) })
		return nil, err
	})
}
