package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	owner := tn.token("owner")
	key := map[string]string{"Idempotency-Key": "create-apollo-1"}
	first := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Apollo"}`, headers: key})
	again := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Apollo"}`, headers: key})
	if string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" ||
		again.header.Get("ETag") != first.header.Get("ETag") || again.header.Get("Location") != first.header.Get("Location") ||
		again.header.Get("Content-Type") != "application/json" {
		t.Fatalf("replay differs:\n%v %s\n%v %s", first.header, first.body, again.header, again.body)
	}
	if n := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/projects", token: owner}).field("items.len"); n != float64(1) {
		t.Fatalf("replay created a row: %v projects", n)
	}

	for _, tc := range []struct {
		name string
		r    req
		want int
	}{
		{"same key, other body", req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Gemini"}`, headers: key}, http.StatusUnprocessableEntity},
		{"same key, other path", req{method: "POST", path: "/v1/tags", token: owner, body: `{"name":"Apollo"}`, headers: key}, http.StatusUnprocessableEntity},
		{"same key, other organization", req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Apollo"}`,
			headers: map[string]string{"Idempotency-Key": "create-apollo-1", "X-Org-Id": createOrg(t, e, owner)}}, http.StatusUnprocessableEntity},
		{"same key, another user", req{method: "POST", path: "/v1/projects", token: tn.token("admin"), body: `{"name":"Apollo"}`, headers: key}, http.StatusConflict},
		{"key with spaces", req{method: "POST", path: "/v1/projects", token: owner, body: `{"name":"Zond"}`,
			headers: map[string]string{"Idempotency-Key": "a b"}}, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, tc.r)
			if res.status != tc.want {
				t.Fatalf("%d, want %d: %s", res.status, tc.want, res.body)
			}
		})
	}

	// Errors are not recorded: a retry after fixing nothing gets the error again, and a
	// later success with the same key is recorded.
	k2 := map[string]string{"Idempotency-Key": "k2"}
	e.must(t, http.StatusUnprocessableEntity, req{method: "POST", path: "/v1/tags", token: owner, body: `{"name":""}`, headers: k2})
	e.must(t, http.StatusUnprocessableEntity, req{method: "POST", path: "/v1/tags", token: owner, body: `{"name":""}`, headers: k2})

	// Concurrent retries with one key create one row.
	k3 := map[string]string{"Idempotency-Key": "timer-start-3"}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := e.do(t, req{method: "POST", path: "/v1/timer/start", token: owner, body: `{"description":"once"}`, headers: k3})
			ids[i] = res.str("id")
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("concurrent retries got %v", ids)
		}
	}
	list := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries", token: owner})
	if list.field("items.len") != float64(1) {
		t.Fatalf("concurrent retries created %v entries", list.field("items.len"))
	}
}

func createOrg(t *testing.T, e *testEnv, token string) string {
	t.Helper()
	return e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/organizations", token: token, body: `{"name":"Other"}`}).str("id")
}

