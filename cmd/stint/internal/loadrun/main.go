// Command loadrun drives a steady request mix (time entry creates and lists, timer start and
// stop, summary reports) against two `stint serve` instances sharing one PostgreSQL
// database, on loopback only, and prints every interval the errors so far and the resident
// memory (RSS) of both server processes, so a run shows whether memory stops growing once
// warmed up. It exits non-zero when any request failed.
//
//	go run ./cmd/stint/internal/loadrun -bin bin/stint-headless -admin-db postgres://postgres@127.0.0.1:5432/stint_load
//
// With -admin-db it runs `stint db setup` on that DSN first and serves with the DSN setup
// prints; with -db it serves on an application DSN made earlier.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadrun:", err)
		os.Exit(1)
	}
}

type options struct {
	bin      string
	adminDB  string
	db       string
	duration time.Duration
	interval time.Duration
	rate     int
	workers  int
}

func run() error {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/stint-headless", "the stint binary to serve with")
	flag.StringVar(&o.adminDB, "admin-db", "", "superuser or database-owner DSN: run `stint db setup` on it first")
	flag.StringVar(&o.db, "db", "", "application DSN to serve with (instead of -admin-db)")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long to send requests")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "how often to report memory and errors")
	flag.IntVar(&o.rate, "rate", 100, "requests per second, over both instances")
	flag.IntVar(&o.workers, "workers", 8, "concurrent clients, each its own account")
	flag.Parse()
	if (o.adminDB == "") == (o.db == "") {
		return errors.New("give one of -admin-db and -db")
	}
	if o.rate < o.workers || o.workers < 1 {
		return errors.New("-rate must be at least -workers, and -workers at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dsn := o.db
	if o.adminDB != "" {
		var err error
		if dsn, err = setup(ctx, o.bin, o.adminDB); err != nil {
			return err
		}
	}
	var servers []*instance
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for _, name := range []string{"A", "B"} {
		s, err := startInstance(ctx, o.bin, name, dsn)
		if err != nil {
			return err
		}
		servers = append(servers, s)
	}
	fmt.Printf("serving: A pid %d on %s, B pid %d on %s\n", servers[0].cmd.Process.Pid, servers[0].url,
		servers[1].cmd.Process.Pid, servers[1].url)

	l := &load{servers: servers, client: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.workers, DisableCompression: true}}}
	users := make([]string, o.workers)
	for i := range users {
		tok, err := l.signup(ctx, i)
		if err != nil {
			return fmt.Errorf("sign up client %d: %w", i, err)
		}
		users[i] = tok
	}

	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	perWorker := time.Second * time.Duration(o.workers) / time.Duration(o.rate)
	for i, tok := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.work(runCtx, i, tok, perWorker)
		}()
	}
	start := time.Now()
	fmt.Printf("%8s %10s %10s %10s %8s %8s %8s\n", "elapsed", "A rss MB", "B rss MB", "requests", "errors", "rps", "p99 ms")
	report := func() {
		el := time.Since(start)
		n, e := l.requests.Load(), l.errors.Load()
		fmt.Printf("%8s %10.1f %10.1f %10d %8d %8.0f %8.1f\n", el.Round(time.Second), servers[0].rssMB(), servers[1].rssMB(),
			n, e, float64(n)/el.Seconds(), l.p99())
	}
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case <-tick.C:
			report()
		}
	}
	wg.Wait()
	report()
	for _, s := range servers {
		if s.exited() {
			return fmt.Errorf("instance %s exited during the run; its log: %s", s.name, s.logPath)
		}
	}
	l.mu.Lock()
	byOp := l.byOp
	l.mu.Unlock()
	ops := make([]string, 0, len(byOp))
	for k := range byOp {
		ops = append(ops, k)
	}
	slices.Sort(ops)
	for _, k := range ops {
		fmt.Printf("  %-24s %d\n", k, byOp[k])
	}
	if e := l.errors.Load(); e > 0 {
		fmt.Printf("first error: %s\n", l.firstErr.Load())
		return fmt.Errorf("%d of %d requests failed", e, l.requests.Load())
	}
	fmt.Println("no errors")
	return nil
}

// setup runs `stint db setup` and returns the DSN it prints (its last line of output).
func setup(ctx context.Context, bin, admin string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, "db", "setup", "--db", admin).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("stint db setup: %w: %s", err, ee.Stderr)
		}
		return "", fmt.Errorf("stint db setup: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	dsn := strings.TrimSpace(lines[len(lines)-1])
	if !strings.HasPrefix(dsn, "postgres") {
		return "", fmt.Errorf("stint db setup printed no DSN: %s", out)
	}
	return dsn, nil
}

// instance is one `stint serve` process.
type instance struct {
	name, url, logPath string
	cmd                *exec.Cmd
	done               chan struct{}
}

