//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestIdempotencySurvivesKill9 runs the real binary, sends POSTs with Idempotency-Keys from
// several clients and kills the server with SIGKILL at random moments. After each restart it
// retries every key it ever sent: each retry must replay the first answer or do the work now,
// so in the end every key has made exactly one row, however the kills fell.
func TestIdempotencySurvivesKill9(t *testing.T) {
	bin := buildStint(t) // and runs it for about 20 s
	dir := t.TempDir()
	k := &killable{t: t, bin: bin, data: filepath.Join(dir, "data"), addr: "127.0.0.1:" + strconv.Itoa(freePort(t)),
		client: &http.Client{Timeout: 5 * time.Second}}
	k.start()
	defer k.kill()

	var signup struct{ Token string }
	if status := k.post("/v1/auth/signup", "", "", `{"email":"crash@example.com","password":"correct horse","name":"Crash","organization":"Crash Ltd"}`, &signup); status != http.StatusCreated {
		t.Fatalf("signup: %d", status)
	}
	token := signup.Token
	// Entries an hour apart from 2016 on: the server refuses entries that start in the future,
	// and a fast run sends ten thousand keys and more.
	body := func(key int) string {
		start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(key) * time.Hour)
		return fmt.Sprintf(`{"started_at":%q,"stopped_at":%q,"description":"key %d"}`,
			start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339), key)
	}

	var sent atomic.Int64 // keys 0..sent-1 have been sent at least once
	ids := map[int]string{}
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	deadline := time.Now().Add(15 * time.Second)
	rounds := 0
	for time.Now().Before(deadline) {
		rounds++
		var stop atomic.Bool
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					key := int(sent.Add(1) - 1)
					_ = k.post("/v1/time-entries", token, strconv.Itoa(key), body(key), nil)
				}
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		k.kill()
		stop.Store(true)
		wg.Wait()
		k.start()
		// Retry every key sent since the last restart.
		for key := len(ids); key < int(sent.Load()); key++ {
			var e struct{ ID string }
			if status := k.post("/v1/time-entries", token, strconv.Itoa(key), body(key), &e); status != http.StatusCreated {
				t.Fatalf("retry of key %d after round %d: %d", key, rounds, status)
			}
			if prev, ok := ids[key]; ok && prev != e.ID {
				t.Fatalf("key %d answered with entry %s, earlier with %s", key, e.ID, prev)
			}
			ids[key] = e.ID
		}
	}

	// Every key once more: each replays the answer it gave.
	for key := range int(sent.Load()) {
		var e struct{ ID string }
		if status := k.post("/v1/time-entries", token, strconv.Itoa(key), body(key), &e); status != http.StatusCreated || e.ID != ids[key] {
			t.Fatalf("final retry of key %d: %d, entry %s, earlier %s", key, status, e.ID, ids[key])
		}
	}
	// Count rows per key.
	count := map[string]int{}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				Description string `json:"description"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		k.get("/v1/time-entries?limit=500&cursor="+cursor, token, &page)
		for _, it := range page.Items {
			count[it.Description]++
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	dups := 0
	for d, n := range count {
		if n > 1 {
			dups += n - 1
			t.Errorf("%q made %d rows", d, n)
		}
	}
	n := int(sent.Load())
	if len(count) != n {
		t.Errorf("%d keys sent, %d made a row", n, len(count))
	}
	t.Logf("%d rounds of SIGKILL, %d keys, %d duplicates", rounds, n, dups)
}

// killable is one "stint serve" process that the test may SIGKILL and restart.
type killable struct {
	t      *testing.T
	bin    string
	data   string
	addr   string
	client *http.Client
	cmd    *exec.Cmd
	done   chan error
	stderr bytes.Buffer
}

func (k *killable) start() {
	k.t.Helper()
	k.cmd = exec.Command(k.bin, "serve", "--addr", k.addr, "--data", k.data)
	k.cmd.Env = append(os.Environ(), "STINT_LOG_LEVEL=warn", "STINT_ADDR=", "STINT_DATA=", "STINT_ALLOWED_HOSTS=", "STINT_SIGNUP=")
	k.stderr.Reset()
	k.cmd.Stderr = &k.stderr
	if err := k.cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	k.done = make(chan error, 1)
	go func() { k.done <- k.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := k.client.Get("http://" + k.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-k.done:
			k.t.Fatalf("stint serve exited before it was healthy: %v\n%s", err, k.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("/healthz not OK after 30s (last error %v)", err)
		}
	}
}

func (k *killable) kill() {
	if k.cmd == nil || k.cmd.Process == nil {
		return
	}
	_ = k.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	<-k.done
	k.cmd = nil
}

// post sends a POST and decodes a 2xx answer into out; it returns the status, 0 when the
// connection failed (the server was killed).
func (k *killable) post(path, token, key, body string, out any) int {
	req, err := http.NewRequest(http.MethodPost, "http://"+k.addr+path, strings.NewReader(body))
	if err != nil {
		k.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", "crash-"+key)
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			k.t.Fatalf("POST %s: %v: %s", path, err, b)
		}
	}
	return resp.StatusCode
}

func (k *killable) get(path, token string, out any) {
	k.t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+k.addr+path, nil)
	if err != nil {
		k.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := k.client.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		k.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		k.t.Fatal(err)
	}
}
