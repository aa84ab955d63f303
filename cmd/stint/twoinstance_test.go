//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveProc is one real `stint serve` process.
type serveProc struct {
	url    string
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *lockedBuffer
}

// startPGServe runs `stint serve --db dsn` on a free loopback port with its own data
// directory and waits until /readyz answers 200; the process is stopped when the test ends.
func startPGServe(t *testing.T, bin, dsn string, args ...string) *serveProc {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command(bin, append([]string{"serve", "--db", dsn, "--addr", addr, "--auth-rate", "100000"}, args...)...)
	cmd.Env = append(os.Environ(), "STINT_LOG_LEVEL=warn", "STINT_DATA="+t.TempDir(), "STINT_ADDR=", "STINT_DB=",
		"STINT_ALLOWED_HOSTS=", "STINT_SIGNUP=", "STINT_LOGIN_LIMIT=", "STINT_AUTH_RATE=")
	p := &serveProc{url: "http://" + addr, cmd: cmd, done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
			t.Errorf("stint serve did not stop on SIGTERM within 15s")
		}
	})
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(p.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		if p.exited() {
			t.Fatalf("stint serve exited before it was ready:\n%s", p.stderr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("stint serve not ready after 30s (last error %v):\n%s", err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *serveProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// apiResponse is an answer from a serveProc.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not a JSON object (status %d): %s", r.status, r.body)
	}
	return m
}

// call sends one request; headers alternate names and values.
func call(t *testing.T, client *http.Client, method, url, token, body string, headers ...string) apiResponse {
	t.Helper()
	res, err := send(client, method, url, token, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return res
}

func send(client *http.Client, method, url, token, body string, headers ...string) (apiResponse, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return apiResponse{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return apiResponse{status: res.StatusCode, header: res.Header, body: b}, err
}

// TestTwoInstances runs two real `stint serve` processes on one PostgreSQL database and
// checks that what must be shared between instances is: sessions and tokens, Idempotency-Key
// records, and the login throttle.
func TestTwoInstances(t *testing.T) {
	db := newPGTestDB(t)
	bin := buildStint(t)
	dsn := setupDB(t, bin, db)
	a := startPGServe(t, bin, dsn, "--login-limit", "3/1h")
	b := startPGServe(t, bin, dsn, "--login-limit", "3/1h")
	client := &http.Client{Timeout: 20 * time.Second}

	res := call(t, client, "POST", a.url+"/v1/auth/signup", "",
		`{"email":"owner@two.example.com","password":"correct horse","name":"Owner","organization":"Two"}`)
	if res.status != http.StatusCreated {
		t.Fatalf("signup on A: %d %s", res.status, res.body)
	}
	tokenA := res.json(t)["token"].(string)

	t.Run("a token made on one works on the other", func(t *testing.T) {
		if r := call(t, client, "GET", b.url+"/v1/me", tokenA, ""); r.status != http.StatusOK {
			t.Fatalf("A's signup token on B: %d %s", r.status, r.body)
		}
		r := call(t, client, "POST", b.url+"/v1/auth/login", "", `{"email":"owner@two.example.com","password":"correct horse"}`)
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Fatalf("login on B: %d %s", r.status, r.body)
		}
		if r := call(t, client, "GET", a.url+"/v1/me", r.json(t)["token"].(string), ""); r.status != http.StatusOK {
			t.Fatalf("B's login token on A: %d %s", r.status, r.body)
		}
	})

	t.Run("one Idempotency-Key sent to both at once creates one row", func(t *testing.T) {
		const rounds = 12
		for round := range rounds {
			key := fmt.Sprintf("same-moment-%d", round)
			body := fmt.Sprintf(`{"name":"Twice %d"}`, round)
			var got [2]apiResponse
			var errs [2]error
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, p := range []*serveProc{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i], errs[i] = send(client, "POST", p.url+"/v1/projects", tokenA, body, "Idempotency-Key", key)
				}()
			}
			close(start)
			wg.Wait()
			for i := range got {
				if errs[i] != nil || got[i].status != http.StatusCreated {
					t.Fatalf("round %d, instance %d: %v %d %s", round, i, errs[i], got[i].status, got[i].body)
				}
			}
			if !bytes.Equal(got[0].body, got[1].body) {
				t.Errorf("round %d: the two answers differ:\n%s\n%s", round, got[0].body, got[1].body)
			}
		}
		r := call(t, client, "GET", b.url+"/v1/projects?limit=500", tokenA, "")
		items, _ := r.json(t)["items"].([]any)
		names := map[string]int{}
		for _, it := range items {
			names[it.(map[string]any)["name"].(string)]++
		}
		for round := range rounds {
			if n := names[fmt.Sprintf("Twice %d", round)]; n != 1 {
				t.Errorf("project of round %d created %d times", round, n)
			}
		}
	})

	t.Run("login throttling counts attempts on both", func(t *testing.T) {
		// 3 at once per account: the fourth wrong password is throttled wherever it lands.
		// Each instance counting alone would allow six.
		wrong := `{"email":"owner@two.example.com","password":"wrong horse"}`
		for i, p := range []*serveProc{a, b, a} {
			if r := call(t, client, "POST", p.url+"/v1/auth/login", "", wrong); r.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i+1, r.status, r.body)
			}
		}
		r := call(t, client, "POST", b.url+"/v1/auth/login", "", wrong)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("fourth attempt, on B: %d %s", r.status, r.body)
		}
		r = call(t, client, "POST", a.url+"/v1/auth/login", "", `{"email":"owner@two.example.com","password":"correct horse"}`)
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("the right password while throttled, on A: %d %s", r.status, r.body)
		}
	})

	for _, p := range []*serveProc{a, b} {
		if p.exited() {
			t.Fatalf("an instance exited:\n%s", p.stderr)
		}
	}
}
