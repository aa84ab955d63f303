//go:build unix

package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// liveServe is "stint serve" running in-process on a config file.
type liveServe struct {
	addr string
	logs *lockedBuffer
}

// startLiveServe runs "stint serve --config path" until the test ends and waits until it answers.
func startLiveServe(t *testing.T, path string, env map[string]string) *liveServe {
	t.Helper()
	root := t.TempDir()
	s := &liveServe{addr: "127.0.0.1:" + strconv.Itoa(freePort(t)), logs: &lockedBuffer{}}
	// The data directory is the default one under HOME, so a file can name another.
	vars := map[string]string{"HOME": filepath.Join(root, "home"), "STINT_LOG_FORMAT": "json"}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", path, "--addr", s.addr}, &bytes.Buffer{}, s.logs, func(k string) string { return vars[k] })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("stint serve exited %d:\n%s", code, s.logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("stint serve did not stop within 20s")
		}
	})
	// Starting (a new data dir, its migrations) is not what these tests time: under a loaded
	// race run it can take seconds, so only the reloads below are held to five.
	eventuallyWithin(t, time.Minute, "the server answers", func() bool {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("stint serve exited %d before it answered:\n%s", code, s.logs.String())
		default:
		}
		return s.status(t, "localhost", nil) == http.StatusOK
	})
	return s
}

// status is the status of GET /healthz with the given Host and headers (0 when it fails).
func (s *liveServe) status(t *testing.T, host string, headers map[string]string) int {
	res := s.get(t, http.MethodGet, host, headers)
	if res == nil {
		return 0
	}
	return res.StatusCode
}

func (s *liveServe) get(t *testing.T, method, host string, headers map[string]string) *http.Response {
	t.Helper()
	return s.do(t, method, "/healthz", "", host, headers)
}

// do sends a request and returns the response with its body closed, nil when it fails.
func (s *liveServe) do(t *testing.T, method, path, body, host string, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+s.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return nil
	}
	res.Body.Close()
	return res
}

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 5*time.Second, what, cond)
}

