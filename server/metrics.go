package server

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stinthq/stint/store/storemetrics"
)

// Metrics are one server instance's Prometheus metrics: its requests by route pattern and
// status, their latency, open connections, the store's transactions and group commits, and
// the Go runtime and process. Each Metrics has a registry of its own (never the global
// default), so several servers in one process, as in tests, do not collide. The API never
// serves them: Handler is meant for a listener of its own (stint serve --metrics-addr).
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	openConns  prometheus.Gauge
	storeTx    *prometheus.HistogramVec
	storeFails *prometheus.CounterVec
	batchSize  prometheus.Histogram
	batchTime  prometheus.Histogram
	// series caches each route, method and status's counter and histogram: looking them up
	// by label values hashes and validates the labels on every request, several times the
	// cost of recording.
	series sync.Map // seriesKey → *requestSeries
}

type seriesKey struct {
	route, method string
	code          int
}

type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// request records one answered request.
func (m *Metrics) request(route, method string, code int, d time.Duration) {
	k := seriesKey{route: route, method: method, code: code}
	v, ok := m.series.Load(k)
	if !ok {
		v, _ = m.series.LoadOrStore(k, &requestSeries{
			count:   m.requests.WithLabelValues(route, method, statusLabel(code)),
			latency: m.latency.WithLabelValues(route, method),
		})
	}
	rs := v.(*requestSeries)
	rs.count.Inc()
	rs.latency.Observe(d.Seconds())
}

var _ storemetrics.Observer = (*Metrics)(nil)

// routeUnmatched labels requests for paths no route serves, so probes of random paths add
// no series.
const routeUnmatched = "unmatched"

// NewMetrics registers Stint's metrics and the Go runtime and process collectors in a new
// registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stint_http_requests_total",
			Help: "HTTP requests answered, by route pattern (unmatched: no route), method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stint_http_request_duration_seconds",
			Help:    "Time from a request's arrival to its handler's return, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		openConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stint_http_open_connections",
			Help: "Client connections open on the API listener.",
		}),
		storeTx: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stint_store_transaction_duration_seconds",
			Help:    "Store transactions as their callers saw them (a write until it is durable), by kind: read or write.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"kind"}),
		storeFails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stint_store_transaction_failures_total",
			Help: "Store transactions that returned an error (a refused change counts too), by kind.",
		}, []string{"kind"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stint_store_write_batch_size",
			Help:    "Write transactions carried by one commit (SQLite group-commits concurrent writes).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}),
		batchTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stint_store_write_batch_duration_seconds",
			Help:    "How long one commit held the database's write lock, from begin to durable commit.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.openConns, m.storeTx, m.storeFails, m.batchSize, m.batchTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Both kinds appear from the start, so a dashboard's rate() has a zero to start from.
	for _, k := range []storemetrics.Kind{storemetrics.Read, storemetrics.Write} {
		m.storeFails.WithLabelValues(string(k))
	}
	return m
}

// Handler serves the metrics in the Prometheus text (or OpenMetrics) format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Registry is where the metrics are registered, for callers that add their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// RegisterPool adds gauges for a store's connection pool, read from p at each scrape. Only
// a store that has a pool worth watching offers one (the PostgreSQL store), so a server on
// SQLite never calls it and exposes no pool series.
func (m *Metrics) RegisterPool(p storemetrics.PoolReporter) {
	gauge := func(name, help string, v func(storemetrics.Pool) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(v(p.PoolStats())) })
	}
	m.reg.MustRegister(
		gauge("stint_store_pool_acquired_connections", "Database connections held by a transaction or a unit of work.",
			func(s storemetrics.Pool) int { return s.Acquired }),
		gauge("stint_store_pool_idle_connections", "Database connections open and idle in the pool.",
			func(s storemetrics.Pool) int { return s.Idle }),
		gauge("stint_store_pool_total_connections", "Database connections open (acquired, idle or being opened).",
			func(s storemetrics.Pool) int { return s.Total }),
		gauge("stint_store_pool_max_connections", "The most database connections the pool may open.",
			func(s storemetrics.Pool) int { return s.Max }),
	)
}

// OnTx records a store transaction.
func (m *Metrics) OnTx(kind storemetrics.Kind, d time.Duration, err error) {
	m.storeTx.WithLabelValues(string(kind)).Observe(d.Seconds())
	if err != nil {
		m.storeFails.WithLabelValues(string(kind)).Inc()
	}
}

// OnBatch records a store commit.
func (m *Metrics) OnBatch(size int, d time.Duration) {
	m.batchSize.Observe(float64(size))
	m.batchTime.Observe(d.Seconds())
}

// connState counts the API's open connections.
func (m *Metrics) connState(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		m.openConns.Inc()
	case http.StateClosed, http.StateHijacked:
		m.openConns.Dec()
	}
}

// serverConnState is the http.Server ConnState hook: nil without metrics.
func (s *Server) serverConnState() func(net.Conn, http.ConnState) {
	if s.cfg.Metrics == nil {
		return nil
	}
	return s.cfg.Metrics.connState
}

// measure records each request's route pattern, method, status and latency. It runs first
// in the chain, so requests refused before routing (authentication, Host, rate limits) are
// counted too; their route is looked up from the method and path.
func (s *Server) measure(next http.Handler) http.Handler {
	m := s.cfg.Metrics
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() { // also when a handler aborts with http.ErrAbortHandler
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			m.request(s.routeOf(r), methodLabel(r.Method), status, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

// routeOf is the chi pattern that served r ("/v1/projects/{id}", never the path with its
// ids), else the pattern of its path had it not been refused before routing, else
// routeUnmatched.
func (s *Server) routeOf(r *http.Request) string {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		if p := rctx.RoutePattern(); p != "" {
			return p
		}
	}
	// Refused before routing, or a method the path does not allow (405): the pattern of the
	// path under any method (HEAD is served from the GET route).
	for _, method := range []string{r.Method, http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut} {
		if p := s.router.Find(chi.NewRouteContext(), method, r.URL.Path); p != "" {
			return p
		}
	}
	return routeUnmatched
}

// methodLabel keeps the method label to the methods HTTP defines, so a client cannot add
// series with made-up methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// statusLabel is a status code's label value; the usual ones without an allocation.
func statusLabel(code int) string {
	switch code {
	case http.StatusOK:
		return "200"
	case http.StatusCreated:
		return "201"
	case http.StatusNoContent:
		return "204"
	case http.StatusNotModified:
		return "304"
	case http.StatusBadRequest:
		return "400"
	case http.StatusUnauthorized:
		return "401"
	case http.StatusForbidden:
		return "403"
	case http.StatusNotFound:
		return "404"
	case http.StatusConflict:
		return "409"
	case http.StatusPreconditionFailed:
		return "412"
	case http.StatusUnprocessableEntity:
		return "422"
	case http.StatusTooManyRequests:
		return "429"
	case http.StatusInternalServerError:
		return "500"
	case http.StatusServiceUnavailable:
		return "503"
	}
	return strconv.Itoa(code)
}
