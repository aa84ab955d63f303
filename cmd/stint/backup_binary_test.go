//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestBackupUnderLoadBinary runs the real executable: "stint serve" takes a steady stream of
// new time entries from several clients while "stint backup" copies its data, then "stint
// restore" puts the copy in a new data directory and a second "stint serve" on it answers
// with exactly what the backup counted, including every entry acknowledged before the
// backup began, and none of those created after it ended.
func TestBackupUnderLoadBinary(t *testing.T) {
	bin := buildStint(t)
	root := t.TempDir()
	live, restored := filepath.Join(root, "live"), filepath.Join(root, "restored")
	file := filepath.Join(root, "backups", "stint.bak")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}

	api := startServe(t, bin, live)
	token := api.signup(t)
	load := startEntryLoad(t, api, token, 4)
	load.waitFor(t, 40)
	ackedBefore := load.acked()

	var made backupReport
	runJSON(t, bin, live, &made, "backup", file, "--json")
	ackedAfter := len(load.acked())
	load.waitFor(t, ackedAfter+40) // the server keeps writing after the backup
	load.stop()
	total := len(load.acked())

	n := int(made.Counts.TimeEntries)
	t.Logf("backup: %d entries; acknowledged: %d before it, %d after it, %d in all", n, len(ackedBefore), ackedAfter, total)
	if n < len(ackedBefore) || n > ackedAfter+load.workers || n >= total {
		t.Errorf("backup holds %d entries; %d were acknowledged before it began, %d when it ended (plus up to %d in flight), %d in all",
			n, len(ackedBefore), ackedAfter, load.workers, total)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v (mode %v), want mode 0600", err, fi.Mode().Perm())
	}

	var got backupReport
	runJSON(t, bin, restored, &got, "restore", file, "--json")
	if got.Counts != made.Counts {
		t.Errorf("restore counts %+v, backup counted %+v", got.Counts, made.Counts)
	}

	again := startServe(t, bin, restored)
	token = again.login(t)
	ids := again.entryIDs(t, token)
	if len(ids) != n {
		t.Errorf("the restored server lists %d entries, the backup counted %d", len(ids), n)
	}
	for _, id := range ackedBefore {
		if !ids[id] {
			t.Errorf("entry %s was acknowledged before the backup began but is not in the restored data", id)
		}
	}
}

// serveProcess is a running "stint serve" on a free loopback port.
type serveProcess struct {
	addr   string
	client *http.Client
	stderr *lockedBuffer
}

// lockedBuffer is a log a process writes while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs "stint serve" on data, with extra arguments (default: --log-level warn)
// and environment, until the test ends, and waits until it is healthy.
func startServe(t *testing.T, bin, data string, extra ...string) *serveProcess {
	t.Helper()
	return startServeEnv(t, bin, data, nil, extra...)
}

func startServeEnv(t *testing.T, bin, data string, env []string, extra ...string) *serveProcess {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	if len(extra) == 0 {
		extra = []string{"--log-level", "warn"}
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", data}, extra...)...)
	cmd.Env = append(append(os.Environ(), "STINT_ADDR=", "STINT_DATA=", "STINT_ALLOWED_HOSTS=", "STINT_SIGNUP=", "STINT_DB=",
		"STINT_METRICS_ADDR=", "STINT_LOG_LEVEL="), env...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	p := &serveProcess{addr: addr, client: &http.Client{Timeout: 10 * time.Second}, stderr: stderr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := p.client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-done:
			t.Fatalf("stint serve exited before it was healthy: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not OK after 30s (last error %v)\n%s", err, stderr.String())
		}
	}
}

// call sends a JSON request and decodes a JSON answer into out, failing unless the status
// is want.
func (p *serveProcess) call(method, path, token string, body, out any, want int) error {
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, "http://"+p.addr+path, &rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw.String())
	}
	if out != nil {
		return json.Unmarshal(raw.Bytes(), out)
	}
	return nil
}

const (
	loadEmail    = "owner@example.com"
	loadPassword = "correct horse battery"
)

func (p *serveProcess) signup(t *testing.T) string {
	t.Helper()
	var sess struct{ Token string }
	body := map[string]string{"email": loadEmail, "password": loadPassword, "name": "Owner", "organization": "Team", "timezone": "UTC"}
	if err := p.call(http.MethodPost, "/v1/auth/signup", "", body, &sess, http.StatusCreated); err != nil {
		t.Fatal(err)
	}
	return sess.Token
}

func (p *serveProcess) login(t *testing.T) string {
	t.Helper()
	var sess struct{ Token string }
	body := map[string]string{"email": loadEmail, "password": loadPassword}
	if err := p.call(http.MethodPost, "/v1/auth/login", "", body, &sess, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	return sess.Token
}

// entryIDs pages through every time entry the server lists.
func (p *serveProcess) entryIDs(t *testing.T, token string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	cursor := ""
	for {
		var page struct {
			Items      []struct{ ID string }
			NextCursor string `json:"next_cursor"`
		}
		path := "/v1/time-entries?limit=500"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if err := p.call(http.MethodGet, path, token, nil, &page, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			ids[e.ID] = true
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
}

// entryLoad is several clients creating time entries as fast as the server takes them.
type entryLoad struct {
	workers int
	mu      sync.Mutex
	ids     []string // acknowledged entries, in the order their answers came
	err     error
	quit    chan struct{}
	wg      sync.WaitGroup
}

func startEntryLoad(t *testing.T, p *serveProcess, token string, workers int) *entryLoad {
	l := &entryLoad{workers: workers, quit: make(chan struct{})}
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.quit:
					return
				default:
				}
				start := base.Add(time.Duration(i*workers+w) * time.Minute) // no two entries overlap
				body := map[string]any{"description": "load", "started_at": start, "stopped_at": start.Add(30 * time.Second)}
				var e struct{ ID string }
				if err := p.call(http.MethodPost, "/v1/time-entries", token, body, &e, http.StatusCreated); err != nil {
					l.mu.Lock()
					l.err = err
					l.mu.Unlock()
					return
				}
				l.mu.Lock()
				l.ids = append(l.ids, e.ID)
				l.mu.Unlock()
			}
		}()
	}
	t.Cleanup(l.stop)
	return l
}

// acked returns the entries acknowledged so far.
func (l *entryLoad) acked() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ids...)
}

// waitFor waits until n entries are acknowledged, failing on a load error.
func (l *entryLoad) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		l.mu.Lock()
		got, err := len(l.ids), l.err
		l.mu.Unlock()
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d entries acknowledged after 60s", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the load and waits for its clients. Stopping twice is a no-op.
func (l *entryLoad) stop() {
	select {
	case <-l.quit:
	default:
		close(l.quit)
	}
	l.wg.Wait()
}

// runJSON runs the binary on data with args and decodes its JSON output into v.
func runJSON(t *testing.T, bin, data string, v any, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--data", data)...)
	cmd.Env = append(os.Environ(), "STINT_DATA=", "STINT_DB=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stint %v: %v\n%s", args, err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("stint %v: output is not JSON: %v\n%s", args, err, out)
	}
}
