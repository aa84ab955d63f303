//go:build linux

package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kardianos/service"
)

func TestServeArgs(t *testing.T) {
	tests := []struct {
		name string
		set  serviceSettings
		want []string
	}{
		{"nothing given: the config file and the defaults decide", serviceSettings{config: "/etc/stint/stint.toml"},
			[]string{"serve", "--config", "/etc/stint/stint.toml"}},
		{"address and data given", serviceSettings{addr: "127.0.0.1:8736", data: "/var/lib/stint"},
			[]string{"serve", "--addr", "127.0.0.1:8736", "--data", "/var/lib/stint"}},
		{"config when given", serviceSettings{addr: "0.0.0.0:80", data: "/d", config: "/etc/stint/stint.toml"},
			[]string{"serve", "--addr", "0.0.0.0:80", "--data", "/d", "--config", "/etc/stint/stint.toml"}},
		{"database when given", serviceSettings{db: "postgres://h/db"},
			[]string{"serve", "--db", "postgres://h/db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serveArgs(tt.set); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("serveArgs = %q, want %q", got, tt.want)
			}
		})
	}
	run := runArgs("stint", "/var/log/stint/stint.log", "stint", []string{"data_dir=/var/lib/stint"}, []string{"serve", "--addr", "a:1"})
	want := []string{"service", "run", "--name", "stint", "--log-file", "/var/log/stint/stint.log", "--run-as", "stint",
		"--default", "data_dir=/var/lib/stint", "--", "serve", "--addr", "a:1"}
	if !reflect.DeepEqual(run, want) {
		t.Errorf("runArgs = %q, want %q", run, want)
	}
}

func TestServiceNameAndMask(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"stint", true}, {"stint-test-0a1b", true}, {"", false}, {"../etc", false}, {"Stint", false},
		{"-x", false}, {"a b", false}, {strings.Repeat("a", 33), false}} {
		if err := checkServiceName(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkServiceName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://app:s3cret@db/stint", "postgres://app:xxxxx@db/stint"},
		{"host=db user=app password=s3cret dbname=stint", "(a DSN with a password)"},
		{"postgres://app@db/stint", "postgres://app@db/stint"},
	} {
		got := maskArgs([]string{"serve", "--db", tt.dsn, "--data", "/d"})
		if got[2] != tt.want || got[4] != "/d" {
			t.Errorf("maskArgs(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// TestServiceConfigFor: --config must exist and is made absolute; without it a system service
// reads /etc/NAME/NAME.toml only when that file exists, and a per-user service none.
func TestServiceConfigFor(t *testing.T) {
	dir := t.TempDir()
	given := filepath.Join(dir, "stint.toml")
	writeFile(t, given, "", 0o600)
	name := "stint-test-" + randomHex(t, 4)
	if got, err := serviceConfigFor(name, false, given); err != nil || got != given {
		t.Errorf("given file: %q, %v", got, err)
	}
	if _, err := serviceConfigFor(name, false, filepath.Join(dir, "missing.toml")); err == nil {
		t.Error("a missing --config file was accepted")
	}
	if got, err := serviceConfigFor(name, false, ""); err != nil || got != "" {
		t.Errorf("no file at the default path: %q, %v; want none", got, err)
	}
	if os.Geteuid() != 0 {
		return // the rest writes to /etc
	}
	def := serviceConfigFile(name)
	if err := os.MkdirAll(filepath.Dir(def), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(def)) })
	writeFile(t, def, "", 0o640)
	if got, err := serviceConfigFor(name, false, ""); err != nil || got != def {
		t.Errorf("default file exists: %q, %v; want %s", got, err, def)
	}
	if got, err := serviceConfigFor(name, true, ""); err != nil || got != "" {
		t.Errorf("per-user service: %q, %v; want none", got, err)
	}
}

// TestSysvScriptQuotes runs the command line the init script holds through a shell: every
// argument must arrive as it was given, spaces, quotes and dollars included.
func TestSysvScriptQuotes(t *testing.T) {
	args := []string{"plain", "with space", "it's", `"double"`, "$HOME", "`id`", "a\\b", ""}
	script, err := newSysvScript("x", "printf", append([]string{`%s\n`}, args...), "/log").render()
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "'printf'") {
			line = strings.TrimSuffix(strings.TrimSpace(l), ` >>"$console_log" 2>&1 &`)
		}
	}
	if line == "" {
		t.Fatalf("no command line in the script:\n%s", script)
	}
	out, err := exec.Command("sh", "-c", line).Output()
	if err != nil {
		t.Fatalf("sh -c %s: %v", line, err)
	}
	if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !reflect.DeepEqual(got, args) {
		t.Errorf("arguments arrive as %q, want %q", got, args)
	}
	if _, err := newSysvScript("x", "stint", []string{"--data", "/a/{{b}}"}, "/log").render(); err == nil {
		t.Error("a setting with {{ rendered; kardianos' template engine would read it")
	}
}

