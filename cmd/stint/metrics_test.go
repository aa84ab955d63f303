//go:build unix

package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/server"
)

// TestMetricsBinary runs the real executable: with --metrics-addr (and with
// STINT_METRICS_ADDR) a listener apart from the API serves Prometheus metrics in which a few
// requests show up by route pattern and status, next to the store's and the runtime's; the
// API port never serves /metrics; and without either, no metrics listener starts.
func TestMetricsBinary(t *testing.T) {
	bin := buildStint(t)
	root := t.TempDir()

	t.Run("flag", func(t *testing.T) {
		maddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		p := startServe(t, bin, filepath.Join(root, "flag"), "--metrics-addr", maddr, "--log-level", "info")
		token := p.signup(t)
		var e struct{ ID string }
		start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		body := map[string]any{"started_at": start, "stopped_at": start.Add(time.Hour)}
		if err := p.call(http.MethodPost, "/v1/time-entries", token, body, &e, http.StatusCreated); err != nil {
			t.Fatal(err)
		}
		if err := p.call(http.MethodGet, "/v1/time-entries/"+e.ID, token, nil, nil, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if err := p.call(http.MethodGet, "/v1/time-entries/"+e.ID, "", nil, nil, http.StatusUnauthorized); err != nil {
			t.Fatal(err)
		}
		if err := p.call(http.MethodGet, "/metrics", "", nil, nil, http.StatusUnauthorized); err != nil {
			t.Errorf("the API port and /metrics: %v", err)
		}
		if err := p.call(http.MethodGet, "/metrics", token, nil, nil, http.StatusNotFound); err != nil {
			t.Errorf("the API port and /metrics: %v", err)
		}

		out := scrapeMetrics(t, "http://"+maddr+"/metrics")
		for _, want := range []string{
			`stint_http_requests_total{code="201",method="POST",route="/v1/auth/signup"} 1`,
			`stint_http_requests_total{code="201",method="POST",route="/v1/time-entries"} 1`,
			`stint_http_requests_total{code="200",method="GET",route="/v1/time-entries/{id}"} 1`,
			`stint_http_requests_total{code="401",method="GET",route="/v1/time-entries/{id}"} 1`,
			`stint_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
			`stint_http_request_duration_seconds_bucket{method="GET",route="/v1/time-entries/{id}",le="+Inf"} 2`,
			`stint_store_transaction_duration_seconds_count{kind="write"}`,
			`stint_store_transaction_duration_seconds_count{kind="read"}`,
			`stint_store_write_batch_size_bucket{le="1"}`,
			`stint_http_open_connections `,
			`go_goroutines `,
			`process_resident_memory_bytes `,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(out, e.ID) {
			t.Error("an entry id became a label")
		}
		if !strings.Contains(p.stderr.String(), `"msg":"metrics listening"`) {
			t.Errorf("no log line names the metrics listener:\n%s", p.stderr.String())
		}
	})

	t.Run("environment", func(t *testing.T) {
		maddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		p := startServeEnv(t, bin, filepath.Join(root, "env"), []string{"STINT_METRICS_ADDR=" + maddr})
		if err := p.call(http.MethodGet, "/healthz", "", nil, nil, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if out := scrapeMetrics(t, "http://"+maddr+"/metrics"); !strings.Contains(out, `route="/healthz"`) {
			t.Errorf("metrics from STINT_METRICS_ADDR lack /healthz:\n%s", out)
		}
	})

	t.Run("off by default", func(t *testing.T) {
		p := startServe(t, bin, filepath.Join(root, "off"), "--log-level", "info")
		if err := p.call(http.MethodGet, "/healthz", "", nil, nil, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if logs := p.stderr.String(); strings.Contains(logs, "metrics listening") {
			t.Errorf("metrics started without --metrics-addr:\n%s", logs)
		}
	})
}

// scrapeMetrics reads a metrics endpoint as Prometheus does.
func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return string(b)
}

// TestStartMetricsOff: no address, no listener, no metrics in the server's configuration.
func TestStartMetricsOff(t *testing.T) {
	var cfg server.Config
	stop, err := startMetrics("", &cfg, nil, nil)
	if err != nil || cfg.Metrics != nil {
		t.Fatalf("startMetrics(\"\"): %v, metrics %v; want nothing started", err, cfg.Metrics)
	}
	stop()
}
