package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// syncPullBody asks for the next page of a pull.
type syncPullBody struct {
	Protocol int   `json:"protocol" minimum:"1" doc:"The sync protocol version the client speaks; another than the server's is a 409."`
	Cursor   int64 `json:"cursor" minimum:"0" doc:"The cursor of the previous page; 0 for a first pull."`
	Limit    int   `json:"limit,omitempty" minimum:"1" maximum:"5000" doc:"Rows per page; default 500."`
	Wait     int   `json:"wait,omitempty" minimum:"0" maximum:"30" doc:"Seconds to hold the request while nothing after the cursor is visible: it is answered as soon as a change you may see commits, or with an empty page when the wait ends. Default 0: answer at once."`
	Resync   bool  `json:"resync,omitempty" doc:"Set on the pulls of a resync from cursor 0 after a reset: such a pull is not reset again, though its cursor is below what was purged."`
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
		app.SyncRate:         reflect.TypeFor[app.Rate](),
		app.SyncBudget:       reflect.TypeFor[app.Budget](),
		app.SyncActivitySlot: reflect.TypeFor[app.SyncedSlot](),
		app.SyncInvoice:      reflect.TypeFor[app.Invoice](),
		app.SyncInvoiceEntry: reflect.TypeFor[app.InvoiceMark](),
		app.SyncScreenshot:   reflect.TypeFor[app.SyncedShot](),
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
	Reset  bool      `json:"reset,omitempty" doc:"The cursor is older than what the server keeps (tombstones were purged past it): this page has no rows; pull everything again from cursor 0, keeping your pending changes, and drop the rows the new pull does not bring."`
}

type syncPullOutput struct {
	Body syncPullPage
}

