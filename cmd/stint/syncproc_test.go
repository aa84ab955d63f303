//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestSyncProcesses is issue 10's process-level proof: two devices (the real binary, each
// with its own data directory) make entries with the CLI and sync them through a real
// `stint serve` on PostgreSQL, reached through a TCP proxy of the test's. Meanwhile the
// server is killed (-9) and restarted during rounds, and the proxy cuts the devices off:
// it stops forwarding, then resets every connection and refuses new ones. Once the network
// is back, a few plain rounds must leave both devices and the server with the same entries,
// each made once, none lost.
func TestSyncProcesses(t *testing.T) {
	db := newPGTestDB(t)
	bin := buildStint(t)
	dsn := setupDB(t, bin, db)
	srv := &killableServe{t: t, bin: bin, dsn: dsn, addr: "127.0.0.1:" + strconv.Itoa(freePort(t))}
	srv.start()
	defer srv.kill()
	px := newCutProxy(t, srv.addr)

	client := &http.Client{Timeout: 20 * time.Second}
	res := call(t, client, "POST", "http://"+srv.addr+"/v1/auth/signup", "",
		`{"email":"owner@proc.example.com","password":"correct horse","name":"Owner","organization":"Proc","timezone":"UTC"}`)
	if res.status != http.StatusCreated {
		t.Fatalf("signup: %d %s", res.status, res.body)
	}

	devs := []*procDevice{{t: t, bin: bin, name: "A", data: t.TempDir()}, {t: t, bin: bin, name: "B", data: t.TempDir()}}
	for _, d := range devs {
		if r := d.runStdin("correct horse\n", "remote", "login", px.url(), "--email", "owner@proc.example.com", "--password-stdin"); r.code != 0 {
			t.Fatalf("device %s: remote login: exit %d\n%s%s", d.name, r.code, r.stdout, r.stderr)
		}
	}

	rng := rand.New(rand.NewPCG(10, uint64(time.Now().UnixNano())))
	made := map[string]bool{} // descriptions of every entry the CLI made
	n := 0
	add := func(d *procDevice, count int) {
		for range count {
			start := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
			desc := fmt.Sprintf("%s entry %d", d.name, n)
			n++
			d.ok("entries", "add", "--start", start.Format("2006-01-02 15:04"), "--end", start.Add(40*time.Minute).Format("2006-01-02 15:04"), desc)
			made[desc] = true
		}
	}
	// inBackground starts a round on d and returns a wait for its exit code; a round cut
	// off by the faults fails, which is expected here.
	inBackground := func(d *procDevice) func() int {
		cmd := d.command("sync")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return func() int {
			_ = cmd.Wait()
			return cmd.ProcessState.ExitCode()
		}
	}
	const rounds = 8
	for round := range rounds {
		for _, d := range devs {
			add(d, 4+rng.IntN(6))
		}
		switch round % 4 {
		case 0: // both sync cleanly
			for _, d := range devs {
				d.ok("sync")
			}
		case 1: // the server is killed during both devices' rounds, and comes back
			waits := []func() int{inBackground(devs[0]), inBackground(devs[1])}
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
			srv.kill()
			for _, w := range waits {
				w()
			}
			srv.start()
		case 2: // answers stop coming back (the server has done the work), then the
			// network drops; a round while it is cut fails
			px.stall()
			waits := []func() int{inBackground(devs[0]), inBackground(devs[1])}
			time.Sleep(time.Duration(300+rng.IntN(300)) * time.Millisecond)
			px.cut()
			for _, w := range waits {
				w()
			}
			if r := devs[rng.IntN(2)].run("sync"); r.code == 0 {
				t.Fatalf("round %d: a sync with the network cut succeeded:\n%s", round, r.stdout)
			}
			px.heal()
		case 3: // the server is killed while the network is cut, then both come back
			wait := inBackground(devs[round%2])
			time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
			px.cut()
			srv.kill()
			wait()
			srv.start()
			px.heal()
		}
	}

	// Healed: plain rounds until both devices have nothing waiting and nothing new to pull.
	for i := 0; ; i++ {
		quiet := true
		for _, d := range devs {
			r := d.run("sync")
			if r.code != 0 {
				t.Fatalf("device %s: sync after healing: exit %d\n%s%s\nserver:\n%s", d.name, r.code, r.stdout, r.stderr, srv.log.String())
			}
			var st struct {
				Pending int `json:"pending"`
			}
			d.okJSON(&st, "sync", "status", "--json")
			quiet = quiet && st.Pending == 0
		}
		if quiet && i >= 1 {
			break
		}
		if i == 5 {
			t.Fatal("the devices still have changes waiting after six rounds with the network healed")
		}
	}

	want := sortedKeys(made)
	server := serverEntries(t, db.admin)
	if got := sortedDescriptions(server); !equalStrings(got, want) {
		t.Errorf("server has %d entries, want the %d made; %s", len(got), len(want), diffStrings(got, want))
	}
	for _, d := range devs {
		var list []struct {
			ID          string `json:"id"`
			Description string `json:"description"`
		}
		d.okJSON(&list, "entries", "--from", "2025-01-01", "--to", "2027-01-01", "--json")
		got := map[string]string{}
		var descs []string
		for _, e := range list {
			got[e.ID] = e.Description
			descs = append(descs, e.Description)
		}
		sort.Strings(descs)
		if !equalStrings(descs, want) {
			t.Errorf("device %s has %d entries, want the %d made; %s", d.name, len(descs), len(want), diffStrings(descs, want))
		}
		for id, desc := range server {
			if got[id] != desc {
				t.Errorf("device %s: entry %s is %q, the server's %q", d.name, id, got[id], desc)
			}
		}
	}
}

