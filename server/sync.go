package server

import (
	"context"
	"errors"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// syncPullBody asks for the next page of a pull.
type syncPullBody struct {
	Protocol int   `json:"protocol" minimum:"1" doc:"The sync protocol version the client speaks; another than the server's is a 409."`
	Cursor   int64 `json:"cursor" minimum:"0" doc:"The cursor of the previous page; 0 for a first pull."`
	Limit    int   `json:"limit,omitempty" minimum:"1" maximum:"1000" doc:"Rows per page; default 500."`
}

type syncPullInput struct {
	Body syncPullBody
}

// syncRow is one pulled row: the entity as the API shows it, with its kind, server version
// and HLC stamp.
type syncRow struct {
	Kind    app.SyncKind `json:"kind"`
	ID      uuid.UUID    `json:"id"`
	Version int64        `json:"server_version"`
	HLC     string       `json:"hlc"`
	Row     any          `json:"row"`
}

// syncRowKinds maps each kind to the type of its row, for the schema.
func syncRowKinds() map[app.SyncKind]reflect.Type {
	return map[app.SyncKind]reflect.Type{
		app.SyncOrganization: reflect.TypeFor[app.Organization](),
		app.SyncUser:         reflect.TypeFor[app.User](),
		app.SyncMembership:   reflect.TypeFor[app.Membership](),
		app.SyncClient:       reflect.TypeFor[app.Client](),
		app.SyncProject:      reflect.TypeFor[app.Project](),
		app.SyncTask:         reflect.TypeFor[app.Task](),
		app.SyncTag:          reflect.TypeFor[app.Tag](),
		app.SyncTimeEntry:    reflect.TypeFor[app.TimeEntry](),
	}
}

// Schema says row is one of the synced entities, as kind names; huma cannot derive that
// from an interface field.
func (syncRow) Schema(r huma.Registry) *huma.Schema {
	kinds := make([]any, len(app.SyncKinds))
	rows := make([]*huma.Schema, len(app.SyncKinds))
	types := syncRowKinds()
	for i, k := range app.SyncKinds {
		kinds[i] = string(k)
		t := types[k]
		rows[i] = r.Schema(t, true, t.Name())
	}
	return &huma.Schema{Type: huma.TypeObject, Required: []string{"kind", "id", "server_version", "hlc", "row"}, AdditionalProperties: false,
		Properties: map[string]*huma.Schema{
			"kind":           {Type: huma.TypeString, Enum: kinds, Description: "Which entity row is."},
			"id":             {Type: huma.TypeString, Format: "uuid"},
			"server_version": {Type: huma.TypeInteger, Format: "int64", Description: "The row's version on the server: pages come in its order."},
			"hlc":            {Type: huma.TypeString, Description: "The row's hybrid logical clock stamp, which orders writes for last-writer-wins."},
			"row":            {Description: "The entity, as its own endpoints show it; a tombstone has deleted_at set.", OneOf: rows},
		}}
}

// syncPullPage is one page of a pull.
type syncPullPage struct {
	Rows   []syncRow `json:"rows" nullable:"false" doc:"Rows in server version order, tombstones included."`
	Cursor int64     `json:"cursor" doc:"Send it as the next request's cursor."`
	Head   int64     `json:"head" doc:"The tenant's newest server version when the read began."`
	More   bool      `json:"more" doc:"Whether more rows follow this page; pull again at once when true."`
}

type syncPullOutput struct {
	Body syncPullPage
}

func (s *Server) registerSync() {
	op := s.operation(http.MethodPost, "/v1/sync/pull", "sync-pull", "sync",
		"Pull the rows changed after a cursor that you may see, in server version order")
	op.DefaultStatus = http.StatusOK
	s.documentSyncProtocol(&op)
	huma.Register(s.api, op, func(ctx context.Context, in *syncPullInput) (*syncPullOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		p, err := s.svc.PullSync(ctx, a, app.SyncPullInput{Protocol: b.Protocol, Cursor: b.Cursor, Limit: b.Limit})
		var pe *app.ProtocolError
		if errors.As(err, &pe) {
			return nil, newSyncProtocolProblem(ctx, pe)
		}
		if err != nil {
			return nil, err
		}
		out := syncPullPage{Rows: make([]syncRow, len(p.Rows)), Cursor: p.Cursor, Head: p.Head, More: p.More}
		for i, r := range p.Rows {
			out.Rows[i] = syncRow{Kind: r.Kind, ID: r.ID, Version: r.Version, HLC: r.HLC(), Row: r.Row}
		}
		return &syncPullOutput{Body: out}, nil
	})
}
