package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

type syncConflictsInput struct {
	EntityID string `query:"entity_id" format:"uuid" doc:"One row's log (an entry, a project, …), oldest first and whole; default: the organization's log, newest first, in pages."`
	Limit    int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor   string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
}

func (s *Server) registerSyncConflicts() {
	op := s.operation(http.MethodGet, "/v1/sync/conflicts", "sync-conflicts", "sync",
		"The values that lost to a later edit when devices synced, with the values kept (members see their own)")
	op.Description = "Devices' edits of one field of one row resolve last writer wins by their HLC stamps; the server " +
		"keeps each losing value here with the value the row kept. Without entity_id: the organization's log, newest " +
		"first (a member's: the values that member pushed and lost; managers and above: everyone's). With entity_id: " +
		"that row's whole log, oldest first, for whoever may read the row (404 otherwise)."
	huma.Register(s.api, op, func(ctx context.Context, in *syncConflictsInput) (*pageOutput[app.SyncConflict], error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		id, err := optionalID("entity_id", in.EntityID)
		if err != nil {
			return nil, err
		}
		page, err := s.svc.ListSyncConflicts(ctx, a, app.ConflictQuery{EntityID: id, Page: app.ListParams{Limit: in.Limit, Cursor: in.Cursor}})
		if err != nil {
			return nil, err
		}
		return &pageOutput[app.SyncConflict]{Body: page}, nil
	})
}