// AppendJSON writes the page as encoding/json would (appendingMarshal): a first sync of a
// large team sends a hundred thousand entries, and reflection over each of them was a
// good part of the server's work. Entries append themselves (app.SyncRow.AppendJSON); the
// few rows of other kinds are encoded by encoding/json one by one.
func (p syncPullPage) AppendJSON(b []byte) ([]byte, bool) {
	out := append(b, `{"rows":`...)
	if p.Rows == nil {
		out = append(out, "null"...)
	} else {
		out = append(out, '[')
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i, r := range p.Rows {
			if i > 0 {
				out = append(out, ',')
			}
			// The row's HLC is its value's (registerSync), which the appender writes.
			var ok bool
			if out, ok = (app.SyncRow{Kind: r.Kind, ID: r.ID, Version: r.Version, Row: r.Row}).AppendJSON(out); ok {
				continue
			}
			buf.Reset()
			if err := enc.Encode(r); err != nil {
				return b, false
			}
			out = append(out, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
		out = append(out, ']')
	}
	out = append(out, `,"cursor":`...)
	out = strconv.AppendInt(out, p.Cursor, 10)
	out = append(out, `,"head":`...)
	out = strconv.AppendInt(out, p.Head, 10)
	out = append(out, `,"more":`...)
	out = strconv.AppendBool(out, p.More)
	if p.Reset {
		out = append(out, `,"reset":true`...)
	}
	return append(out, '}'), true
}

func (s *Server) registerSync() {
	op := s.operation(http.MethodPost, "/v1/sync/pull", "sync-pull", "sync",
		"Pull the rows changed after a cursor that you may see, in server version order")
	op.DefaultStatus = http.StatusOK
	s.documentSyncProtocol(&op)
	// A pull is a read sent as POST: an Idempotency-Key is not recorded for it (a replay would
	// hand back an old page), so the operation does not offer one.
	op.Parameters = slices.DeleteFunc(op.Parameters, func(p *huma.Param) bool { return p.Name == idempotencyHeader })
	huma.Register(s.api, op, func(ctx context.Context, in *syncPullInput) (*syncPullOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		pin := app.SyncPullInput{Protocol: b.Protocol, Cursor: b.Cursor, Limit: b.Limit, Resync: b.Resync}
		p, err := s.svc.PullSync(ctx, a, pin)
		if err != nil && ctx.Err() != nil {
			// The client went away during the read (as during a wait, below): nobody reads
			// the answer, and its going is no error.
			return &syncPullOutput{Body: syncPullPage{Rows: []syncRow{}, Cursor: b.Cursor}}, nil
		}
		if err == nil && len(p.Rows) == 0 && !p.Reset && b.Wait > 0 {
			p, err = s.waitForSync(ctx, a, pin, p, time.Duration(b.Wait)*time.Second)
		}
		var pe *app.ProtocolError
		if errors.As(err, &pe) {
			return nil, newSyncProtocolProblem(ctx, pe)
		}
		if err != nil {
			return nil, err
		}
		out := syncPullPage{Rows: make([]syncRow, len(p.Rows)), Cursor: p.Cursor, Head: p.Head, More: p.More, Reset: p.Reset}
		for i, r := range p.Rows {
			out.Rows[i] = syncRow{Kind: r.Kind, ID: r.ID, Version: r.Version, HLC: r.HLC(), Row: r.Row}
		}
		return &syncPullOutput{Body: out}, nil
	})
}

// syncRecheckEvery is how often a waiting pull re-reads its tenant's head, to see writes
// through other server instances on the same database, which this process's notifier does
// not hear of. Writes through this process wake the waiter at once.
const syncRecheckEvery = 500 * time.Millisecond

// waitForSync holds a pull whose page came back empty (page) until a change the actor may
// see commits, then answers its page, or until wait ends, then answers an empty page. It
// holds no store transaction while waiting: each store call gets its own StoreTimeout, so
// the request's store bound does not cut the wait. A write through this process wakes it
// at once (Service.SyncChanges); one through another instance is found by re-reading the
// tenant's head every syncRecheckEvery. A change the actor may not see (another member's
// entry) wakes it too; the re-pull then comes back empty, its cursor passes the change, and
// the wait goes on. The client going away or the server shutting down ends the wait; an
// idle waiter holds one goroutine (the request's) and two timers.
func (s *Server) waitForSync(ctx context.Context, a app.Actor, in app.SyncPullInput, page app.SyncPage, wait time.Duration) (app.SyncPage, error) {
	stopping := stoppingOf(ctx)
	ctx, cancel := unboundedContext(ctx)
	defer cancel()
	end := time.NewTimer(wait)
	defer end.Stop()
	recheck := time.NewTimer(syncRecheckEvery)
	defer recheck.Stop()
	for {
		in.Cursor = page.Cursor
		changed, release := s.svc.SyncChanges(a)
		head, err := s.syncHead(ctx, a, in.Cursor)
		if err != nil {
			release()
			return page, goneOr(ctx, err)
		}
		if head > in.Cursor {
			release()
			next, err := s.boundedPull(ctx, a, in)
			if err != nil {
				return page, goneOr(ctx, err)
			}
			if len(next.Rows) > 0 {
				return next, nil
			}
			page = next
			continue
		}
		recheck.Reset(syncRecheckEvery)
		select {
		case <-changed:
		case <-recheck.C:
		case <-end.C:
			release()
			return page, nil
		case <-stopping:
			release()
			return page, nil
		case <-ctx.Done():
			// The client went away: nobody reads the answer, and its going is no error.
			release()
			return page, nil
		}
		release()
	}
}

// goneOr returns err unless the client went away, which makes a store call fail too.
func goneOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// syncHead reads the tenant's newest version within one store bound.
func (s *Server) syncHead(ctx context.Context, a app.Actor, after int64) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
	defer cancel()
	head, err := s.svc.LatestChange(ctx, a, after)
	if err != nil {
		return 0, fmt.Errorf("sync wait: head: %w", err)
	}
	return head, nil
}

// boundedPull reads one page within one store bound.
func (s *Server) boundedPull(ctx context.Context, a app.Actor, in app.SyncPullInput) (app.SyncPage, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
	defer cancel()
	return s.svc.PullSync(ctx, a, in)
}

// stoppingKey carries, in a request's context, the channel its HTTP server closes when it
// shuts down: waiting sync pulls then answer their empty page at once, so the shutdown
// does not wait for them.
type stoppingKey struct{}

func withStopping(ctx context.Context, stopping <-chan struct{}) context.Context {
	return context.WithValue(ctx, stoppingKey{}, stopping)
}

// stoppingOf returns ctx's shutdown channel; nil (never ready) outside a served request,
// as under httptest.
func stoppingOf(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(stoppingKey{}).(<-chan struct{})
	return ch
}
