package server

import (
	"net/http"
	"strings"
)

// CORS headers the API allows and exposes to pages of the configured origins.
const (
	corsAllowHeaders  = "Authorization, Content-Type, If-Match, Idempotency-Key, X-Org-Id, X-Request-Id"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-Id"
	corsMaxAge        = "600"
)

// cors lets pages served from the configured origins (Live.CORSOrigins) call the API: a
// request whose Origin is one of them gets Access-Control-Allow-Origin naming that origin,
// and its preflight is answered here, before authentication (a browser sends no token with
// a preflight). Any other origin gets no CORS headers, so the browser keeps the page out;
// with no origins configured, nothing changes. The API authenticates with a bearer header,
// never cookies, so it never sends Access-Control-Allow-Credentials, and never "*".
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origins := s.live.Load().origins
		if len(origins) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !origins[strings.ToLower(origin)] {
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			next.ServeHTTP(w, r)
			return
		}
		allow := s.allowedMethods(routePath(r))
		if len(allow) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		h.Set("Access-Control-Allow-Methods", strings.Join(allow, ", "))
		h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		h.Set("Access-Control-Max-Age", corsMaxAge)
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusNoContent)
	})
}
