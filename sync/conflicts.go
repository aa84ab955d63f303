package sync

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// Conflicts reads the server's conflict log in org (GET /v1/sync/conflicts): one row's
// whole log when entity is set, else the newest limit of the organization's (a member's:
// the values that member pushed and lost).
func (r *Remote) Conflicts(ctx context.Context, org uuid.UUID, entity *uuid.UUID, limit int) ([]app.SyncConflict, error) {
	q := url.Values{}
	if entity != nil {
		q.Set("entity_id", entity.String())
	} else if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var page app.Page[app.SyncConflict]
	path := "/v1/sync/conflicts"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	if err := r.send(ctx, http.MethodGet, path, org, nil, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}
