package sync

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// The remote carries screenshot images too (app.ScreenshotRemote; docs/sync.md,
// "Screenshots").
var _ app.ScreenshotRemote = (*Remote)(nil)

// PutScreenshotImage uploads a JPEG by its SHA-256 (PUT /v1/screenshot-files/{sha256});
// the server keeps one copy per tenant, so uploading again is no error.
func (r *Remote) PutScreenshotImage(ctx context.Context, hash string, image []byte) error {
	_, err := r.raw(ctx, http.MethodPut, "/v1/screenshot-files/"+hash, uuid.Nil, "image/jpeg", image)
	return err
}

// ScreenshotImage downloads a screenshot's JPEG image, or its thumbnail, from the server
// (GET /v1/screenshots/{id}[/thumbnail]) in the screenshot's organization.
func (r *Remote) ScreenshotImage(ctx context.Context, org, id uuid.UUID, thumb bool) ([]byte, error) {
	path := "/v1/screenshots/" + id.String()
	if thumb {
		path += "/thumbnail"
	}
	return r.raw(ctx, http.MethodGet, path, org, "", nil)
}

// raw is one request whose body and answer are bytes, not JSON; errors as send's.
func (r *Remote) raw(ctx context.Context, method, path string, org uuid.UUID, contentType string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if org != uuid.Nil {
		req.Header.Set("X-Org-Id", org.String())
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &wireError{msg: "cannot reach " + r.base + ": " + unwrapURLError(err).Error(), is: []error{app.ErrUnavailable}}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &wireError{msg: "read the answer of " + r.base + ": " + err.Error(), is: []error{app.ErrUnavailable}}
	}
	if resp.StatusCode/100 != 2 {
		return nil, statusError(resp.StatusCode, data)
	}
	return data, nil
}