// TestSysvScriptStop drives the init script as a non-root user with its paths in a temp
// directory: start, status, stop. The process traps SIGTERM and takes a moment to exit, so
// stop must wait for it; it runs as an orphan of this test process, made a child subreaper
// that never reaps, so it turns into a zombie when it exits (as under an init that does not
// reap) and stop must still see it gone.
func TestSysvScriptStop(t *testing.T) {
	if err := setChildSubreaper(1); err != nil {
		t.Skipf("cannot become a child subreaper: %v", err)
	}
	t.Cleanup(func() { _ = setChildSubreaper(0) })
	dir := t.TempDir()
	exited := filepath.Join(dir, "exited")
	worker := filepath.Join(dir, "worker")
	writeFile(t, worker, "#!/bin/sh\ntrap 'sleep 1; touch \""+exited+"\"; exit 0' TERM\nwhile :; do sleep 0.1; done\n", 0o755)
	s := sysvScript{name: "stint-unit", command: []string{worker}, pidFile: filepath.Join(dir, "pid"),
		consoleLog: filepath.Join(dir, "console.log"), stopTimeout: 10}
	text, err := s.render()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "init")
	writeFile(t, script, text, 0o755)
	initd := func(action string) (string, int) {
		t.Helper()
		out, err := exec.Command(script, action).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %s: %v", script, action, err)
		}
		return string(out), 0
	}
	if out, code := initd("status"); code != 3 {
		t.Fatalf("status before start: exit %d (%s), want 3 (stopped)", code, out)
	}
	if out, code := initd("start"); code != 0 {
		t.Fatalf("start: exit %d: %s", code, out)
	}
	pidText, err := os.ReadFile(s.pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidText)))
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL); reapZombie(pid) })
	if out, code := initd("status"); code != 0 || !strings.Contains(out, "Running") {
		t.Fatalf("status after start: exit %d: %s", code, out)
	}
	begin := time.Now()
	if out, code := initd("stop"); code != 0 || !strings.Contains(out, "Stopped") {
		t.Fatalf("stop: exit %d after %v: %s", code, time.Since(begin).Round(time.Millisecond), out)
	}
	if _, err := os.Stat(exited); err != nil {
		t.Errorf("stop returned before the process finished its SIGTERM handler: %v", err)
	}
	if alive(pid) {
		t.Errorf("process %d still alive after stop", pid)
	}
	if _, err := os.Stat(s.pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file after stop: %v", err)
	}
	if out, code := initd("status"); code != 3 {
		t.Errorf("status after stop: exit %d (%s), want 3", code, out)
	}
}

// TestServiceUserOnSystemV: System V has no per-user services, so install --user is a usage
// error (exit 2) that says what to do instead, and installs nothing.
func TestServiceUserOnSystemV(t *testing.T) {
	if p := service.Platform(); p != platformSystemV {
		t.Skipf("covers System V init; this machine uses %s", p)
	}
	name := "stint-test-" + randomHex(t, 4)
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"service", "install", "--user", "--name", name, "--data", t.TempDir()},
		&stdout, &stderr, func(string) string { return "" })
	if code != 2 {
		t.Errorf("exit %d, want 2; stderr %s", code, stderr.String())
	}
	for _, want := range []string{"no per-user services", "sudo stint service install", "stint serve"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %s", want, stderr.String())
		}
	}
	if _, err := os.Lstat(sysvInitScript(name)); err == nil {
		t.Errorf("install --user wrote %s", sysvInitScript(name))
	}
}

