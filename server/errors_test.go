package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// Fault modes of faultyStore.
const (
	healthy int32 = iota
	// readsDown and writesDown: Read (and Ready, SchemaVersion) or Write fail as a store
	// whose database refuses connections does.
	readsDown
	writesDown
	// writesHang: Write waits until its context ends, as with a database that accepts the
	// connection and never answers, then runs on the real store with that ended context.
	writesHang
	// schemaBehind: the database answers but its schema is a migration behind the binary's.
	schemaBehind
	// broken: Read and Write fail with an error the app has no kind for (an internal error),
	// whose text must reach the log and never a client.
	broken
)

var errBroken = errors.New("disk I/O error in page 4711 of /var/lib/stint/secret-path.db")

// faultyStore is the real SQLite store with faults switched on and off: what a PostgreSQL
// store sees when its server stops, without stopping one.
type faultyStore struct {
	*sqlite.Store
	mode atomic.Int32
}

var errRefused = fmt.Errorf("dial tcp 127.0.0.1:5432: connect: connection refused: %w", app.ErrUnavailable)

func (f *faultyStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	switch f.mode.Load() {
	case readsDown:
		return errRefused
	case broken:
		return errBroken
	}
	return f.Store.Read(ctx, fn)
}

func (f *faultyStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	switch f.mode.Load() {
	case writesDown:
		return errRefused
	case broken:
		return errBroken
	case writesHang:
		<-ctx.Done()
	}
	return f.Store.Write(ctx, fn)
}

func (f *faultyStore) Ready(ctx context.Context) error {
	switch f.mode.Load() {
	case readsDown:
		return errRefused
	case schemaBehind:
		return errors.New("schema at 2 of 3 migrations")
	}
	return f.Store.Ready(ctx)
}

func (f *faultyStore) SchemaVersion(ctx context.Context) (int, int, error) {
	if f.mode.Load() == readsDown {
		return 0, 0, errRefused
	}
	cur, known, err := f.Store.SchemaVersion(ctx)
	if f.mode.Load() == schemaBehind {
		cur--
	}
	return cur, known, err
}

// faultyBound is the store bound of the server under test: short, so a hang costs the test
// little, yet far above what a request needs from a healthy store, even under -race on a
// busy machine.
const faultyBound = 3 * time.Second

// newFaultyEnv is newEnv on a faultyStore: the server under test, with the store bound
// faultyBound, and a second server on the same service with the default bound, which the
// tests set their data up through.
func newFaultyEnv(t *testing.T) (e, setup *testEnv, fs *faultyStore) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	fs = &faultyStore{Store: st}
	logs := &syncBuffer{}
	svc := app.New(fs, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	serve := func(bound time.Duration) *testEnv {
		srv := New(svc, Config{AllowSignup: true, AuthRatePerMinute: 1_000_000, StoreTimeout: bound,
			Version: "v-test", Logger: slog.New(slog.NewJSONHandler(logs, nil))})
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		client := ts.Client()
		client.Timeout = 30 * time.Second // a hang fails the test instead of stalling it
		return &testEnv{store: st, svc: svc, srv: srv, ts: ts, client: client, logs: logs}
	}
	t.Cleanup(func() { _ = st.Close() })
	return serve(faultyBound), serve(0), fs
}

