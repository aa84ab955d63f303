package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// routeMethods are the methods a route can be registered for, in the order Allow lists them.
func routeMethods() []string {
	return []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
}

// allowedMethods lists the methods path answers to: its routes' methods, HEAD wherever GET
// is served, and OPTIONS. It is empty when no route has that path.
func (s *Server) allowedMethods(path string) []string {
	var out []string
	for _, m := range routeMethods() {
		if !s.router.Match(chi.NewRouteContext(), m, path) {
			continue
		}
		out = append(out, m)
		if m == http.MethodGet {
			out = append(out, http.MethodHead)
		}
	}
	if len(out) > 0 {
		out = append(out, http.MethodOptions)
	}
	return out
}

// methodNotAllowed answers a method the path has no route for. OPTIONS is answered here for
// every path, since no route registers it: 204 with Allow. Anything else is a 405 problem
// with Allow (RFC 9110 §15.5.6).
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := s.allowedMethods(routePath(r))
	w.Header().Set("Allow", strings.Join(allow, ", "))
	if r.Method == http.MethodOptions {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, "this method is not allowed here; see the Allow header"))
}

// getHead routes a HEAD request to the GET route of its path where the path has no HEAD
// route (none has); net/http then drops the body. It does what chi's middleware.GetHead
// does, written out because chi's middleware package links net/http/pprof and expvar into
// the binary (its Profiler), which a desktop app pays for in resident code.
func getHead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			rctx := chi.RouteContext(r.Context())
			path := rctx.RoutePath
			if path == "" {
				path = routePath(r)
			}
			if !rctx.Routes.Match(chi.NewRouteContext(), http.MethodHead, path) {
				rctx.RouteMethod = http.MethodGet
				rctx.RoutePath = path
			}
		}
		next.ServeHTTP(w, r)
	})
}

// routePath is the path chi routes r by.
func routePath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}

// Header limits. Go's server answers a request whose header exceeds http.Server's
// MaxHeaderBytes itself, with a plain-text 431 before any handler runs; so that limit is set
// high (hardMaxHeaderBytes) and the API's own, lower limit is enforced by limitHeaders,
// which can answer with a problem.
const (
	maxHeaderBytes     = 64 << 10
	hardMaxHeaderBytes = 1 << 20
)

// limitHeaders refuses requests whose request line and header fields together exceed
// maxHeaderBytes with a 431 problem.
func (s *Server) limitHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if headerSize(r) > maxHeaderBytes {
			w.Header().Set("Connection", "close")
			writeProblem(w, r, newProblem(http.StatusRequestHeaderFieldsTooLarge,
				"the request header is larger than "+strconv.Itoa(maxHeaderBytes>>10)+" KiB"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// headerSize approximates the size of r's request line and header on the wire, counting
// the way MaxHeaderBytes does: names, values and separators.
func headerSize(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len(r.Host) + len("Host: \r\n")
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// joinIfMatch folds repeated If-Match fields into one list (RFC 9110 §5.3), since handlers
// read the header as a single value.
func joinIfMatch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if vs := r.Header.Values("If-Match"); len(vs) > 1 {
			r.Header.Set("If-Match", strings.Join(vs, ", "))
		}
		next.ServeHTTP(w, r)
	})
}
