package server

import (
	"sync"
	"testing"

	"github.com/stinthq/stint/store/storemetrics"
)

// poolSnapshot is a PoolReporter whose figures the test sets, as a pool's change between
// scrapes.
type poolSnapshot struct {
	mu sync.Mutex
	p  storemetrics.Pool
}

func (s *poolSnapshot) PoolStats() storemetrics.Pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// TestMetricsPoolGauges: without a pool there are no pool series; with one, each scrape
// reads the pool's figures as they are then.
func TestMetricsPoolGauges(t *testing.T) {
	m := NewMetrics()
	if v := sample(t, scrape(t, m), "stint_store_pool_total_connections"); v != -1 {
		t.Fatalf("pool series without a pool: %v", v)
	}
	pool := &poolSnapshot{p: storemetrics.Pool{Acquired: 1, Idle: 2, Total: 3, Max: 16}}
	m.RegisterPool(pool)
	for _, want := range []storemetrics.Pool{pool.p, {Acquired: 5, Idle: 0, Total: 5, Max: 16}} {
		pool.mu.Lock()
		pool.p = want
		pool.mu.Unlock()
		out := scrape(t, m)
		for series, v := range map[string]int{
			"stint_store_pool_acquired_connections": want.Acquired,
			"stint_store_pool_idle_connections":     want.Idle,
			"stint_store_pool_total_connections":    want.Total,
			"stint_store_pool_max_connections":      want.Max,
		} {
			if got := sample(t, out, series); got != float64(v) {
				t.Errorf("%s = %v, want %d", series, got, v)
			}
		}
	}
}