func TestKeyedMutex(t *testing.T) {
	k := newKeyedMutex()
	var mu sync.Mutex
	inside := map[string]int{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b"}[i%2]
			unlock := k.lock(key)
			mu.Lock()
			inside[key]++
			if inside[key] > 1 {
				t.Errorf("two holders of %s", key)
			}
			mu.Unlock()
			mu.Lock()
			inside[key]--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if len(k.locks) != 0 {
		t.Fatalf("%d locks left", len(k.locks))
	}
}

// envOn starts a server on st (which the test closes).
func envOn(t *testing.T, st app.Store) *testEnv {
	t.Helper()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	srv := New(svc, Config{AllowSignup: true, AuthRatePerMinute: 1_000_000})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{svc: svc, srv: srv, ts: ts, client: ts.Client(), logs: &syncBuffer{}}
}

// lossyStore is the real store, except that it refuses the first idempotency record it is
// asked to insert: the moment a process killed right after the mutation would leave.
type lossyStore struct {
	*sqlite.Store
	refuse atomic.Int32
}

func (s *lossyStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.Store.Write(ctx, func(tx app.Tx) error { return fn(lossyTx{tx, s}) })
}

func (s *lossyStore) BeginUnit(ctx context.Context) (context.Context, app.Unit) {
	uctx, u := s.Store.BeginUnit(ctx)
	return uctx, lossyUnit{u, s}
}

type lossyUnit struct {
	app.Unit
	s *lossyStore
}

func (u lossyUnit) Commit(ctx context.Context, fn func(app.Tx) error) error {
	return u.Unit.Commit(ctx, func(tx app.Tx) error { return fn(lossyTx{tx, u.s}) })
}

type lossyTx struct {
	app.Tx
	s *lossyStore
}

func (t lossyTx) Idempotency() app.IdempotencyRecords { return lossyRecords{t.Tx.Idempotency(), t.s} }

type lossyRecords struct {
	app.IdempotencyRecords
	s *lossyStore
}

func (r lossyRecords) Insert(ctx context.Context, sc app.Scope, rec app.IdempotencyRecord) error {
	if r.s.refuse.Add(-1) >= 0 {
		return errors.New("the process died here")
	}
	return r.IdempotencyRecords.Insert(ctx, sc, rec)
}

// TestIdempotencyRecordAndMutationAreOne: when the record of a first answer cannot be written,
// the mutation is not kept either, so the retry does it exactly once.
func TestIdempotencyRecordAndMutationAreOne(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ls := &lossyStore{Store: st}
	e := envOn(t, ls)
	tn := e.newTenant(t, "acme")
	ls.refuse.Store(1)
	r := req{method: "POST", path: "/v1/time-entries", token: tn.token("owner"), headers: map[string]string{"Idempotency-Key": "entry-1"},
		body: `{"started_at":"2026-11-20T09:00:00Z","stopped_at":"2026-11-20T10:00:00Z","description":"once"}`}
	if res := e.do(t, r); res.status < 300 {
		t.Fatalf("first attempt answered %d although its record was lost", res.status)
	}
	first := e.must(t, http.StatusCreated, r)
	again := e.must(t, http.StatusCreated, r)
	if again.str("id") != first.str("id") || again.header.Get(replayedHeader) != "true" {
		t.Fatalf("retry after the recorded answer: %s, first %s", again.body, first.body)
	}
	list := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries", token: tn.token("owner")})
	if n := list.field("items.len"); n != float64(1) {
		t.Fatalf("%v entries after the lost record and two retries, want 1", n)
	}
}

// TestIdempotencyAcrossInstances sends every key to two server instances on one database at
// the same moment: each key creates one row, and both instances answer with it.
func TestIdempotencyAcrossInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stint.db")
	var envs []*testEnv
	for range 2 {
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		envs = append(envs, envOn(t, st))
	}
	tn := envs[0].newTenant(t, "acme")
	const keys = 40
	ids := make([][2]string, keys)
	var wg sync.WaitGroup
	for k := range keys {
		for i, e := range envs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.do(t, req{method: "POST", path: "/v1/time-entries", token: tn.token("owner"),
					headers: map[string]string{"Idempotency-Key": fmt.Sprintf("key-%d", k)},
					body:    fmt.Sprintf(`{"started_at":"2026-11-20T09:00:00Z","stopped_at":"2026-11-20T10:00:00Z","description":"key %d"}`, k)})
				if res.status != http.StatusCreated {
					t.Errorf("key %d on instance %d: %d %s", k, i, res.status, res.body)
				}
				ids[k][i] = res.str("id")
			}()
		}
	}
	wg.Wait()
	for k, pair := range ids {
		if pair[0] != pair[1] {
			t.Errorf("key %d: the instances answered with different rows %v", k, pair)
		}
	}
	list := envs[0].must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries?limit=500", token: tn.token("owner")})
	if n := list.field("items.len"); n != float64(keys) {
		t.Fatalf("%v entries for %d keys", n, keys)
	}
}

// TestIdempotencyRecordKeepsNoSecret: a retried token creation replays the same secret, yet
// the database files hold neither that secret nor the Idempotency-Key in the clear: the
// record is found by a hash of the key and its answer is sealed with a key derived from it.
func TestIdempotencyRecordKeepsNoSecret(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := envOn(t, st)
	tn := e.newTenant(t, "acme")
	const key = "0193b6f0-2b1c-7d4e-9a8b-5c6d7e8f9a0b"
	r := req{method: "POST", path: "/v1/tokens", token: tn.token("owner"), headers: map[string]string{"Idempotency-Key": key},
		body: `{"name":"ci"}`}
	first := e.must(t, http.StatusCreated, r)
	again := e.must(t, http.StatusCreated, r)
	secret := first.str("token")
	if secret == "" || again.str("token") != secret || again.header.Get(replayedHeader) != "true" {
		t.Fatalf("replay: %s, first %s", again.body, first.body)
	}
	// The same key for another request is still refused.
	e.must(t, http.StatusUnprocessableEntity, req{method: "POST", path: "/v1/tokens", token: tn.token("owner"),
		headers: map[string]string{"Idempotency-Key": key}, body: `{"name":"other"}`})
	files, err := filepath.Glob(filepath.Join(dir, "stint.db*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("database files: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range map[string]string{"the token's secret": secret, "the Idempotency-Key": key} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %s in the clear", filepath.Base(f), what)
			}
		}
	}
}
