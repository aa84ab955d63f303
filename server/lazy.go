package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/stinthq/stint/app"
)

// Lazy is the API of a process that serves it on the side, as the desktop app does for the
// CLI and scripts on the same machine. It listens at once, so a client finds it as soon as
// the process runs, but builds the Server (the router, every operation's schemas and the
// OpenAPI document: a megabyte and more of heap held for the life of the process) on the
// first request. A desktop user who never scripts never pays for it.
type Lazy struct {
	shell  *Server // the listener's settings (timeouts, logger, metrics); no routes
	server func() *Server
	built  atomic.Bool
}

// NewLazy is New, deferred to the first request the returned Lazy serves.
func NewLazy(svc *app.Service, cfg Config) *Lazy {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Lazy{shell: &Server{cfg: cfg, log: cfg.Logger}}
	l.server = sync.OnceValue(func() *Server {
		s := New(svc, cfg)
		l.built.Store(true)
		return s
	})
	return l
}

// Built reports whether a request has built the Server yet.
func (l *Lazy) Built() bool { return l.built.Load() }

// ServeHTTP builds the Server on the first call (later calls wait for it) and hands every
// request to its router.
func (l *Lazy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.server().Handler().ServeHTTP(w, r)
}

// ListenAndServe listens on cfg.Addr at once and serves until ctx is cancelled, as
// Server.ListenAndServe does.
func (l *Lazy) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", l.shell.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", l.shell.cfg.Addr, err)
	}
	return l.Serve(ctx, ln)
}

// Serve is ListenAndServe on an existing listener.
func (l *Lazy) Serve(ctx context.Context, ln net.Listener) error { return l.shell.serve(ctx, ln, l) }
