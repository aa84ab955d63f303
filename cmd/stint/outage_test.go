//go:build unix

package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// privateCluster is a PostgreSQL cluster of the test's own, which it may stop and start
// without disturbing the tests that share STINT_TEST_POSTGRES's cluster.
type privateCluster struct {
	dir, bin, port string
	asPostgres     bool // running as root: pg_ctl runs as the postgres OS user
}

// pgBinDir finds initdb and pg_ctl as .ci/test-env does.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if isExec(filepath.Join(dirs[i], "initdb")) && isExec(filepath.Join(dirs[i], "pg_ctl")) {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p)
		}
	}
	return ""
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

// newPrivateCluster initdbs and starts a cluster in a temporary directory on a free
// loopback port; it is removed when the test ends. Without PostgreSQL's binaries the test
// skips, unless CI is set.
func newPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	skip := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format+" (CI fails here)", args...)
	}
	bin := pgBinDir()
	if bin == "" {
		skip("PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)")
	}
	c := &privateCluster{bin: bin, asPostgres: os.Geteuid() == 0}
	if c.asPostgres {
		if _, err := user.Lookup("postgres"); err != nil {
			skip("running as root without a postgres OS user to run a cluster as")
		}
	}
	dir, err := os.MkdirTemp("", "stint-outage-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() {
		_ = c.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if c.asPostgres {
		if out, err := exec.Command("chown", "postgres:", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--no-locale"); err != nil {
		skip("initdb: %v\n%s", err, out)
	}
	// The port is free when asked; another cluster may take it before ours listens, so try a few.
	for attempt := 0; ; attempt++ {
		c.port = strconv.Itoa(freePort(t))
		out, err := c.start()
		if err == nil {
			return c
		}
		if attempt == 4 {
			skip("PostgreSQL did not start: %v\n%s", err, out)
		}
	}
}

func (c *privateCluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	if c.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return cmd.CombinedOutput()
}

func (c *privateCluster) ctl(action string, args ...string) error {
	out, err := c.run(filepath.Join(c.bin, "pg_ctl"), append([]string{"-D", filepath.Join(c.dir, "data"), action}, args...)...)
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", action, err, out)
	}
	return nil
}

func (c *privateCluster) start() ([]byte, error) {
	out, err := c.run(filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "postgres.log"),
		"-w", "-t", "60", "-o", "-p "+c.port+" -k "+c.dir+" -c listen_addresses=127.0.0.1 -c fsync=off", "start")
	return out, err
}

func (c *privateCluster) dsn() string {
	return "postgres://postgres@127.0.0.1:" + c.port + "/postgres?sslmode=disable"
}

// outcome is one request of the background load.
type outcome struct {
	at         time.Time
	status     int
	took       time.Duration
	err        error
	problem    bool // Content-Type application/problem+json
	retryAfter string
	what       string // method and path
	body       string
}

// TestPostgresOutage: under a little load, the database stops. Requests get 503 problems
// with Retry-After, promptly (no hang), nothing else but 503 and the 2xx of requests that
// finished first, /readyz says 503, and the process lives on; once the database is back the
// server recovers by itself: requests succeed again and /readyz says 200, within seconds.
func TestPostgresOutage(t *testing.T) {
	cluster := newPrivateCluster(t)
	db := newPGTestDBOn(t, cluster.dsn())
	bin := buildStint(t)
	dsn := setupDB(t, bin, db)
	srv := startPGServe(t, bin, dsn)
	client := &http.Client{Timeout: 30 * time.Second} // a hang shows as a transport error
	res := call(t, client, "POST", srv.url+"/v1/auth/signup", "",
		`{"email":"owner@outage.example.com","password":"correct horse","name":"Owner","organization":"Outage"}`)
	if res.status != http.StatusCreated {
		t.Fatalf("signup: %d %s", res.status, res.body)
	}
	token := res.json(t)["token"].(string)

	var mu sync.Mutex
	var outcomes []outcome
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				began := time.Now()
				var r apiResponse
				var err error
				what := "GET /v1/time-entries"
				if (w+i)%2 == 0 {
					r, err = send(client, "GET", srv.url+"/v1/time-entries?limit=20", token, "")
				} else {
					what = "POST /v1/time-entries"
					start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(w*100000+i) * time.Minute)
					r, err = send(client, "POST", srv.url+"/v1/time-entries", token, fmt.Sprintf(
						`{"description":"outage load","started_at":%q,"stopped_at":%q}`,
						start.Format(time.RFC3339), start.Add(time.Minute).Format(time.RFC3339)))
				}
				o := outcome{at: began, status: r.status, took: time.Since(began), err: err,
					problem: r.header.Get("Content-Type") == "application/problem+json", retryAfter: r.header.Get("Retry-After"),
					what: what, body: string(r.body)}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
			}
		}()
	}
	// take returns the outcomes of requests begun since the last call.
	seen := 0
	take := func() []outcome {
		mu.Lock()
		defer mu.Unlock()
		out := outcomes[seen:]
		seen = len(outcomes)
		return out
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()

	time.Sleep(time.Second)
	for _, o := range take() {
		if o.err != nil || o.status/100 != 2 {
			t.Fatalf("before the outage: %v status %d", o.err, o.status)
		}
	}

	if err := cluster.ctl("stop", "-w", "-t", "60", "-m", "fast"); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	time.Sleep(3 * time.Second)
	ready := call(t, client, "GET", srv.url+"/readyz", "", "")
	during := take()
	unavailable := 0
	for _, o := range during {
		switch {
		case o.err != nil:
			t.Errorf("during the outage, a request failed without an answer after %v: %v", o.took, o.err)
		case o.status == http.StatusServiceUnavailable:
			unavailable++
			if !o.problem || o.retryAfter == "" {
				t.Errorf("a 503 without a problem document or Retry-After (%v, %q)", o.problem, o.retryAfter)
			}
			// The server's store bound is 10 s; a 503 that took longer was a hang.
			if o.took > 12*time.Second {
				t.Errorf("a 503 took %v", o.took)
			}
		case o.status/100 == 2 && o.at.Before(stopped):
			// begun before the stop, answered before it took effect
		default:
			t.Errorf("during the outage: %s answered %d after %v: %s\nserver log:\n%s", o.what, o.status, o.took, o.body, srv.stderr)
		}
	}
	if unavailable < 10 {
		t.Errorf("only %d requests of %d answered 503 during 3 s of outage", unavailable, len(during))
	}
	if ready.status != http.StatusServiceUnavailable || ready.json(t)["status"] != "unavailable" {
		t.Errorf("/readyz during the outage: %d %s", ready.status, ready.body)
	}
	if srv.exited() {
		t.Fatalf("stint serve exited during the outage:\n%s", srv.stderr)
	}

	if out, err := cluster.start(); err != nil {
		t.Fatalf("restart the cluster: %v\n%s", err, out)
	}
	restarted := time.Now()
	deadline := restarted.Add(20 * time.Second)
	for {
		r := call(t, client, "GET", srv.url+"/readyz", "", "")
		if r.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d 20 s after the database came back: %s", r.status, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("ready again %v after the database restarted", time.Since(restarted).Round(10*time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	take() // requests that straddled the restart
	time.Sleep(time.Second)
	after := take()
	if len(after) == 0 {
		t.Fatal("no requests after the recovery")
	}
	for _, o := range after {
		if o.err != nil || o.status/100 != 2 {
			t.Errorf("after the recovery: %s: %v status %d: %s", o.what, o.err, o.status, o.body)
		}
	}
	if srv.exited() {
		t.Fatalf("stint serve exited:\n%s", srv.stderr)
	}
}
