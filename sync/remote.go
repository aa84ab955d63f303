// Package sync is the device side of the sync protocol over HTTP (docs/sync.md): it speaks
// to a team server's /v1/sync endpoints and login for the client engine, whose rules live in
// app (Service.SyncRound). Imported as stintsync where it meets the standard library's sync.
package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// requestTimeout bounds one request: a server that does not answer counts as unreachable.
const requestTimeout = 60 * time.Second

// maxResponse bounds a response body the client reads.
const maxResponse = 64 << 20

// Remote is a team server reached over HTTP(S) with a session token. It implements
// app.SyncRemote.
type Remote struct {
	base   string
	token  string
	client *http.Client
	// pullCap is the most rows a page may hold on this server, once it has refused a
	// larger page (a server from before pages of app.MaxSyncPullLimit); 0 until then.
	// Pages may be fetched ahead while the last is applied, hence atomic.
	pullCap atomic.Int64
}

// legacyPullLimit is the most rows a page could hold before app.MaxSyncPullLimit grew to
// 5,000: a server that refuses a larger limit is asked for this many from then on.
const legacyPullLimit = 1000

// NewRemote returns the server at baseURL (scheme and host, optionally a path prefix) used
// with token. client nil means a client with a per-request timeout.
func NewRemote(baseURL, token string, client *http.Client) (*Remote, error) {
	base, err := NormalizeURL(baseURL)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: requestTimeout}
	}
	return &Remote{base: base, token: token, client: client}, nil
}

// NormalizeURL checks a server address and drops a trailing slash. Plain http is accepted
// (a server on the local network or loopback); the token then crosses the network in clear,
// which the CLI warns about.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not a server address; give one like https://stint.example.com", raw)
	}
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimRight(u.String(), "/"), nil
}

// Push sends one batch to POST /v1/sync/push.
func (r *Remote) Push(ctx context.Context, b app.PushBatch) ([]app.MutationOutcome, error) {
	body := struct {
		Protocol  int            `json:"protocol"`
		DeviceID  string         `json:"device_id,omitempty"`
		Mutations []app.Mutation `json:"mutations"`
	}{b.Protocol, b.DeviceID, b.Mutations}
	var out struct {
		Results []app.MutationOutcome `json:"results"`
	}
	if err := r.post(ctx, "/v1/sync/push", body, &out); err != nil {
		return nil, err
	}
	return out.Results, nil
}

// Pull reads one page from POST /v1/sync/pull. A server that refuses the page size asked
// for (one from before pages of app.MaxSyncPullLimit rows) is asked again, then and from
// then on, for legacyPullLimit rows.
func (r *Remote) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if c := int(r.pullCap.Load()); c > 0 && in.Limit > c {
		in.Limit = c
	}
	page, err := r.pull(ctx, in)
	if errors.Is(err, errLimitRefused) && in.Limit > legacyPullLimit {
		// A server from before larger pages: its schema caps the limit at 1,000.
		r.pullCap.Store(legacyPullLimit)
		in.Limit = legacyPullLimit
		return r.pull(ctx, in)
	}
	return page, err
}

// pull is one POST /v1/sync/pull.
func (r *Remote) pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	body := struct {
		Protocol int   `json:"protocol"`
		Cursor   int64 `json:"cursor"`
		Limit    int   `json:"limit,omitempty"`
		Wait     int   `json:"wait,omitempty"`
		Resync   bool  `json:"resync,omitempty"`
	}{in.Protocol, in.Cursor, in.Limit, int(min(in.Wait, app.MaxSyncWait) / time.Second), in.Resync}
	var out app.RemotePage
	err := r.post(ctx, "/v1/sync/pull", body, &out)
	return out, err
}

// decode is json.Unmarshal. A value that decodes itself (a pulled page, app/syncdecode.go)
// is handed the body once encoding/json has checked it, which spares encoding/json's second
// pass over it (finding where the value ends) before it calls the value's decoder.
func decode(data []byte, out any) error {
	if u, ok := out.(json.Unmarshaler); ok && json.Valid(data) {
		return u.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, out)
}