func startInstance(ctx context.Context, bin, name, dsn string) (*instance, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "stint-load-"+name+"-")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(dir + "/serve.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--auth-rate", "100000", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "STINT_DATA="+dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &instance{name: name, url: "http://" + addr, logPath: logf.Name(), cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if s.exited() || time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			log, _ := os.ReadFile(s.logPath)
			return nil, fmt.Errorf("instance %s did not become ready: %s", name, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *instance) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *instance) stop() {
	if s.exited() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// rssMB is the process's resident set size (VmRSS) in MiB, or -1 once it is gone.
func (s *instance) rssMB() float64 {
	f, err := os.Open("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				return -1
			}
			return float64(kb) / 1024
		}
	}
	return -1
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// load is the request mix and its counters.
type load struct {
	servers  []*instance
	client   *http.Client
	requests atomic.Int64
	errors   atomic.Int64
	firstErr atomic.Value // string
	seq      atomic.Int64

	mu      sync.Mutex
	byOp    map[string]int
	latency []time.Duration // the last latencies, a ring
	next    int
}

const latencyWindow = 4096

func (l *load) signup(ctx context.Context, i int) (string, error) {
	body := fmt.Sprintf(`{"email":"load%d-%d@example.com","password":"load test password","name":"Load %d","organization":"Load %d","timezone":"Europe/Berlin"}`,
		i, time.Now().UnixNano(), i, i)
	var out struct {
		Token string `json:"token"`
	}
	status, b, err := l.do(ctx, l.servers[i%len(l.servers)], http.MethodPost, "/v1/auth/signup", "", body)
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", status, b)
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("no token in %s", b)
	}
	return out.Token, nil
}

// step is one request of the mix; the mix's order keeps the timer's state known, so a stop
// always finds a running timer.
type step struct {
	name, method, path string
	body               func(n int64) string
	want               int
}

var mix = []step{
	{"create entry", http.MethodPost, "/v1/time-entries", func(n int64) string {
		start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
		return fmt.Sprintf(`{"description":"load entry %d","started_at":%q,"stopped_at":%q}`, n,
			start.Format(time.RFC3339), start.Add(20*time.Minute).Format(time.RFC3339))
	}, http.StatusCreated},
	{"list entries", http.MethodGet, "/v1/time-entries?limit=50", nil, http.StatusOK},
	{"start timer", http.MethodPost, "/v1/timer/start", func(n int64) string { return fmt.Sprintf(`{"description":"load timer %d"}`, n) }, http.StatusCreated},
	{"list entries", http.MethodGet, "/v1/time-entries?limit=50", nil, http.StatusOK},
	{"stop timer", http.MethodPost, "/v1/timer/stop", nil, http.StatusOK},
	{"weekly report", http.MethodGet, "/v1/reports/summary?from=2026-01-01&to=2026-01-07", nil, http.StatusOK},
	{"create entry", http.MethodPost, "/v1/time-entries", nil, http.StatusCreated},
	{"list entries", http.MethodGet, "/v1/time-entries?limit=50", nil, http.StatusOK},
}

func init() { mix[6].body = mix[0].body }

// work sends the mix in a loop, one request every pace, alternating instances, until ctx ends.
func (l *load) work(ctx context.Context, worker int, token string, pace time.Duration) {
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		st := mix[i%len(mix)]
		body := ""
		if st.body != nil {
			body = st.body(l.seq.Add(1))
		}
		srv := l.servers[(worker+i)%len(l.servers)]
		began := time.Now()
		// A request cut by the end of the run is neither sent nor counted.
		status, b, err := l.do(context.WithoutCancel(ctx), srv, st.method, st.path, token, body)
		l.record(st.name, srv.name, time.Since(began))
		switch {
		case err != nil:
			l.fail(fmt.Sprintf("%s on %s: %v", st.name, srv.name, err))
		case status != st.want:
			l.fail(fmt.Sprintf("%s on %s: status %d: %.300s", st.name, srv.name, status, b))
		}
	}
}

func (l *load) fail(msg string) {
	l.errors.Add(1)
	l.firstErr.CompareAndSwap(nil, msg)
}

func (l *load) record(op, server string, d time.Duration) {
	l.requests.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byOp == nil {
		l.byOp = map[string]int{}
		l.latency = make([]time.Duration, 0, latencyWindow)
	}
	l.byOp[op+" ("+server+")"]++
	if len(l.latency) < latencyWindow {
		l.latency = append(l.latency, d)
	} else {
		l.latency[l.next] = d
		l.next = (l.next + 1) % latencyWindow
	}
}

// p99 is the 99th percentile latency of the last latencyWindow requests, in milliseconds.
func (l *load) p99() float64 {
	l.mu.Lock()
	s := slices.Clone(l.latency)
	l.mu.Unlock()
	if len(s) == 0 {
		return 0
	}
	slices.Sort(s)
	return float64(s[len(s)*99/100].Microseconds()) / 1000
}

func (l *load) do(ctx context.Context, s *instance, method, path, token, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	r, err := http.NewRequestWithContext(ctx, method, s.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := l.client.Do(r)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
