package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// CreateInvitation invites an e-mail address into org on the server; the answer carries the
// one-time code, which the server shows only this once.
func (r *Remote) CreateInvitation(ctx context.Context, org uuid.UUID, in app.InvitationInput) (app.CreatedInvitation, error) {
	body := map[string]any{"email": in.Email, "role": in.Role}
	if in.ExpiresInDays != 0 {
		body["expires_in_days"] = in.ExpiresInDays
	}
	var inv app.CreatedInvitation
	err := r.send(ctx, http.MethodPost, "/v1/invitations", org, body, &inv)
	return inv, err
}

// Invitations lists org's invitations on the server (all pages), optionally of one status.
func (r *Remote) Invitations(ctx context.Context, org uuid.UUID, status app.InvitationStatus) ([]app.Invitation, error) {
	var out []app.Invitation
	q := url.Values{"limit": {"500"}}
	if status != "" {
		q.Set("status", string(status))
	}
	for {
		var page app.Page[app.Invitation]
		if err := r.send(ctx, http.MethodGet, "/v1/invitations?"+q.Encode(), org, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out, nil
		}
		q.Set("cursor", page.NextCursor)
	}
}

// RevokeInvitation makes an invitation's code stop working on the server.
func (r *Remote) RevokeInvitation(ctx context.Context, org, id uuid.UUID) error {
	return r.send(ctx, http.MethodDelete, "/v1/invitations/"+id.String(), org, nil, nil)
}

// send makes one request: body (nil for none) as JSON, the session token, org (uuid.Nil for
// none) as X-Org-Id; a 2xx answer is decoded into out (nil: ignored), any other becomes an
// error wrapping the app sentinel it means.
func (r *Remote) send(ctx context.Context, method, path string, org uuid.UUID, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if org != uuid.Nil {
		req.Header.Set("X-Org-Id", org.String())
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &wireError{msg: "cannot reach " + r.base + ": " + unwrapURLError(err).Error(), is: []error{app.ErrUnavailable}}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &wireError{msg: "read the answer of " + r.base + ": " + err.Error(), is: []error{app.ErrUnavailable}}
	}
	if resp.StatusCode/100 != 2 {
		return statusError(resp.StatusCode, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := decode(data, out); err != nil {
		return fmt.Errorf("the answer of %s%s is not what this client expects: %w", r.base, path, err)
	}
	return nil
}
