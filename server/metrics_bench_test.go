package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/stinthq/stint/app"
)

// BenchmarkMetricsOverhead measures what the metrics middleware adds to a request, in
// alternating rounds without and with metrics, called in-process (no network) so its share
// is not hidden behind a socket:
//   - middleware: a chi router whose one route does nothing, bare or behind the middleware,
//     which isolates the middleware's own cost (route lookup, labels, counter, histogram);
//   - healthz and project: the whole API, a server without metrics against one with them,
//     each on its own store, on GET /healthz and an authenticated GET /v1/projects/{id}.
//
// It reports ns per request for each and the ratio with/without. Run it once:
// go test -run '^$' -bench BenchmarkMetricsOverhead -benchtime 1x ./server
func BenchmarkMetricsOverhead(b *testing.B) {
	type side struct {
		h   http.Handler
		get *http.Request
	}
	mk := func(m *Metrics) side {
		e := newEnv(b, Config{AllowSignup: true, Metrics: m})
		ctx := context.Background()
		sess, err := e.svc.Signup(ctx, app.SignupInput{Email: "bench@example.com", Password: "bench password",
			Name: "Bench", Organization: "Bench", Timezone: "UTC"})
		if err != nil {
			b.Fatal(err)
		}
		res := e.do(b, req{method: http.MethodPost, path: "/v1/projects", token: sess.Token, body: `{"name":"Acme"}`})
		if res.status != http.StatusCreated {
			b.Fatalf("create project: %d", res.status)
		}
		r := httptest.NewRequest(http.MethodGet, "/v1/projects/"+res.str("id"), nil)
		r.Header.Set("Authorization", "Bearer "+sess.Token)
		r.Host = "127.0.0.1" // httptest's example.com is no allowed host
		return side{h: e.srv.Handler(), get: r}
	}
	plain, measured := mk(nil), mk(NewMetrics())
	health := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	health.Host = "127.0.0.1"

	bare := chi.NewRouter()
	bare.Get("/v1/projects/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	wrapped := chi.NewRouter()
	wrapped.Use(New(nil, Config{Metrics: NewMetrics()}).measure)
	wrapped.Get("/v1/projects/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	tiny := httptest.NewRequest(http.MethodGet, "/v1/projects/0196f3a2-7b1c-7000-8000-000000000001", nil)
	bareSide, wrappedSide := side{h: bare, get: tiny}, side{h: wrapped, get: tiny}

	const rounds, perRound = 101, 200
	w := &codeWriter{header: http.Header{}}
	run := func(h http.Handler, r *http.Request, want int) time.Duration {
		start := time.Now()
		for range perRound {
			w.code = 0
			clear(w.header)
			h.ServeHTTP(w, r)
			if w.code != want {
				b.Fatalf("%s: status %d, want %d", r.URL.Path, w.code, want)
			}
		}
		return time.Since(start)
	}
	for range b.N {
		for _, route := range []struct {
			name    string
			want    int
			req     func(side) *http.Request
			off, on side
		}{
			{"middleware", http.StatusOK, func(s side) *http.Request { return s.get }, bareSide, wrappedSide},
			{"healthz", http.StatusOK, func(side) *http.Request { return health }, plain, measured},
			{"project", http.StatusOK, func(s side) *http.Request { return s.get }, plain, measured},
		} {
			// Each round times both sides back to back (which goes first alternates); the
			// medians keep a burst of load from the machine's other work out of the figures.
			p, m := route.off, route.on
			run(p.h, route.req(p), route.want) // warm up both
			run(m.h, route.req(m), route.want)
			offs, ons, ratios := make([]float64, rounds), make([]float64, rounds), make([]float64, rounds)
			for i := range rounds {
				var off, on time.Duration
				if i%2 == 0 {
					off = run(p.h, route.req(p), route.want)
					on = run(m.h, route.req(m), route.want)
				} else {
					on = run(m.h, route.req(m), route.want)
					off = run(p.h, route.req(p), route.want)
				}
				offs[i], ons[i] = float64(off.Nanoseconds())/perRound, float64(on.Nanoseconds())/perRound
				ratios[i] = ons[i] / offs[i]
			}
			offNs, onNs, ratio := median(offs), median(ons), median(ratios)
			b.ReportMetric(offNs, route.name+"_plain_ns/req")
			b.ReportMetric(onNs, route.name+"_metrics_ns/req")
			b.ReportMetric(ratio, route.name+"_ratio")
			b.Logf("%-10s without metrics %8.0f ns/req, with %8.0f ns/req (%+.0f ns), ratio %.3f (medians of %d rounds of %d requests each side)",
				route.name, offNs, onNs, onNs-offNs, ratio, rounds, perRound)
		}
	}
}

// codeWriter is a ResponseWriter that keeps the status and drops the body, so the
// benchmark measures the handlers rather than a recorder's buffers.
type codeWriter struct {
	header http.Header
	code   int
}

func (w *codeWriter) Header() http.Header { return w.header }

func (w *codeWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(b), nil
}

func (w *codeWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

// median is the middle of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
