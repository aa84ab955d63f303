package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestMethods checks the method semantics of RFC 9110: 405 and OPTIONS name the allowed
// methods, and HEAD is served wherever GET is, public routes included.
func TestMethods(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	const (
		collection = "GET, HEAD, POST, OPTIONS"
		row        = "GET, HEAD, PATCH, DELETE, OPTIONS"
	)
	e.run(t, tn, []scenario{
		{name: "405 names the allowed methods", method: "POST", path: "/v1/me", as: "member", status: http.StatusMethodNotAllowed,
			header: map[string]string{"Allow": "GET, HEAD, PATCH, OPTIONS"}},
		{name: "405 on a row", method: "PUT", path: "/v1/projects/0190a0a0-0000-7000-8000-000000000000", as: "member",
			status: http.StatusMethodNotAllowed, header: map[string]string{"Allow": row}},
		{name: "405 on a collection", method: "DELETE", path: "/v1/projects", as: "member", status: http.StatusMethodNotAllowed,
			header: map[string]string{"Allow": collection}},
		{name: "OPTIONS on a collection", method: "OPTIONS", path: "/v1/projects", as: "member", status: http.StatusNoContent,
			header: map[string]string{"Allow": collection}},
		{name: "OPTIONS on a public route", method: "OPTIONS", path: "/healthz", status: http.StatusNoContent,
			header: map[string]string{"Allow": "GET, HEAD, OPTIONS"}},
		{name: "OPTIONS on login", method: "OPTIONS", path: "/v1/auth/login", status: http.StatusNoContent,
			header: map[string]string{"Allow": "POST, OPTIONS"}},
		{name: "OPTIONS on a private route needs a token", method: "OPTIONS", path: "/v1/projects", status: http.StatusUnauthorized},
		{name: "OPTIONS on an unknown path", method: "OPTIONS", path: "/v1/nope", as: "member", status: http.StatusNotFound,
			header: map[string]string{"Allow": ""}},
		{name: "HEAD healthz", method: "HEAD", path: "/healthz", status: http.StatusOK},
		{name: "HEAD readyz", method: "HEAD", path: "/readyz", status: http.StatusOK},
		{name: "HEAD openapi", method: "HEAD", path: "/v1/openapi.json", status: http.StatusOK,
			header: map[string]string{"Content-Type": "application/openapi+json"}},
		{name: "HEAD me", method: "HEAD", path: "/v1/me", as: "member", status: http.StatusOK,
			header: map[string]string{"Content-Type": "application/json"}},
		{name: "HEAD a list", method: "HEAD", path: "/v1/projects", as: "member", status: http.StatusOK},
		{name: "HEAD needs a token where GET does", method: "HEAD", path: "/v1/me", status: http.StatusUnauthorized},
		{name: "HEAD where there is no GET", method: "HEAD", path: "/v1/auth/login", status: http.StatusUnauthorized},
		{name: "HEAD where there is no GET, signed in", method: "HEAD", path: "/v1/timer/start", as: "member",
			status: http.StatusMethodNotAllowed, header: map[string]string{"Allow": "POST, OPTIONS"}},
	})
}

// TestHeaderLimit checks that an oversized request header is refused with a 431 problem by
// the API, not with the plain-text answer of Go's server.
func TestHeaderLimit(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("a", maxHeaderBytes)
	res := e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"X-Padding": big}})
	if res.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431: %s", res.status, res.body)
	}
	// Just under the limit is served.
	res = e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"X-Padding": big[:maxHeaderBytes-1024]}})
	if res.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", res.status, res.body)
	}
}

// TestBodyLimitOnAnyMethod checks the body limit applies before routing, to a GET as well,
// as the document says (413 on every operation).
func TestBodyLimitOnAnyMethod(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, MaxBodyBytes: 16})
	res := e.do(t, req{method: "GET", path: "/healthz", body: strings.Repeat("x", 17)})
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %s", res.status, res.body)
	}
}

// TestEveryRouteAnswersHeadAndOptions walks every route: OPTIONS lists the route's method in
// Allow, and HEAD on a GET route answers what GET answers, without a body.
func TestEveryRouteAnswersHeadAndOptions(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.seedInvoice(t, tn)
	ids := map[string]string{"/v1/clients/": "$client", "/v1/projects/": "$project", "/v1/tasks/": "$task", "/v1/tags/": "$tag",
		"/v1/time-entries/": "$entry", "/v1/tokens/": "$token_id", "/v1/organizations/": "$org", "/v1/members/": "$member_id", "/v1/rates/": "$rate", "/v1/invoices/": "$invoice_id"}
	for _, rt := range e.srv.Routes() {
		path := rt.Pattern
		for prefix, id := range ids {
			// The row's id fills the parameter after the prefix; a path under the row (a
			// project's budget) keeps its tail.
			if rest, ok := strings.CutPrefix(path, prefix); ok && strings.HasPrefix(rest, "{") {
				_, tail, _ := strings.Cut(rest, "}")
				path = prefix + tn.expand(id) + tail
			}
		}
		token := tn.token("owner")
		opt := e.do(t, req{method: "OPTIONS", path: path, token: token})
		if opt.status != http.StatusNoContent || !slices.Contains(strings.Split(opt.header.Get("Allow"), ", "), rt.Method) {
			t.Errorf("OPTIONS %s: %d, Allow %q, want 204 naming %s", path, opt.status, opt.header.Get("Allow"), rt.Method)
		}
		if rt.Method != http.MethodGet {
			continue
		}
		get := e.do(t, req{method: "GET", path: path, token: token})
		head := e.do(t, req{method: "HEAD", path: path, token: token})
		if head.status != get.status || len(head.body) != 0 || head.header.Get("Content-Type") != get.header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q with %d bytes; GET: %d %q", path, head.status, head.header.Get("Content-Type"), len(head.body),
				get.status, get.header.Get("Content-Type"))
		}
	}
}
