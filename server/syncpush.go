package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// syncPushBody is a device's batch of change-log rows (docs/sync.md, Push).
type syncPushBody struct {
	Protocol  int                `json:"protocol" minimum:"1" doc:"The sync protocol version the device speaks; a server that speaks another answers 409."`
	DeviceID  string             `json:"device_id,omitempty" maxLength:"64" doc:"Names the device, for logs."`
	Mutations []syncMutationBody `json:"mutations" maxItems:"500" nullable:"false" doc:"Change-log rows in sequence order, at most 500."`
}

// syncMutationBody is one change-log row with the entity as it is now on the device.
type syncMutationBody struct {
	ID        uuid.UUID         `json:"id" format:"uuid" doc:"The mutation id (the change-log row's): the key a retry is recognised by."`
	DeviceSeq int64             `json:"device_seq" minimum:"0" doc:"The change-log row's sequence number on the device."`
	HLC       string            `json:"hlc" maxLength:"200" doc:"The device's HLC stamp of the change."`
	Entity    string            `json:"entity" maxLength:"32" doc:"client, project, task, tag or time_entry."`
	EntityID  uuid.UUID         `json:"entity_id" format:"uuid"`
	Op        string            `json:"op" maxLength:"16" doc:"upsert or delete."`
	Row       json.RawMessage   `json:"row,omitempty" doc:"The entity as the API shows it, as it is now on the device; a delete may send none."`
	Fields    map[string]string `json:"fields,omitempty" doc:"The fields of row the change touched, each with the HLC stamp of its last edit: an update writes only these, each under last writer wins by its own stamp. Without it the whole row counts as written at hlc."`
}

// syncPushInput takes the body as bytes: handlePushBody decodes it once (syncpushbody.go),
// where huma would decode it twice, into any to validate it and then into syncPushBody.
// The operation still documents syncPushBody as its body (registerSyncPush).
type syncPushInput struct {
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte
}

// syncPushResult answers a push, one outcome per mutation in the order sent.
type syncPushResult struct {
	Protocol int                   `json:"protocol"`
	Results  []app.MutationOutcome `json:"results" nullable:"false"`
}

type syncPushOutput struct {
	Body syncPushResult
}

// syncProtocolProblem is the 409 of a request in a protocol version this server does not
// speak: a problem with both versions, so the device can tell its user to update.
type syncProtocolProblem struct {
	Type           string           `json:"type" doc:"sync-protocol for a protocol mismatch; a URI reference otherwise."`
	Title          string           `json:"title"`
	Status         int              `json:"status"`
	Detail         string           `json:"detail,omitempty"`
	RequestID      string           `json:"request_id,omitempty"`
	Errors         []app.FieldError `json:"errors" nullable:"false"`
	ClientProtocol int              `json:"client_protocol,omitempty" doc:"The version the request used."`
	ServerProtocol int              `json:"server_protocol,omitempty" doc:"The version this server speaks."`
}

func (p *syncProtocolProblem) Error() string             { return p.Detail }
func (p *syncProtocolProblem) GetStatus() int            { return p.Status }
func (p *syncProtocolProblem) ContentType(string) string { return problemContentType }

func newSyncProtocolProblem(ctx context.Context, e *app.ProtocolError) *syncProtocolProblem {
	return &syncProtocolProblem{Type: "sync-protocol", Title: http.StatusText(http.StatusConflict), Status: http.StatusConflict,
		Detail: "this server speaks sync protocol " + strconv.Itoa(e.Server) + " and the request used " + strconv.Itoa(e.Client) +
			"; update the app or the server", RequestID: requestID(ctx), Errors: []app.FieldError{},
		ClientProtocol: e.Client, ServerProtocol: e.Server}
}

// documentSyncProtocol gives a sync operation its 409, a problem of its own (huma would
// document the plain one for every error code).
func (s *Server) documentSyncProtocol(op *huma.Operation) {
	op.Errors = slices.DeleteFunc(op.Errors, func(code int) bool { return code == http.StatusConflict })
	schema := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[syncProtocolProblem](), true, "SyncProtocolProblem")
	op.Responses = map[string]*huma.Response{strconv.Itoa(http.StatusConflict): {
		Description: "The request's protocol version is not this server's, or the request conflicts with the current state.",
		Content:     map[string]*huma.MediaType{problemContentType: {Schema: schema}},
	}}
}

func (s *Server) registerSyncPush() {
	op := s.operation(http.MethodPost, "/v1/sync/push", "sync-push", "sync",
		"Push a device's changes: each applied once, or rejected with a reason")
	op.DefaultStatus = http.StatusOK
	op.Description = "Applies the batch in one transaction as the caller, with the API's permissions and validation. " +
		"Each mutation is answered applied (with the row) or rejected (not_found, forbidden, invalid, conflict); " +
		"a rejection does not stop the batch, a failure keeps none of it. A mutation pushed again is answered " +
		"from the first outcome (replayed) and not applied twice."
	s.documentSyncProtocol(&op)
	// The body is documented as huma documents a Body field of syncPushBody, and checked in
	// the handler (pushBodies.decode) as huma would check it, with the same answers.
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[syncPushBody](), true, "SyncPushBody")}}}
	op.SkipValidateBody = true
	op.BodyReadTimeout = 5 * time.Second // huma's default for a Body field
	bodies := &pushBodies{api: s.api, types: new(jsonTypes)}
	huma.Register(s.api, op, func(ctx context.Context, in *syncPushInput) (*syncPushOutput, error) {
		body, err := bodies.decode(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		b := app.PushBatch{Protocol: body.Protocol, DeviceID: body.DeviceID, Mutations: make([]app.Mutation, len(body.Mutations))}
		for i, m := range body.Mutations {
			b.Mutations[i] = app.Mutation{ID: m.ID, DeviceSeq: m.DeviceSeq, HLC: m.HLC, Entity: m.Entity, EntityID: m.EntityID,
				Op: app.ChangeOp(m.Op), Row: m.Row, Fields: m.Fields}
		}
		out, err := s.svc.Push(ctx, a, b)
		var pe *app.ProtocolError
		if errors.As(err, &pe) {
			return nil, newSyncProtocolProblem(ctx, pe)
		}
		if err != nil {
			return nil, err
		}
		return &syncPushOutput{Body: syncPushResult{Protocol: app.SyncProtocol, Results: out}}, nil
	})
	// A RawBody field makes huma list application/octet-stream as well; the body is JSON.
	post := s.api.OpenAPI().Paths[op.Path].Post
	delete(post.RequestBody.Content, "application/octet-stream")
	bodies.schema = post.RequestBody.Content["application/json"].Schema
}