// TestServiceSystemV is the round trip on this machine's init system with the real binary:
// install, start, API requests, status, stop, restart, uninstall, and nothing left behind.
// It runs under a name of its own (stint-test-…), so a real installation is never touched.
func TestServiceSystemV(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the service test installs a system service and needs root; CI must run it as root")
		}
		t.Skip("installs a system service: needs root")
	}
	if p := service.Platform(); p != platformSystemV {
		t.Skipf("this test covers System V init; this machine uses %s", p)
	}
	bin := buildStint(t)
	cleanTestServices(t, bin)

	name := "stint-test-" + randomHex(t, 4)
	base := t.TempDir()
	// The service user must reach the data directory through the test's directories.
	for d := base; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(base, "data")
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	// The service's settings live in its config file: install is given only the file.
	cfg := filepath.Join(base, "stint.toml")
	writeConfig := func(addr string) {
		writeFile(t, cfg, "# the test service\naddr = \""+addr+"\"\ndata_dir = \""+data+"\"\n", 0o644)
	}
	writeConfig(addr)
	stint := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append(args, "--name", name)...)
		cmd.Env = append(os.Environ(), "STINT_ADDR=", "STINT_DATA=", "STINT_CONFIG=", "STINT_DB=", "STINT_SERVICE_NAME=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := stint(args...)
		if err != nil {
			t.Fatalf("stint %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	status := func() string {
		t.Helper()
		var st serviceState
		out := must("service", "status", "--json")
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("status --json: %v: %s", err, out)
		}
		return st.Status
	}
	t.Cleanup(func() { _, _ = stint("service", "uninstall", "--purge") })

	must("service", "install", "--config", cfg)
	if script, err := os.ReadFile(sysvInitScript(name)); err != nil {
		t.Fatal(err)
	} else if bytes.Contains(script, []byte("'--addr'")) || bytes.Contains(script, []byte("'--data'")) {
		t.Errorf("the init script passes --addr or --data, which would outrank the config file:\n%s", script)
	}
	created := []string{sysvInitScript(name), serviceLogDir(name)}
	for _, rc := range []string{"2", "3", "4", "5"} {
		created = append(created, "/etc/rc"+rc+".d/S50"+name)
	}
	for _, rc := range []string{"0", "1", "6"} {
		created = append(created, "/etc/rc"+rc+".d/K02"+name)
	}
	for _, p := range created {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("install made no %s: %v", p, err)
		}
	}
	acct, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("service user: %v", err)
	}
	if acct.HomeDir != data || acct.Name != serviceAccountComment {
		t.Errorf("service user home %q comment %q, want %q and %q", acct.HomeDir, acct.Name, data, serviceAccountComment)
	}
	if shell := passwdField(t, name, 6); !strings.HasSuffix(shell, "nologin") && shell != "/bin/false" {
		t.Errorf("service user shell %q, want no login", shell)
	}
	uid, _ := strconv.Atoi(acct.Uid)
	checkOwned(t, data, uid, 0o700)
	checkOwned(t, serviceLogDir(name), uid, 0o750)
	if got := status(); got != "stopped" {
		t.Fatalf("status after install: %s", got)
	}

	must("service", "start")
	if got := status(); got != "running" {
		t.Fatalf("status after start: %s", got)
	}
	pid := servicePid(t, name)
	if got := procUID(t, pid); got != uid {
		t.Errorf("serve runs as uid %d, want the service user's %d", got, uid)
	}
	api := &apiClient{t: t, base: "http://" + addr}
	api.waitHealthy()
	var signup struct{ Token string }
	const password = "correct horse battery"
	if code := api.do(http.MethodPost, "/v1/auth/signup", "", `{"email":"svc@example.com","password":"`+password+`","name":"Svc","organization":"Svc Ltd"}`, &signup); code != http.StatusCreated {
		t.Fatalf("signup: %d", code)
	}
	var project struct{ ID string }
	if code := api.do(http.MethodPost, "/v1/projects", signup.Token, `{"name":"Written before the stop"}`, &project); code != http.StatusCreated {
		t.Fatalf("create project: %d", code)
	}

	must("service", "stop")
	if got := status(); got != "stopped" {
		t.Fatalf("status after stop: %s", got)
	}
	if alive(pid) {
		t.Fatalf("serve (pid %d) still runs after stop returned", pid)
	}
	logFile := filepath.Join(serviceLogDir(name), name+".log")
	checkOwned(t, logFile, uid, 0o600)
	checkLog(t, logFile, []string{"starting", "stopped"}, []string{password, signup.Token})

	must("service", "restart")
	if got := status(); got != "running" {
		t.Fatalf("status after restart: %s", got)
	}
	api.waitHealthy()
	var got struct{ Name string }
	if code := api.do(http.MethodGet, "/v1/projects/"+project.ID, signup.Token, "", &got); code != http.StatusOK || got.Name != "Written before the stop" {
		t.Fatalf("the project written before the stop: %d %+v", code, got)
	}
	old := servicePid(t, name)
	must("service", "restart")
	if now := servicePid(t, name); now == old || alive(old) {
		t.Errorf("restart of a running service: pid %d before, %d after, old alive %v", old, now, alive(old))
	}
	api.waitHealthy()

	// Edit the file's address and restart: the service listens on the new one.
	moved := "127.0.0.1:" + strconv.Itoa(freePort(t))
	writeConfig(moved)
	must("service", "restart")
	api = &apiClient{t: t, base: "http://" + moved}
	api.waitHealthy()
	if resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("the service still answers on %s after the config file moved it to %s", addr, moved)
	}

	newPid := servicePid(t, name)
	must("service", "uninstall")
	if alive(newPid) {
		t.Errorf("serve (pid %d) still runs after uninstall", newPid)
	}
	if got := status(); got != "not installed" {
		t.Errorf("status after uninstall: %s", got)
	}
	leftovers := append(created, sysvPidFile(name), "/var/log/"+name+".log", "/var/log/"+name+".err")
	for _, p := range leftovers {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("uninstall left %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(data, dbFileName)); err != nil {
		t.Errorf("uninstall without --purge removed the data: %v", err)
	}
	if _, err := user.Lookup(name); err != nil {
		t.Errorf("uninstall without --purge removed the service user: %v", err)
	}

	must("service", "uninstall", "--purge")
	if _, err := os.Lstat(data); err == nil {
		t.Errorf("uninstall --purge left the data directory %s", data)
	}
	if _, err := user.Lookup(name); err == nil {
		t.Errorf("uninstall --purge left the user %s", name)
	}
	if _, err := user.LookupGroup(name); err == nil {
		t.Errorf("uninstall --purge left the group %s", name)
	}
	for _, p := range leftovers {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("uninstall --purge left %s", p)
		}
	}
	if _, err := os.Stat(cfg); err != nil {
		t.Errorf("uninstall --purge removed the administrator's config file: %v", err)
	}

	// Without a config file, install writes a starter one for the service's settings, and a
	// DSN's password goes there instead of onto the command line.
	const dbPassword = "pw-" + "on-no-command-line"
	must("service", "install", "--db", "postgres://app:"+dbPassword+"@127.0.0.1:1/stint")
	starter := serviceConfigFile(name)
	fi, err := os.Stat(starter)
	if err != nil {
		t.Fatalf("install wrote no starter config file: %v", err)
	}
	grp, err := user.LookupGroup(name)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); fi.Mode().Perm() != 0o640 || st.Uid != 0 || strconv.Itoa(int(st.Gid)) != grp.Gid {
		t.Errorf("%s: mode %v owner %d:%d, want 0640 root:%s", starter, fi.Mode().Perm(), st.Uid, st.Gid, name)
	}
	if script, err := os.ReadFile(sysvInitScript(name)); err != nil {
		t.Fatal(err)
	} else if bytes.Contains(script, []byte(dbPassword)) {
		t.Errorf("the init script holds the database password")
	}
	var shown struct{ Settings []shownSetting }
	show := exec.Command(bin, "config", "show", "--json", "--config", starter)
	show.Env = append(os.Environ(), "STINT_ADDR=", "STINT_DATA=", "STINT_CONFIG=", "STINT_DB=")
	if out, err := show.Output(); err != nil {
		t.Fatalf("config show: %v", err)
	} else if err := json.Unmarshal(out, &shown); err != nil {
		t.Fatal(err)
	}
	for _, s := range shown.Settings {
		if s.Key == keyDataDir && (s.Value != serviceDataDir(name) || !strings.HasPrefix(s.Source, "file:")) ||
			s.Key == keyDB && !strings.HasPrefix(s.Source, "file:") {
			t.Errorf("config show of the starter file: %s = %v from %s", s.Key, s.Value, s.Source)
		}
	}
	must("service", "uninstall", "--purge")
	if _, err := os.Lstat(filepath.Dir(starter)); err == nil {
		t.Errorf("uninstall --purge left %s", filepath.Dir(starter))
	}
}