// serverEntries reads the server's live entries (id → description) from its database.
func serverEntries(t *testing.T, adminDSN string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = "stint"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id::text, description FROM time_entries WHERE deleted_at IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var id, desc string
		if err := rows.Scan(&id, &desc); err != nil {
			t.Fatal(err)
		}
		out[id] = desc
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedDescriptions(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// diffStrings says what got lacks of want and what it has twice or beyond it.
func diffStrings(got, want []string) string {
	n := map[string]int{}
	for _, s := range got {
		n[s]++
	}
	var missing, extra []string
	for _, s := range want {
		if n[s] == 0 {
			missing = append(missing, s)
		}
		n[s]--
	}
	for s, c := range n {
		for range c {
			extra = append(extra, s)
		}
	}
	sort.Strings(extra)
	return fmt.Sprintf("missing %q, extra or twice %q", missing, extra)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// procDevice is a device: the real binary on a data directory of its own.
type procDevice struct {
	t         *testing.T
	bin, name string
	data      string
}

type procResult struct {
	code           int
	stdout, stderr string
}

func (d *procDevice) command(args ...string) *exec.Cmd {
	cmd := exec.Command(d.bin, append([]string{"--data", d.data}, args...)...)
	cmd.Env = append(os.Environ(), "STINT_DATA=", "STINT_DB=", "STINT_ADDR=", "TZ=UTC")
	return cmd
}

func (d *procDevice) runStdin(stdin string, args ...string) procResult {
	d.t.Helper()
	cmd := d.command(args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		d.t.Fatalf("device %s: stint %s: %v", d.name, strings.Join(args, " "), err)
	}
	return procResult{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errOut.String()}
}

func (d *procDevice) run(args ...string) procResult { d.t.Helper(); return d.runStdin("", args...) }

func (d *procDevice) ok(args ...string) string {
	d.t.Helper()
	r := d.run(args...)
	if r.code != 0 {
		d.t.Fatalf("device %s: stint %s: exit %d\n%s%s", d.name, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func (d *procDevice) okJSON(v any, args ...string) {
	d.t.Helper()
	out := d.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		d.t.Fatalf("device %s: stint %s printed %q: %v", d.name, strings.Join(args, " "), out, err)
	}
}

// killableServe is `stint serve --db postgres://…` on a fixed address, killed with SIGKILL
// and started again at will.
type killableServe struct {
	t         *testing.T
	bin, dsn  string
	addr      string
	cmd       *exec.Cmd
	done      chan struct{}
	log       lockedBuffer
	dataDir   string
	startedAt int
}

func (s *killableServe) start() {
	s.t.Helper()
	if s.dataDir == "" {
		s.dataDir = s.t.TempDir()
	}
	s.startedAt++
	cmd := exec.Command(s.bin, "serve", "--db", s.dsn, "--addr", s.addr, "--auth-rate", "100000")
	cmd.Env = append(os.Environ(), "STINT_LOG_LEVEL=warn", "STINT_DATA="+s.dataDir, "STINT_ADDR=", "STINT_DB=",
		"STINT_ALLOWED_HOSTS=", "STINT_SIGNUP=", "STINT_LOGIN_LIMIT=", "STINT_AUTH_RATE=")
	cmd.Stderr = &s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := client.Get("http://" + s.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			s.t.Fatalf("stint serve (start %d) exited before it was ready:\n%s", s.startedAt, s.log.String())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("stint serve (start %d) not ready after 60s (last error %v):\n%s", s.startedAt, err, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone; a stopped server is left alone.
func (s *killableServe) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// cutProxy forwards TCP connections to a target, and can stop forwarding the target's
// answers (stall: requests still reach it), drop every connection with a reset and refuse
// new ones (cut), and heal.
type cutProxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[net.Conn]bool
	cutOff  bool
	stalled chan struct{} // closed while forwarding runs; a fresh open channel while stalled
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{t: t, ln: ln, target: target, conns: map[net.Conn]bool{}, stalled: make(chan struct{})}
	close(p.stalled)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.heal() // lets stalled copies see their reset connections and end
	})
	return p
}

func (p *cutProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		off := p.cutOff
		if !off {
			p.conns[c] = true
		}
		p.mu.Unlock()
		if off {
			reset(c)
			continue
		}
		go p.forward(c)
	}
}

func (p *cutProxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		p.drop(c)
		return
	}
	p.mu.Lock()
	if p.cutOff {
		p.mu.Unlock()
		reset(c)
		up.Close()
		return
	}
	p.conns[up] = true
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.copy(up, c, false) }()
	go func() { defer wg.Done(); p.copy(c, up, true) }()
	wg.Wait()
	p.drop(c)
	p.drop(up)
}

// copy forwards from src to dst; answers (the target's side) wait while the proxy is
// stalled.
func (p *cutProxy) copy(dst, src net.Conn, answers bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && answers {
			p.mu.Lock()
			gate := p.stalled
			p.mu.Unlock()
			<-gate
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				reset(dst)
			} else if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

func (p *cutProxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// stall stops forwarding answers: connections stay open, requests reach the target, and
// nothing comes back.
func (p *cutProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.stalled:
		p.stalled = make(chan struct{})
	default:
	}
}

// cut resets every connection and refuses new ones until heal.
func (p *cutProxy) cut() {
	p.mu.Lock()
	p.cutOff = true
	conns := p.conns
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
	for c := range conns {
		reset(c)
	}
}

// heal forwards again.
func (p *cutProxy) heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutOff = false
	select {
	case <-p.stalled:
	default:
		close(p.stalled)
	}
}

// reset closes c with a TCP reset rather than an orderly close.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}
