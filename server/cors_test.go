package server

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestCORS(t *testing.T) {
	const app1 = "https://app.example.com"
	e := newEnv(t, Config{AllowSignup: true, CORSOrigins: []string{app1, "http://LOCALHOST:5173"}})
	none := newEnv(t)
	preflight := func(origin, path string) req {
		return req{method: http.MethodOptions, path: path, headers: map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}}
	}
	for _, tc := range []struct {
		name       string
		env        *testEnv
		r          req
		status     int
		allow      string // Access-Control-Allow-Origin, "" for none
		methods    string // Access-Control-Allow-Methods contains
		exposeETag bool
	}{
		{name: "preflight from a configured origin", env: e, r: preflight(app1, "/v1/projects"),
			status: http.StatusNoContent, allow: app1, methods: "POST"},
		{name: "preflight from a configured origin, as the browser writes it", env: e, r: preflight("http://localhost:5173", "/v1/time-entries"),
			status: http.StatusNoContent, allow: "http://localhost:5173", methods: "GET"},
		{name: "preflight from another origin", env: e, r: preflight("https://evil.example", "/v1/projects"),
			status: http.StatusUnauthorized},
		{name: "preflight from a sub-domain of a configured origin", env: e, r: preflight("https://x.app.example.com", "/v1/projects"),
			status: http.StatusUnauthorized},
		{name: "preflight without CORS configured", env: none, r: preflight(app1, "/v1/projects"),
			status: http.StatusUnauthorized},
		{name: "request from a configured origin", env: e,
			r:      req{method: http.MethodGet, path: "/healthz", headers: map[string]string{"Origin": app1}},
			status: http.StatusOK, allow: app1, exposeETag: true},
		{name: "unauthenticated request from a configured origin is still refused", env: e,
			r:      req{method: http.MethodGet, path: "/v1/projects", headers: map[string]string{"Origin": app1}},
			status: http.StatusUnauthorized, allow: app1, exposeETag: true},
		{name: "request from another origin", env: e,
			r:      req{method: http.MethodGet, path: "/healthz", headers: map[string]string{"Origin": "https://evil.example"}},
			status: http.StatusOK},
		{name: "request with a null origin", env: e,
			r:      req{method: http.MethodGet, path: "/healthz", headers: map[string]string{"Origin": "null"}},
			status: http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.env.do(t, tc.r)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if got := res.header.Get("Access-Control-Allow-Origin"); got != tc.allow {
				t.Fatalf("Access-Control-Allow-Origin %q, want %q", got, tc.allow)
			}
			if got := res.header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Fatalf("Access-Control-Allow-Credentials %q: the API takes no cookies", got)
			}
			if got := res.header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, tc.methods) || (tc.methods == "") != (got == "") {
				t.Fatalf("Access-Control-Allow-Methods %q, want it to contain %q", got, tc.methods)
			}
			if tc.methods != "" && !strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Authorization") {
				t.Fatalf("Access-Control-Allow-Headers %q lacks Authorization", res.header.Get("Access-Control-Allow-Headers"))
			}
			if got := strings.Contains(res.header.Get("Access-Control-Expose-Headers"), "ETag"); got != tc.exposeETag {
				t.Fatalf("Access-Control-Expose-Headers %q", res.header.Get("Access-Control-Expose-Headers"))
			}
			if tc.env == e && !strings.Contains(strings.Join(res.header.Values("Vary"), ","), "Origin") {
				t.Fatalf("Vary %q lacks Origin", res.header.Values("Vary"))
			}
		})
	}
}

func TestNormalizeOrigin(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"https://app.example.com", "https://app.example.com"},
		{"HTTP://Box.LAN:8080", "http://box.lan:8080"},
		{"https://app.example.com/", "https://app.example.com"},
		{"*", ""},
		{"app.example.com", ""},
		{"ftp://app.example.com", ""},
		{"https://app.example.com/path", ""},
		{"https://user@app.example.com", ""},
		{"https://app.example.com?x=1", ""},
		{"https://", ""},
	} {
		got, err := NormalizeOrigin(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestSetLive changes hosts, origins and the client rate limit of a serving server, while
// requests run (go test -race checks the swap).
func TestSetLive(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 1000})
	host := map[string]string{"Host": "stint.example.com"}
	if res := e.do(t, req{method: "GET", path: "/healthz", headers: host}); res.status != http.StatusMisdirectedRequest {
		t.Fatalf("before: %d", res.status)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				e.do(t, req{method: "GET", path: "/healthz", headers: host})
			}
		}
	}()
	err := e.srv.SetLive(Live{AllowedHosts: []string{"stint.example.com"}, CORSOrigins: []string{"https://app.example.com"},
		AuthRatePerMinute: 2})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if res := e.do(t, req{method: "GET", path: "/healthz", headers: host}); res.status != http.StatusOK {
		t.Fatalf("after: %d", res.status)
	}
	res := e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"Origin": "https://app.example.com"}})
	if res.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("origin not allowed after SetLive: %v", res.header)
	}
	login := req{method: "POST", path: "/v1/auth/login", body: `{"email":"a@example.com","password":"wrong password"}`}
	statuses := []int{e.do(t, login).status, e.do(t, login).status, e.do(t, login).status}
	if statuses[2] != http.StatusTooManyRequests || statuses[0] == http.StatusTooManyRequests {
		t.Fatalf("auth rate 2 a minute: statuses %v", statuses)
	}
	got := e.srv.Live()
	if got.AuthRatePerMinute != 2 || len(got.AllowedHosts) != 1 || len(got.CORSOrigins) != 1 {
		t.Fatalf("Live() = %+v", got)
	}
	if err := e.srv.SetLive(Live{CORSOrigins: []string{"*"}}); err == nil {
		t.Fatal("SetLive took *")
	}
	if res := e.do(t, req{method: "GET", path: "/healthz", headers: host}); res.status != http.StatusOK {
		t.Fatalf("a refused SetLive changed the hosts: %d", res.status)
	}
}
