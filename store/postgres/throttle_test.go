package postgres_test

import (
	"context"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/postgres"
)

// TestThrottleMatchesMemory: the database throttle, used by two instances (two stores, two
// pools) in turn, answers every attempt exactly as one in-memory throttle does for a single
// instance: the same buckets, waits, refills and resets.
func TestThrottleMatchesMemory(t *testing.T) {
	db := newDB(t)
	dsn := db.setup(t)
	var shared [2]*postgres.Throttle
	for i := range shared {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		shared[i] = postgres.NewThrottle(st)
	}
	mem := server.NewMemoryThrottle(0)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	login := app.Limit{Burst: 3, Every: time.Minute}
	signup := app.Limit{Burst: 1, Every: 10 * time.Minute}
	steps := []struct {
		key   string
		lim   app.Limit
		at    time.Duration
		reset bool
	}{
		{"login:ann@example.com", login, 0, false},
		{"login:ann@example.com", login, 0, false},
		{"login:ann@example.com", login, time.Second, false},
		{"login:ann@example.com", login, 2 * time.Second, false}, // the fourth at once: waits
		{"login:bob@example.com", login, 2 * time.Second, false}, // another key: its own bucket
		{"login:ann@example.com", login, 30 * time.Second, false},
		{"login:ann@example.com", login, 61 * time.Second, false}, // one has dripped back
		{"login:ann@example.com", login, 62 * time.Second, false},
		{"login:ann@example.com", login, 62 * time.Second, true}, // a successful login refills
		{"login:ann@example.com", login, 63 * time.Second, false},
		{"signup:ann@example.com", signup, 0, false},
		{"signup:ann@example.com", signup, 9 * time.Minute, false},
		{"signup:ann@example.com", signup, 10 * time.Minute, false},
		{"ip:127.0.0.1", login, time.Hour, false},
	}
	throttled := 0
	for i, s := range steps {
		th := shared[i%2]
		if s.reset {
			if err := th.Reset(ctx, s.key); err != nil {
				t.Fatal(err)
			}
			if err := mem.Reset(ctx, s.key); err != nil {
				t.Fatal(err)
			}
			continue
		}
		now := t0.Add(s.at)
		got, err := th.Take(ctx, s.key, s.lim, now)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		want, err := mem.Take(ctx, s.key, s.lim, now)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("step %d (%s at +%v): wait %v, the in-memory throttle says %v", i, s.key, s.at, got, want)
		}
		if got > 0 {
			throttled++
		}
	}
	if throttled < 3 {
		t.Errorf("only %d attempts throttled: the steps do not exercise the limit", throttled)
	}
}

// TestThrottleConcurrent: many attempts on one key at the same instant, from two instances
// at once, let exactly the burst through: the update is atomic.
func TestThrottleConcurrent(t *testing.T) {
	db := newDB(t)
	dsn := db.setup(t)
	var shared [2]*postgres.Throttle
	for i := range shared {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		shared[i] = postgres.NewThrottle(st)
	}
	const attempts, burst = 40, 5
	now := time.Now()
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait, err := shared[i%2].Take(context.Background(), "login:race@example.com", app.Limit{Burst: burst, Every: time.Hour}, now)
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != burst {
		t.Fatalf("%d of %d attempts allowed, want the burst of %d", allowed, attempts, burst)
	}
}

// TestThrottleKeepsNoAddress: the table keeps the SHA-256 of a key, never the e-mail or
// client address in it, and buckets that are full again are swept.
func TestThrottleKeepsNoAddress(t *testing.T) {
	db := newDB(t)
	st, err := postgres.Open(context.Background(), db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	th := postgres.NewThrottle(st)
	ctx := context.Background()
	key := "login:private.person@example.com"
	now := time.Now()
	if _, err := th.Take(ctx, key, app.Limit{Burst: 5, Every: time.Minute}, now); err != nil {
		t.Fatal(err)
	}
	conn := db.adminConn(t)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM stint.throttle WHERE position('private'::bytea in key_hash) > 0`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(key))
	var hashed int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM stint.throttle WHERE key_hash = $1`, sum[:]).Scan(&hashed); err != nil {
		t.Fatal(err)
	}
	if n != 0 || hashed != 1 {
		t.Fatalf("rows with the address: %d, rows with its hash: %d", n, hashed)
	}
	// Much later every bucket is full again: enough attempts on other keys to reach a sweep
	// leave only the buckets those attempts still fill.
	later := now.Add(time.Hour)
	for i := range 1024 {
		if _, err := th.Take(ctx, "ip:10.0.0."+string(rune('a'+i%26)), app.Limit{Burst: 100, Every: time.Millisecond}, later); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM stint.throttle WHERE key_hash = $1`, sum[:]).Scan(&hashed); err != nil {
		t.Fatal(err)
	}
	if hashed != 0 {
		t.Fatalf("a full bucket was not swept")
	}
}
