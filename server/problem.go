package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// problemContentType is the media type of every error response (RFC 9457).
const problemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document. Every error the API returns, from chi middleware,
// from huma's own request validation or from a handler, has this shape. Detail and Errors
// are written for the client: they never carry request bodies or internal error text.
type Problem struct {
	Type      string           `json:"type" doc:"A URI reference identifying the problem type; about:blank when the status says it all."`
	Title     string           `json:"title" doc:"Short summary of the problem type: the HTTP status text."`
	Status    int              `json:"status" doc:"HTTP status code."`
	Detail    string           `json:"detail,omitempty" doc:"What went wrong with this request."`
	RequestID string           `json:"request_id,omitempty" doc:"The X-Request-Id of the request, to quote when reporting a problem."`
	Errors    []app.FieldError `json:"errors" nullable:"false" doc:"Invalid fields, by JSON field name (or query, path or header parameter name)."`

	// internal is the cause of a 5xx, for the log only.
	internal error
	// headers are sent with the problem, such as the Retry-After of a 429.
	headers http.Header
}

// Error returns the detail; it makes a Problem usable as a huma.StatusError.
func (p *Problem) Error() string { return p.Detail }

// GetStatus returns the HTTP status (huma.StatusError).
func (p *Problem) GetStatus() int { return p.Status }

// GetHeaders returns the headers sent with the problem (huma.HeadersError).
func (p *Problem) GetHeaders() http.Header { return p.headers }

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(string) string { return problemContentType }

// newProblem returns a problem with the standard title for status.
func newProblem(status int, detail string, fields ...app.FieldError) *Problem {
	if fields == nil {
		fields = []app.FieldError{}
	}
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Errors: fields}
}

// internalProblem hides err from the client; it is logged once, where the problem is written.
func internalProblem(err error) *Problem {
	p := newProblem(http.StatusInternalServerError, "internal error")
	p.internal = err
	return p
}

// problemFromError maps an error from the app (or anything else a handler returns) to a
// problem. Unknown errors become a 500 whose cause is kept for the log.
func problemFromError(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		return newProblem(http.StatusUnprocessableEntity, "the request has invalid fields", ve.Fields...)
	}
	var ce *app.ConflictError
	switch {
	case errors.As(err, &ce):
		return newProblem(http.StatusConflict, ce.Message)
	case errors.Is(err, app.ErrNotFound):
		return newProblem(http.StatusNotFound, "no such resource")
	case errors.Is(err, app.ErrPrecondition):
		return newProblem(http.StatusPreconditionFailed, "the resource has changed; fetch it again and retry with its current ETag")
	case errors.Is(err, app.ErrConflict):
		return newProblem(http.StatusConflict, "the request conflicts with the current state")
	case errors.Is(err, app.ErrForbidden):
		return newProblem(http.StatusForbidden, "your role in this organization does not allow this")
	case errors.Is(err, app.ErrUnauthorized):
		return newProblem(http.StatusUnauthorized, "missing, invalid or expired credentials")
	case isUnavailable(err):
		return unavailableProblem(err)
	}
	return internalProblem(err)
}

// humaProblem is huma.NewError: it turns huma's own errors (request validation, body
// parsing, size limits) and errors returned by handlers into problems.
func humaProblem(status int, msg string, errs ...error) huma.StatusError {
	if status >= 500 || status == 0 {
		// A handler's error reaches here as a 500 with the error attached: map app errors
		// to their status, hide everything else.
		for _, err := range errs {
			var d huma.ErrorDetailer
			if err != nil && !errors.As(err, &d) {
				return problemFromError(err)
			}
		}
		if status == 0 {
			return newProblem(http.StatusInternalServerError, "internal error") // the OpenAPI example
		}
		p := newProblem(status, http.StatusText(status))
		if status == http.StatusInternalServerError {
			p = internalProblem(errors.New(msg))
		}
		return p
	}
	if p := strictProblem(errs); p != nil {
		return p
	}
	p := newProblem(status, humaDetail(status, msg))
	for _, err := range errs {
		if err == nil {
			continue
		}
		var d huma.ErrorDetailer
		if !errors.As(err, &d) {
			// Errors without a location (from resolvers or transformers) carry no field.
			continue
		}
		p.Errors = append(p.Errors, fieldError(status, d.ErrorDetail()))
	}
	return p
}

// strictProblem is the 400 for a body strictUnmarshal refused, naming what it found. huma
// reports the refusal as a 400 when it happens while validating, and as a 422 when only the
// decoding into the body's type finds it (a key that matches a field only in another case).
func strictProblem(errs []error) *Problem {
	for _, err := range errs {
		var d huma.ErrorDetailer
		if err == nil || !errors.As(err, &d) {
			continue
		}
		if msg, ok := strings.CutPrefix(d.ErrorDetail().Message, strictPrefix); ok {
			return newProblem(http.StatusBadRequest, strictPrefix+msg, app.FieldError{Field: "body", Message: msg})
		}
	}
	return nil
}

