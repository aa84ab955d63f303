package server

import (
	"net/http"
	"sync"
	"testing"
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