// cleanTestServices removes what an earlier, failed run of the test left: every
// stint-test-* init script, rc link, user, log directory and pid file.
func cleanTestServices(t *testing.T, bin string) {
	t.Helper()
	names := map[string]bool{}
	for _, pattern := range []string{"/etc/init.d/stint-test-*", "/etc/stint-test-*", "/var/log/stint-test-*", "/var/run/stint-test-*.pid",
		"/etc/rc?.d/[SK][0-9][0-9]stint-test-*"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			n := strings.TrimSuffix(filepath.Base(m), ".pid")
			names[n[strings.Index(n, "stint-test-"):]] = true
		}
	}
	if f, err := os.Open("/etc/passwd"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if n, _, _ := strings.Cut(sc.Text(), ":"); strings.HasPrefix(n, "stint-test-") {
				names[n] = true
			}
		}
		f.Close()
	}
	for n := range names {
		out, err := exec.Command(bin, "service", "uninstall", "--purge", "--name", n).CombinedOutput()
		t.Logf("cleaning %s from an earlier run: %v %s", n, err, out)
	}
}

// apiClient sends JSON requests to the service.
type apiClient struct {
	t    *testing.T
	base string
}

func (a *apiClient) waitHealthy() {
	a.t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(a.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("/healthz not OK after 30s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (a *apiClient) do(method, path, token, body string, out any) int {
	a.t.Helper()
	req, err := http.NewRequest(method, a.base+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

// checkLog reads the service's log: every line a JSON object, the messages in want present,
// none of the secrets anywhere.
func checkLog(t *testing.T, path string, want, secrets []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("log: %v", err)
	}
	msgs := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var rec struct{ Msg string }
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Errorf("log line is not JSON: %v: %s", err, line)
		}
		msgs[rec.Msg] = true
	}
	for _, m := range want {
		if !msgs[m] {
			t.Errorf("log has no %q message:\n%s", m, b)
		}
	}
	for _, s := range secrets {
		if s != "" && bytes.Contains(b, []byte(s)) {
			t.Errorf("log contains a secret (%d characters)", len(s))
		}
	}
}

func checkOwned(t *testing.T, path string, uid int, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if got := int(fi.Sys().(*syscall.Stat_t).Uid); got != uid {
		t.Errorf("%s owned by uid %d, want %d", path, got, uid)
	}
	if fi.Mode().Perm() != mode {
		t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), mode)
	}
}

func servicePid(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(sysvPidFile(name))
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	return pid
}

// procUID is the real uid of a running process.
func procUID(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatalf("process %d: %v", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			uid, _ := strconv.Atoi(strings.Fields(rest)[0])
			return uid
		}
	}
	t.Fatalf("process %d: no Uid line", pid)
	return -1
}

// alive says whether pid runs; a zombie has exited.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndex(s, ") "); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}

// reapZombie collects pid if it is this process's exited child.
func reapZombie(pid int) {
	var ws syscall.WaitStatus
	_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
}

// setChildSubreaper (on 1, off 0) makes orphaned descendants children of this process.
func setChildSubreaper(on uintptr) error {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, on, 0); errno != 0 {
		return errno
	}
	return nil
}

func passwdField(t *testing.T, name string, field int) string {
	t.Helper()
	out, err := exec.Command("getent", "passwd", name).Output()
	if err != nil {
		t.Fatalf("getent passwd %s: %v", name, err)
	}
	fields := strings.Split(strings.TrimSpace(string(out)), ":")
	if len(fields) <= field {
		t.Fatalf("getent passwd %s: %q", name, out)
	}
	return fields[field]
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}
