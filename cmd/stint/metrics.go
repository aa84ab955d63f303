package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/stinthq/stint/app"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/storemetrics"
)

// observedStore is a store that reports its transactions (both stores do).
type observedStore interface {
	SetObserver(storemetrics.Observer)
}

// startMetrics serves Prometheus metrics at /metrics on addr, a listener of its own apart
// from the API, and makes cfg's server and st report to them. With addr "" (the default)
// it does nothing: metrics are off. The listener answers anyone who reaches it, without a
// token, so it belongs on loopback or a private network. stop shuts it down.
func startMetrics(addr string, cfg *server.Config, st app.Store, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen %s: %w", addr, err)
	}
	m := server.NewMetrics()
	cfg.Metrics = m
	obs, _ := st.(observedStore)
	if obs != nil {
		obs.SetObserver(m)
	}
	if p, ok := st.(storemetrics.PoolReporter); ok {
		m.RegisterPool(p)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener failed", "addr", ln.Addr().String(), "error", err.Error())
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String(), "path", "/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
		if obs != nil {
			obs.SetObserver(nil)
		}
	}, nil
}
