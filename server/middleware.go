package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// requestInfo is what the middleware chain learns about a request. It lives in the request
// context as a pointer so the access log, which runs first, sees what authentication found.
type requestInfo struct {
	id     string
	log    *slog.Logger
	actor  app.Actor
	authed bool
}

type ctxKey int

const infoKey ctxKey = 0

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(infoKey).(*requestInfo)
	return ri
}

// requestID returns the request's id, or "" outside the middleware chain.
func requestID(ctx context.Context) string {
	if ri := infoFrom(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// loggerFrom returns the server's logger, or a discarding one outside the chain.
func loggerFrom(ctx context.Context) *slog.Logger {
	if ri := infoFrom(ctx); ri != nil && ri.log != nil {
		return ri.log
	}
	return slog.New(slog.DiscardHandler)
}

// actorFrom returns the authenticated actor. Handlers behind authentication always have
// one; anything else is refused rather than served anonymously.
func actorFrom(ctx context.Context) (app.Actor, error) {
	if ri := infoFrom(ctx); ri != nil && ri.authed {
		return ri.actor, nil
	}
	return app.Actor{}, fmt.Errorf("no authenticated actor in context: %w", app.ErrUnauthorized)
}

// requestIDHeader names the request id header, read from clients and always sent back.
const requestIDHeader = "X-Request-Id"

// withRequestID gives every request an id: the client's X-Request-Id when it is a short
// token, a fresh one otherwise. It is echoed in the response and in every problem.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		h := w.Header()
		h.Set(requestIDHeader, id)
		h.Set("X-Content-Type-Options", "nosniff")
		ri := &requestInfo{id: id, log: s.log}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), infoKey, ri)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter records the status and size of a response for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (huma sets read deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request. It logs the path but never the query, headers or
// bodies, so tokens, passwords and personal data stay out of the log.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote_ip", s.clientIP(r)),
		}
		if ri := infoFrom(r.Context()); ri != nil && ri.authed {
			attrs = append(attrs, slog.String("user_id", ri.actor.UserID.String()),
				slog.String("org_id", ri.actor.OrgID.String()))
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request", attrs...)
	})
}

// recoverPanics turns a panicking handler into a 500 problem and logs the stack once.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "handler panic",
				slog.String("request_id", requestID(r.Context())),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			// Logged above with the stack; a problem without a cause is not logged again.
			writeProblem(w, r, newProblem(http.StatusInternalServerError, "internal error"))
		}()
		next.ServeHTTP(w, r)
	})
}

// checkHost rejects requests whose Host header names a host this server does not serve.
// A page on another site that rebinds its DNS name to 127.0.0.1 sends its own name in Host,
// so this is what keeps a browser from talking to the local API (DNS rebinding).
func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			writeProblem(w, r, newProblem(http.StatusMisdirectedRequest,
				"this server does not answer to that Host; add it to the allowed hosts if it is yours"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) hostAllowed(hostport string) bool {
	live := s.live.Load()
	if live.allowAnyHost {
		return true
	}
	if hostport == "" {
		return false
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	switch host {
	case "localhost", "127.0.0.1", "::1": // loopback names are always accepted
		return true
	}
	for _, h := range live.hosts {
		if h == host || h == strings.ToLower(hostport) {
			return true
		}
	}
	return false
}

// limitBody refuses bodies whose declared length is over the limit before reading them.
// huma enforces the same limit on bodies of unknown length as it reads them.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.bodyLimit(r) {
			w.Header().Set("Connection", "close")
			writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "the request body is too large"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isPublic says whether a request is served without a bearer token. Everything else,
// including paths that do not exist, requires one: authentication is deny-by-default, so a
// new route is protected unless it is added here.
func isPublic(r *http.Request) bool {
	switch r.Method {
	case http.MethodHead: // served by the GET route
		return isPublicRoute(http.MethodGet, r.URL.Path)
	case http.MethodOptions: // says which methods a public path allows
		return isPublicRoute(http.MethodGet, r.URL.Path) || isPublicRoute(http.MethodPost, r.URL.Path)
	}
	return isPublicRoute(r.Method, r.URL.Path)
}

func isPublicRoute(method, path string) bool {
	switch method + " " + path {
	case "GET /healthz", "GET /readyz", "GET /v1/openapi.json", "POST /v1/auth/signup", "POST /v1/auth/login",
		acceptInvitationRoute, publishRoute:
		return true
	}
	return false
}

// orgHeader selects the organization a request acts in; the default is the user's first.
const orgHeader = "X-Org-Id"

// wwwAuthenticate is the challenge sent with every 401.
func wwwAuthenticate(errCode string) string {
	if errCode == "" {
		return `Bearer realm="stint"`
	}
	return `Bearer realm="stint", error="` + errCode + `"`
}

// authenticate turns "Authorization: Bearer <token>" (and X-Org-Id) into an app.Actor.
// The tenant always comes from the token, never from the request body; an organization the
// user is not a member of is a 404, so its existence does not leak.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPublic(r) {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", wwwAuthenticate(""))
			writeProblem(w, r, newProblem(http.StatusUnauthorized, "send a token as Authorization: Bearer <token>"))
			return
		}
		var orgID *uuid.UUID
		if v := r.Header.Get(orgHeader); v != "" {
			id, err := uuid.Parse(v)
			if err != nil || len(v) != 36 {
				writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "the request has invalid fields",
					app.FieldError{Field: orgHeader, Message: "must be an organization id (UUID)"}))
				return
			}
			orgID = &id
		}
		a, err := s.svc.Authenticate(r.Context(), token, orgID)
		switch {
		case err == nil:
		case errors.Is(err, app.ErrUnauthorized):
			w.Header().Set("WWW-Authenticate", wwwAuthenticate("invalid_token"))
			writeProblem(w, r, newProblem(http.StatusUnauthorized, "the token is invalid, expired or revoked"))
			return
		default:
			writeError(w, r, err)
			return
		}
		if ri := infoFrom(r.Context()); ri != nil {
			ri.actor, ri.authed = a, true
		}
		// Tenant data is private to its caller: no shared cache may keep it.
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// bearerToken extracts the token of an "Authorization: Bearer <token>" header.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
