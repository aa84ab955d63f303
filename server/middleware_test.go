package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testTime() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

func TestHostCheck(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AllowedHosts: []string{"stint.example.com", "box.lan:7420"}})
	for _, tc := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:7420", http.StatusOK},
		{"localhost", http.StatusOK},
		{"LOCALHOST:80", http.StatusOK},
		{"[::1]:7420", http.StatusOK},
		{"stint.example.com", http.StatusOK},
		{"stint.example.com:8443", http.StatusOK},
		{"box.lan:7420", http.StatusOK},
		{"box.lan:80", http.StatusMisdirectedRequest},
		{"evil.example", http.StatusMisdirectedRequest},
		{"127.0.0.1.evil.example", http.StatusMisdirectedRequest},
		{"localhost.evil.example:7420", http.StatusMisdirectedRequest},
	} {
		t.Run(tc.host, func(t *testing.T) {
			res := e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"Host": tc.host}})
			if res.status != tc.want {
				t.Fatalf("Host %q: %d, want %d", tc.host, res.status, tc.want)
			}
		})
	}
	star := newEnv(t, Config{AllowedHosts: []string{"*"}})
	if res := star.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"Host": "anything.example"}}); res.status != http.StatusOK {
		t.Fatalf("* allows all: %d", res.status)
	}
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"X-Request-Id": "trace-42"}})
	if got := res.header.Get("X-Request-Id"); got != "trace-42" {
		t.Fatalf("echoed id %q", got)
	}
	res = e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"X-Request-Id": "bad id\"<script>"}})
	if got := res.header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, " \"<") {
		t.Fatalf("unsafe id kept: %q", got)
	}
	if !strings.Contains(e.logs.String(), `"request_id":"trace-42"`) {
		t.Fatalf("access log lacks the request id: %s", e.logs.String())
	}
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, MaxBodyBytes: 1024})
	tn := e.newTenant(t, "acme")
	big := `{"name":"` + strings.Repeat("x", 2000) + `"}`
	if res := e.do(t, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: big}); res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared length: %d %s", res.status, res.body)
	}
	if res := e.do(t, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: big,
		headers: map[string]string{"Idempotency-Key": "k1"}}); res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("with idempotency key: %d %s", res.status, res.body)
	}
	// A body of exactly the limit is read (and here refused for its content, not its size).
	exact := `{"name":"` + strings.Repeat("x", 1024-11) + `"}`
	if res := e.do(t, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: exact}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("body of exactly the limit (%d bytes): %d %s", len(exact), res.status, res.body)
	}
	// A chunked body has no declared length; huma stops reading at the limit.
	hr, _ := http.NewRequest("POST", e.ts.URL+"/v1/projects", io.MultiReader(strings.NewReader(big)))
	hr.ContentLength = -1
	hr.Header.Set("Authorization", "Bearer "+tn.token("owner"))
	hr.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != problemContentType {
		t.Fatalf("chunked: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The default limit is 1 MiB.
	d := newEnv(t)
	dt := d.newTenant(t, "big")
	huge := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	if res := d.do(t, req{method: "POST", path: "/v1/projects", token: dt.token("owner"), body: huge}); res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB default: %d", res.status)
	}
}

func TestContentType(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	res := e.do(t, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: `{"name":"x"}`,
		headers: map[string]string{"Content-Type": "text/plain"}})
	if res.status != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain: %d %s", res.status, res.body)
	}
}

// TestInternalErrorsDoNotLeak breaks the store under the server with an error the app has
// no kind for: clients get a bare 500 with a request id, the log gets the cause with the
// same id. (A store that cannot reach its database is a 503: TestStoreUnavailable.)
func TestInternalErrorsDoNotLeak(t *testing.T) {
	e, setup, fs := newFaultyEnv(t)
	tn := setup.newTenant(t, "acme")
	fs.mode.Store(broken)
	res := e.do(t, req{method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com","password":"correct horse"}`})
	if res.status != http.StatusInternalServerError || res.str("detail") != "internal error" || strings.Contains(string(res.body), "secret-path") {
		t.Fatalf("login on a broken store: %d %s", res.status, res.body)
	}
	id := res.str("request_id")
	if !strings.Contains(e.logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(e.logs.String(), "secret-path") {
		t.Fatalf("the log lacks the cause for %s: %s", id, e.logs.String())
	}
	if n := strings.Count(e.logs.String(), `"msg":"request failed","request_id":"`+id); n != 1 {
		t.Fatalf("cause logged %d times", n)
	}
	// The middleware's own store call (authentication) is hidden the same way.
	res = e.do(t, req{method: "GET", path: "/v1/projects", token: tn.token("owner")})
	if res.status != http.StatusInternalServerError || strings.Contains(string(res.body), "secret-path") {
		t.Fatalf("authenticate on a broken store: %d %s", res.status, res.body)
	}
	// A closed store cannot reach its database: 503, and nothing of the cause either. The
	// readiness report is the body of its 503 too (TestReadyz), not a problem document.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	fs.mode.Store(healthy)
	res = e.do(t, req{method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com","password":"correct horse"}`})
	if res.status != http.StatusServiceUnavailable || strings.Contains(string(res.body), "closed") {
		t.Fatalf("login on a closed store: %d %s", res.status, res.body)
	}
	hr, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/readyz", nil)
	res = e.roundTrip(t, hr, nil)
	if res.status != http.StatusServiceUnavailable || strings.Contains(string(res.body), "closed") {
		t.Fatalf("readyz on a closed store: %d %s", res.status, res.body)
	}
}

func TestPanicIsProblem(t *testing.T) {
	e := newEnv(t)
	h := e.srv.withRequestID(e.srv.accessLog(e.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom: secret state")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") ||
		rec.Header().Get("Content-Type") != problemContentType {
		t.Fatalf("panic: %d %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(e.logs.String(), "boom: secret state") {
		t.Fatal("panic not logged")
	}
}

func TestListenAndServeShutsDown(t *testing.T) {
	e := newEnv(t)
	srv := New(e.svc, Config{Addr: "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no shutdown")
	}
	bad := New(e.svc, Config{Addr: "256.0.0.1:1"})
	if err := bad.ListenAndServe(context.Background()); err == nil {
		t.Fatal("bad address accepted")
	}
}
