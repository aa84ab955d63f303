package sync

import (
	"context"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// Connecting a device's local workspace to a team server (docs/sync.md, "Connecting a
// workspace"): the requests that come before the first round.

// Publish makes the local workspace described by in a new team on the server (POST
// /v1/auth/publish) and returns the owner's session. A workspace the server has already
// fails with app.ErrConflict.
func Publish(ctx context.Context, client *http.Client, baseURL string, in app.PublishInput) (app.Session, error) {
	r, err := NewRemote(baseURL, "", client)
	if err != nil {
		return app.Session{}, err
	}
	body := map[string]any{
		"tenant_id": in.TenantID.String(), "organization_id": in.OrganizationID.String(), "user_id": in.UserID.String(),
		"membership_id": in.MembershipID.String(), "organization": in.Organization, "name": in.Name,
		"email": in.Email, "password": in.Password,
	}
	if in.OrganizationTimezone != "" {
		body["organization_timezone"] = in.OrganizationTimezone
	}
	if in.Timezone != "" {
		body["timezone"] = in.Timezone
	}
	if in.Activity != nil && *in.Activity != app.DefaultActivitySettings() {
		// Only when the owner changed them, so a server from before the settings still
		// takes the publish of a workspace that did not.
		body["activity"] = in.Activity
	}
	var sess app.Session
	err = r.post(ctx, "/v1/auth/publish", body, &sess)
	return sess, err
}

// AcceptInvitation accepts an invitation code (POST /v1/invitations/accept) and returns the
// session in the inviting organization. With token "" name and password create the
// account (in timezone, the server's default when ""); with a session token the signed-in
// user joins.
func AcceptInvitation(ctx context.Context, client *http.Client, baseURL, token, code, name, password, timezone string) (app.Session, error) {
	r, err := NewRemote(baseURL, token, client)
	if err != nil {
		return app.Session{}, err
	}
	body := map[string]string{"code": code}
	if token == "" {
		body["name"], body["password"] = name, password
		if timezone != "" {
			body["timezone"] = timezone
		}
	}
	var sess app.Session
	err = r.post(ctx, "/v1/invitations/accept", body, &sess)
	return sess, err
}

// Catalog reads the user's role in the organization and its clients (for a role that may
// read them), projects, tasks and tags, archived ones too, for a join to match the local
// catalog against.
func (r *Remote) Catalog(ctx context.Context, org uuid.UUID) (app.TeamCatalog, error) {
	var c app.TeamCatalog
	var me struct {
		Role app.Role `json:"role"`
	}
	if err := r.get(ctx, "/v1/me", org, &me); err != nil {
		return c, err
	}
	c.Role = me.Role
	var err error
	if c.Role.Can(app.PermClientsRead) {
		if c.Clients, err = listAll[app.Client](ctx, r, org, "/v1/clients"); err != nil {
			return c, err
		}
	}
	if c.Projects, err = listAll[app.Project](ctx, r, org, "/v1/projects"); err != nil {
		return c, err
	}
	if c.Tasks, err = listAll[app.Task](ctx, r, org, "/v1/tasks"); err != nil {
		return c, err
	}
	c.Tags, err = listAll[app.Tag](ctx, r, org, "/v1/tags")
	return c, err
}

// listAll reads every page of a catalog list in org.
func listAll[T any](ctx context.Context, r *Remote, org uuid.UUID, path string) ([]T, error) {
	var out []T
	cursor := ""
	for {
		q := url.Values{"include_archived": {"true"}, "limit": {"500"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page app.Page[T]
		if err := r.get(ctx, path+"?"+q.Encode(), org, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out, nil
		}
		cursor = page.NextCursor
	}
}

// get reads path in org and decodes a 2xx answer into out.
func (r *Remote) get(ctx context.Context, path string, org uuid.UUID, out any) error {
	return r.send(ctx, http.MethodGet, path, org, nil, out)
}