// eventuallyWithin polls cond for up to d.
func eventuallyWithin(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replaceFile saves text the way editors that keep a backup do: a new file renamed over the
// old one.
func replaceFile(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp"
	writeConfigFile(t, tmp, text)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestConfigLiveReload(t *testing.T) {
	allowed := func(s *liveServe, host string) func() bool {
		return func() bool { return s.status(t, host, nil) == http.StatusOK }
	}
	refused := func(s *liveServe, host string) func() bool {
		return func() bool { return s.status(t, host, nil) == http.StatusMisdirectedRequest }
	}

	t.Run("edit in place", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stint.toml")
		writeConfigFile(t, path, "log_level = \"info\"\n")
		s := startLiveServe(t, path, nil)
		if !refused(s, "a.example")() {
			t.Fatal("a.example is allowed before it is configured")
		}
		writeConfigFile(t, path, "log_level = \"info\"\nallowed_hosts = [\"a.example\"]\n")
		eventually(t, "a.example allowed", allowed(s, "a.example"))

		// The log level: at warn the access log (info) stops, at info it comes back.
		writeConfigFile(t, path, "log_level = \"warn\"\nallowed_hosts = [\"a.example\"]\n")
		n := 0
		logged := func() bool {
			n++
			id := "probe-" + strconv.Itoa(n)
			s.status(t, "localhost", map[string]string{"X-Request-Id": id})
			return strings.Contains(s.logs.String(), `"request_id":"`+id+`"`)
		}
		eventually(t, "the access log stops at warn", func() bool { return !logged() })
		writeConfigFile(t, path, "log_level = \"info\"\nallowed_hosts = [\"a.example\"]\n")
		eventually(t, "the access log comes back at info", logged)
	})

	t.Run("replace by rename", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stint.toml")
		writeConfigFile(t, path, "allowed_hosts = [\"a.example\"]\n")
		s := startLiveServe(t, path, nil)
		if !allowed(s, "a.example")() {
			t.Fatal("a.example from the file at start is refused")
		}
		replaceFile(t, path, "allowed_hosts = [\"b.example\"]\n")
		eventually(t, "b.example allowed", allowed(s, "b.example"))
		eventually(t, "a.example refused", refused(s, "a.example"))
		replaceFile(t, path, "allowed_hosts = [\"c.example\"]\n")
		eventually(t, "c.example allowed after a second rename", allowed(s, "c.example"))
	})

	t.Run("directory removed and made again", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "conf")
		path := filepath.Join(dir, "stint.toml")
		writeConfigFile(t, path, "allowed_hosts = [\"a.example\"]\n")
		s := startLiveServe(t, path, nil)
		for i, host := range []string{"b.example", "c.example"} {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				// Give the watcher time to see the directory go, the first time; the
				// second time it is made again at once.
				eventually(t, "the directory's removal noticed", func() bool {
					return strings.Contains(s.logs.String(), "config file rejected")
				})
			}
			writeConfigFile(t, path, "allowed_hosts = [\""+host+"\"]\n")
			eventually(t, host+" allowed after the directory came back", allowed(s, host))
		}
		writeConfigFile(t, path, "allowed_hosts = [\"d.example\"]\n")
		eventually(t, "d.example allowed after an edit in the new directory", allowed(s, "d.example"))
	})

	t.Run("invalid file keeps the previous configuration", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stint.toml")
		writeConfigFile(t, path, "allowed_hosts = [\"a.example\"]\n")
		s := startLiveServe(t, path, nil)
		for _, bad := range []string{
			"allowed_hosts = [\"b.example\"]\nbogus = 1\n",
			"allowed_hosts = [\"b.example\"\n",
			"allowed_hosts = [\"b.example\"]\nlogin_limit = \"lots\"\n",
		} {
			before := strings.Count(s.logs.String(), "config file rejected")
			writeConfigFile(t, path, bad)
			eventually(t, "the file rejected", func() bool {
				return strings.Count(s.logs.String(), "config file rejected") > before
			})
			if !allowed(s, "a.example")() || !refused(s, "b.example")() {
				t.Fatalf("an invalid file changed the hosts:\n%s", bad)
			}
		}
		writeConfigFile(t, path, "allowed_hosts = [\"b.example\"]\n")
		eventually(t, "a valid file applied after invalid ones", allowed(s, "b.example"))
	})

	t.Run("CORS origins, rate limit, restart-only settings and overrides", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "stint.toml")
		writeConfigFile(t, path, "auth_rate = 100\n")
		s := startLiveServe(t, path, map[string]string{"STINT_ALLOWED_HOSTS": "env.example"})
		origin := map[string]string{"Origin": "https://app.example.com"}
		if res := s.get(t, http.MethodGet, "localhost", origin); res == nil || res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatal("CORS headers before any origin is configured")
		}
		writeConfigFile(t, path, "auth_rate = 1\ncors_origins = [\"https://app.example.com\"]\nmetrics_addr = \"127.0.0.1:1\"\n"+
			"db = \"postgres://stint:hunter2@db.example/stint\"\ndata_dir = \"/elsewhere\"\n"+
			"addr = \"127.0.0.1:2\"\nallowed_hosts = [\"file.example\"]\n")
		eventually(t, "the origin allowed", func() bool {
			res := s.get(t, http.MethodGet, "localhost", origin)
			return res != nil && res.Header.Get("Access-Control-Allow-Origin") == "https://app.example.com"
		})
		eventually(t, "data_dir, db and metrics_addr named as needing a restart", func() bool {
			return strings.Contains(s.logs.String(), "changed data_dir, db, metrics_addr need a restart")
		})
		if strings.Contains(s.logs.String(), "hunter2") {
			t.Fatal("the log shows the database password")
		}
		login := func() int {
			res := s.do(t, http.MethodPost, "/v1/auth/login", `{"email":"a@example.com","password":"not the password"}`,
				"localhost", map[string]string{"Content-Type": "application/json"})
			if res == nil {
				return 0
			}
			return res.StatusCode
		}
		if first, second := login(), login(); first == http.StatusTooManyRequests || second != http.StatusTooManyRequests {
			t.Fatalf("auth_rate 1: logins answered %d then %d, want the second throttled", first, second)
		}
		if s.status(t, "localhost", nil) != http.StatusOK {
			t.Fatal("the server stopped serving on its address")
		}
		if !allowed(s, "env.example")() || !refused(s, "file.example")() {
			t.Fatal("the file overrode $STINT_ALLOWED_HOSTS")
		}
		if logs := s.logs.String(); strings.Contains(logs, "allowed_hosts") || strings.Contains(logs, "changed addr") {
			t.Fatalf("a setting a flag or variable overrides is reported as changed:\n%s", logs)
		}
	})
}
