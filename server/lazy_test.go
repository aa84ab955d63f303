package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestLazyBuildsOnFirstRequest: the listener accepts at once, the Server is built only by
// the first request, and that request (and any arriving with it) is answered in full.
func TestLazyBuildsOnFirstRequest(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewLazy(e.svc, Config{Version: "v-lazy"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()

	conn, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatalf("connect before any request: %v", err)
	}
	_ = conn.Close()
	if l.Built() {
		t.Fatal("built before the first request")
	}

	base := "http://" + ln.Addr().String()
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(base + "/healthz")
			if err != nil {
				t.Errorf("first requests: %v", err)
				return
			}
			_ = resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("first request %d: status %d, want 200", i, c)
		}
	}
	if !l.Built() {
		t.Fatal("not built after a request")
	}

	resp, err := http.Get(base + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	var doc struct {
		Info struct{ Version string } `json:"info"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != http.StatusOK || doc.Info.Version != "v-lazy" {
		t.Fatalf("openapi.json: %d, version %q, err %v", resp.StatusCode, doc.Info.Version, err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no shutdown")
	}
	if err := NewLazy(e.svc, Config{Addr: "256.0.0.1:1"}).ListenAndServe(context.Background()); err == nil {
		t.Fatal("bad address accepted")
	}
}