// humaDetail rewrites huma's messages into the API's voice.
func humaDetail(status int, msg string) string {
	switch status {
	case http.StatusBadRequest:
		if msg == "request body is required" {
			return msg
		}
		return "the request body is not valid JSON"
	case http.StatusRequestEntityTooLarge:
		return "the request body is too large"
	case http.StatusUnprocessableEntity:
		return "the request has invalid fields"
	case http.StatusUnsupportedMediaType:
		return "send the request body as application/json"
	}
	return msg
}

var requiredRE = regexp.MustCompile(`^expected required property (.+) to be present$`)

// fieldError turns a huma error detail into a field error named by JSON field (or
// parameter) name. The detail's echoed value is dropped: it may be a secret or personal data.
func fieldError(status int, d *huma.ErrorDetail) app.FieldError {
	field := locationField(d.Location)
	msg := d.Message
	if status == http.StatusBadRequest && field == "body" {
		msg = "must be valid JSON"
	}
	if m := requiredRE.FindStringSubmatch(msg); m != nil {
		field = joinField(field, m[1])
		msg = "is required"
	}
	if msg == "unexpected property" {
		msg = "is not a known field"
	}
	return app.FieldError{Field: field, Message: msg}
}

// locationField strips huma's location prefix: "body.email" → "email",
// "query.limit" → "limit", "header.If-Match" → "If-Match". A bare "body" stays "body".
func locationField(loc string) string {
	prefix, rest, ok := strings.Cut(loc, ".")
	if !ok {
		return loc
	}
	switch prefix {
	case "body", "query", "path", "header", "cookie":
		return rest
	}
	return loc
}

// joinField appends a property name to a parent field ("" and "body" mean the top level).
func joinField(parent, name string) string {
	if parent == "" || parent == "body" {
		return name
	}
	return parent + "." + name
}

// transformProblem completes every problem huma writes, whether huma made it or a handler
// returned it: the request id, the challenge of a 401, and one log line for a server error.
func transformProblem(hctx huma.Context, _ string, v any) (any, error) {
	p, ok := v.(*Problem)
	if !ok {
		return v, nil
	}
	ctx := hctx.Context()
	p = clientGone(ctx, p)
	p.RequestID = requestID(ctx)
	if p.Status == http.StatusUnauthorized {
		hctx.SetHeader("WWW-Authenticate", wwwAuthenticate(""))
	}
	hctx.SetHeader("Cache-Control", "no-store")
	// Headers of a problem that huma made from a handler's plain error (a 503's Retry-After).
	for k, v := range p.headers {
		hctx.SetHeader(k, v[0])
	}
	logProblem(ctx, p)
	return p, nil
}

// statusClientClosed is the status recorded for a request whose client went away before
// its answer (nginx's 499): nobody reads it, but the access log and the metrics must not
// count it as a server error.
const statusClientClosed = 499

// clientGone turns a server error caused by the request's own cancellation (the client
// closed the connection while a store call ran) into a 499 that is logged as information,
// not as a failure: a client giving up on a long-poll or a slow list is not the server's
// fault. An error with the request still live stays what it is.
func clientGone(ctx context.Context, p *Problem) *Problem {
	if p.Status < 500 || p.internal == nil || !errors.Is(ctx.Err(), context.Canceled) ||
		!errors.Is(p.internal, context.Canceled) {
		return p
	}
	loggerFrom(ctx).LogAttrs(ctx, slog.LevelInfo, "client went away", slog.String("request_id", requestID(ctx)),
		slog.String("err", p.internal.Error()))
	q := newProblem(statusClientClosed, "the client closed the request")
	q.Title = "Client Closed Request"
	return q
}

// logProblem logs a server error with its cause and the request id. Problems without a
// cause (client errors, panics already logged with their stack) are not logged here: the
// access log has their status.
func logProblem(ctx context.Context, p *Problem) {
	if p.internal == nil {
		return
	}
	loggerFrom(ctx).LogAttrs(ctx, slog.LevelError, "request failed", slog.String("request_id", p.RequestID),
		slog.Int("status", p.Status), slog.String("err", p.internal.Error()))
}

// writeProblem writes p as the response, for chi middleware and plain handlers.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	p = clientGone(r.Context(), p)
	p.RequestID = requestID(r.Context())
	logProblem(r.Context(), p)
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500,"errors":[]}`)
	}
	h := w.Header()
	for k, v := range p.headers {
		h[k] = v
	}
	h.Set("Content-Type", problemContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}

// writeError maps err to a problem and writes it.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFromError(err)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate(""))
	}
	writeProblem(w, r, p)
}

// init installs the problem constructor as huma's error constructor. huma exposes it only
// as a package variable, so this is the one package-level mutation the server makes; it is
// done once, before any operation is registered. (huma.NewErrorWithContext calls it.)
func init() {
	huma.NewError = humaProblem
}