// TestStoreUnavailable: whatever part of a request meets a store that cannot reach its
// database (authentication in the middleware, a handler's write, a write that never
// returns), the answer is a 503 problem with Retry-After, and the same request succeeds
// once the store is back.
func TestStoreUnavailable(t *testing.T) {
	e, setup, fs := newFaultyEnv(t)
	tn := setup.newTenant(t, "acme")
	tests := []struct {
		name   string
		mode   int32
		r      req
		detail string
	}{
		{"authentication cannot read", readsDown, req{method: "GET", path: "/v1/projects", token: tn.token("owner")},
			"the service cannot reach its database; try again shortly"},
		{"a handler cannot write", writesDown, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: `{"name":"Down"}`},
			"the service cannot reach its database; try again shortly"},
		{"a write never answers", writesHang, req{method: "POST", path: "/v1/projects", token: tn.token("owner"), body: `{"name":"Hang"}`},
			"the request took too long; try again shortly"},
		{"an idempotent write never answers", writesHang, req{method: "POST", path: "/v1/projects", token: tn.token("owner"),
			body: `{"name":"Hang twice"}`, headers: map[string]string{"Idempotency-Key": "hang-1"}},
			"the request took too long; try again shortly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.mode.Store(tt.mode)
			res := e.do(t, tt.r)
			fs.mode.Store(healthy)
			if res.status != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503: %s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != problemContentType {
				t.Errorf("Content-Type %q", ct)
			}
			if ra, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || ra < 1 {
				t.Errorf("Retry-After %q", res.header.Get("Retry-After"))
			}
			if res.str("detail") != tt.detail || res.field("status") != float64(503) {
				t.Errorf("problem %s", res.body)
			}
			again := e.do(t, tt.r)
			if again.status/100 != 2 {
				t.Errorf("once the store is back: status %d: %s", again.status, again.body)
			}
		})
	}
}

// TestReadyz: the readiness report says whether the store answers and which schema it has,
// with 503 while it does not answer, and never the cause's text.
func TestReadyz(t *testing.T) {
	e, _, fs := newFaultyEnv(t)
	cur, known, err := e.store.SchemaVersion(context.Background())
	if err != nil || cur == 0 || cur != known {
		t.Fatalf("SchemaVersion = %d, %d, %v", cur, known, err)
	}
	tests := []struct {
		name      string
		mode      int32
		status    int
		reachable bool
		migrated  bool
		schema    int
	}{
		{"ready", healthy, http.StatusOK, true, true, cur},
		{"database unreachable", readsDown, http.StatusServiceUnavailable, false, false, 0},
		{"schema behind the binary", schemaBehind, http.StatusServiceUnavailable, true, false, cur - 1},
		{"back again", healthy, http.StatusOK, true, true, cur},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.mode.Store(tt.mode)
			defer fs.mode.Store(healthy)
			// Not e.do: the report is the body of the 503 too, not a problem document.
			hr, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/readyz", nil)
			res := e.roundTrip(t, hr, nil)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			wantStatus := "ok"
			if tt.status != http.StatusOK {
				wantStatus = "unavailable"
			}
			if res.str("status") != wantStatus || res.str("version") != "v-test" ||
				res.field("store.reachable") != tt.reachable || res.field("store.migrated") != tt.migrated {
				t.Errorf("report %s", res.body)
			}
			if tt.reachable && (res.field("store.schema_version") != float64(tt.schema) || res.field("store.schema_known") != float64(known)) {
				t.Errorf("report %s, want schema %d of %d", res.body, tt.schema, known)
			}
			if !tt.reachable && res.field("store.schema_version") != nil {
				t.Errorf("report %s names a schema it could not read", res.body)
			}
			if strings.Contains(string(res.body), "refused") || strings.Contains(string(res.body), "5432") {
				t.Errorf("report %s carries the cause's text", res.body)
			}
		})
	}
}

// TestClientGone: a store error caused by the request's own cancellation is the client
// leaving (499, not logged as a failure); the same error with the request live, or a
// cancellation error of a request that still runs, stays a 500.
func TestClientGone(t *testing.T) {
	live := context.Background()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"canceled store call, client gone", gone, fmt.Errorf("pull project: %w", context.Canceled), statusClientClosed},
		{"canceled store call, request live", live, fmt.Errorf("pull project: %w", context.Canceled), http.StatusInternalServerError},
		{"other error, client gone", gone, errors.New("disk full"), http.StatusInternalServerError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clientGone(c.ctx, problemFromError(c.err)); got.Status != c.want {
				t.Errorf("status %d, want %d", got.Status, c.want)
			}
		})
	}
}
