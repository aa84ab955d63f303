package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// scrape reads m's exposition as Prometheus would.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: status %d", rec.Code)
	}
	return rec.Body.String()
}

// sample is the value of the series named with exactly these labels, or -1 when absent.
func sample(t *testing.T, exposition, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(exposition)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", series, err)
	}
	return v
}

// TestMetricsByRoute sends requests that end in different ways and reads back one series
// per route pattern, method and status: ids in paths never become labels, requests
// refused before routing still count under their route, and unknown paths share one label.
func TestMetricsByRoute(t *testing.T) {
	m := NewMetrics()
	e := newEnv(t, Config{AllowSignup: true, Metrics: m})
	e.store.SetObserver(m)
	sess, err := e.svc.Signup(context.Background(), app.SignupInput{Email: "m@example.com", Password: "metrics password",
		Name: "M", Organization: "M", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	missing := uuid.New().String()
	for _, r := range []struct {
		req  req
		want int
	}{
		{req{method: http.MethodGet, path: "/healthz"}, http.StatusOK},
		{req{method: http.MethodGet, path: "/healthz"}, http.StatusOK},
		{req{method: http.MethodPost, path: "/v1/projects", token: sess.Token, body: `{"name":"Acme"}`}, http.StatusCreated},
		{req{method: http.MethodGet, path: "/v1/projects/" + missing, token: sess.Token}, http.StatusNotFound},
		{req{method: http.MethodGet, path: "/v1/projects/" + missing}, http.StatusUnauthorized},
		{req{method: http.MethodGet, path: "/no/such/" + missing, token: sess.Token}, http.StatusNotFound},
		{req{method: "BREW", path: "/v1/projects", token: sess.Token}, http.StatusMethodNotAllowed},
	} {
		if got := e.do(t, r.req); got.status != r.want {
			t.Fatalf("%s %s: status %d, want %d", r.req.method, r.req.path, got.status, r.want)
		}
	}

	out := scrape(t, m)
	for series, want := range map[string]float64{
		`stint_http_requests_total{code="200",method="GET",route="/healthz"}`:               2,
		`stint_http_requests_total{code="201",method="POST",route="/v1/projects"}`:          1,
		`stint_http_requests_total{code="404",method="GET",route="/v1/projects/{id}"}`:      1,
		`stint_http_requests_total{code="401",method="GET",route="/v1/projects/{id}"}`:      1,
		`stint_http_requests_total{code="404",method="GET",route="unmatched"}`:              1,
		`stint_http_requests_total{code="405",method="other",route="/v1/projects"}`:         1,
		`stint_http_request_duration_seconds_count{method="GET",route="/healthz"}`:          2,
		`stint_http_request_duration_seconds_count{method="GET",route="/v1/projects/{id}"}`: 2,
	} {
		if got := sample(t, out, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if strings.Contains(out, missing) || strings.Contains(out, "/no/such") || strings.Contains(out, "BREW") {
		t.Error("a raw path or method became a label")
	}
	// The project's creation wrote through the store and authentication read from it.
	for _, kind := range []string{"read", "write"} {
		if got := sample(t, out, `stint_store_transaction_duration_seconds_count{kind="`+kind+`"}`); got < 1 {
			t.Errorf("store %s transactions counted: %v, want at least 1", kind, got)
		}
	}
	if got := sample(t, out, `stint_store_write_batch_size_count`); got < 1 {
		t.Errorf("write batches counted: %v, want at least 1", got)
	}
	for _, family := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if !strings.Contains(out, "\n"+family+" ") {
			t.Errorf("no %s in the exposition", family)
		}
	}
}

// TestMetricsNotOnAPI: the API never serves /metrics, with or without metrics enabled,
// and without metrics the middleware is not in the chain at all.
func TestMetricsNotOnAPI(t *testing.T) {
	for _, m := range []*Metrics{nil, NewMetrics()} {
		e := newEnv(t, Config{AllowSignup: true, Metrics: m})
		if got := e.do(t, req{method: http.MethodGet, path: "/metrics"}); got.status == http.StatusOK || strings.Contains(string(got.body), "stint_http") {
			t.Errorf("metrics %v: GET /metrics on the API answered %d %q", m != nil, got.status, got.body)
		}
	}
	s := New(nil, Config{})
	next := http.NotFoundHandler()
	if got := s.measure(next); got == nil || s.serverConnState() != nil {
		t.Fatal("without metrics, no hook may be installed")
	}
}

// TestMetricsOpenConnections serves on a real listener and watches the gauge follow a
// keep-alive connection's life.
func TestMetricsOpenConnections(t *testing.T) {
	m := NewMetrics()
	e := newEnv(t, Config{AllowSignup: true, Metrics: m})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	res, err := client.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	waitGauge(t, m, 1)
	tr.CloseIdleConnections()
	waitGauge(t, m, 0)
}

// waitGauge waits until the open-connections gauge reads want: the server sees a close
// only when it reads the end of the connection.
func waitGauge(t *testing.T, m *Metrics, want float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := sample(t, scrape(t, m), "stint_http_open_connections")
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stint_http_open_connections = %v, want %v", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestMetricsRegistriesAreSeparate: two servers in one process each count their own.
func TestMetricsRegistriesAreSeparate(t *testing.T) {
	a, b := NewMetrics(), NewMetrics()
	e := newEnv(t, Config{AllowSignup: true, Metrics: a})
	e.do(t, req{method: http.MethodGet, path: "/healthz"})
	series := `stint_http_requests_total{code="200",method="GET",route="/healthz"}`
	if got := sample(t, scrape(t, a), series); got != 1 {
		t.Errorf("first registry: %v, want 1", got)
	}
	if got := sample(t, scrape(t, b), series); got != -1 {
		t.Errorf("second registry: %v, want no series", got)
	}
}