// Login signs in with e-mail and password (POST /v1/auth/login); tenant uuid.Nil lets the
// server pick the address's first account.
func Login(ctx context.Context, client *http.Client, baseURL, email, password string, tenant uuid.UUID) (app.Session, error) {
	r, err := NewRemote(baseURL, "", client)
	if err != nil {
		return app.Session{}, err
	}
	body := map[string]string{"email": email, "password": password}
	if tenant != uuid.Nil {
		body["tenant_id"] = tenant.String()
	}
	var sess app.Session
	err = r.post(ctx, "/v1/auth/login", body, &sess)
	return sess, err
}

// problem is the part of an RFC 9457 answer the client shows.
type problem struct {
	Title          string         `json:"title"`
	Detail         string         `json:"detail"`
	Type           string         `json:"type"`
	ClientProtocol int            `json:"client_protocol"`
	ServerProtocol int            `json:"server_protocol"`
	Errors         []problemField `json:"errors"`
}

// problemField names a field of the request a problem refuses.
type problemField struct {
	Field string `json:"field"`
}

// errLimitRefused marks a 422 answer that names the request's limit as invalid: Pull asks
// again with fewer rows.
var errLimitRefused = errors.New("the server refused the page size")

// post sends body as JSON and decodes a 2xx answer into out; other answers become errors
// that wrap the app sentinel they mean.
func (r *Remote) post(ctx context.Context, path string, body, out any) error {
	return r.send(ctx, http.MethodPost, path, uuid.Nil, body, out)
}

// unwrapURLError drops the url.Error's method and address, which the caller says already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusError turns a non-2xx answer into an error wrapping the matching app sentinel.
func statusError(status int, data []byte) error {
	var p problem
	_ = json.Unmarshal(data, &p)
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if p.Type == "sync-protocol" {
		return fmt.Errorf("server: %s: %w", msg, &app.ProtocolError{Client: p.ClientProtocol, Server: p.ServerProtocol})
	}
	if status == http.StatusUnprocessableEntity && slices.Contains(p.Errors, problemField{Field: "limit"}) {
		return &wireError{msg: fmt.Sprintf("server answered %d: %s", status, msg), is: []error{errLimitRefused}}
	}
	var sentinel error
	switch status {
	case http.StatusRequestEntityTooLarge:
		sentinel = app.ErrBatchTooLarge
	case http.StatusServiceUnavailable:
		// The server's unit deadline refuses a batch it cannot finish in time, and a server
		// that is briefly down answers the same: a push halves its batch, a pull gives up.
		return &wireError{msg: fmt.Sprintf("server answered %d: %s", status, msg), is: []error{app.ErrBatchTooLarge, app.ErrUnavailable}}
	case http.StatusUnauthorized:
		sentinel = app.ErrUnauthorized
	case http.StatusForbidden:
		sentinel = app.ErrForbidden
	case http.StatusNotFound:
		sentinel = app.ErrNotFound
	case http.StatusConflict:
		sentinel = app.ErrConflict
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		sentinel = app.ErrUnavailable
	default:
		return fmt.Errorf("server answered %d: %s", status, msg)
	}
	return fmt.Errorf("server answered %d: %s: %w", status, msg, sentinel)
}

// wireError is a failed exchange: one line for people, and the app sentinels it counts as.
type wireError struct {
	msg string
	is  []error
}

func (e *wireError) Error() string { return e.msg }

// Is matches each sentinel the error counts as.
func (e *wireError) Is(target error) bool {
	for _, s := range e.is {
		if s == target {
			return true
		}
	}
	return false
}

// Dial is the remote for a team server's URL and a session token, with the default HTTP
// client: what a SyncWorker dials (app.SyncWorkerOptions.Dial).
func Dial(baseURL, token string) (app.SyncRemote, error) {
	return NewRemote(baseURL, token, nil)
}
