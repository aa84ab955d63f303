package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// berlin is the zone the tests' workspace lives in; November there is UTC+1.
const berlin = "Europe/Berlin"

// testNow is a Wednesday: 11:00 in Berlin, in the week of Monday 2026-11-23.
func testNow() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }

// harness runs the CLI in-process against a fresh data directory with a settable clock.
type harness struct {
	t     *testing.T
	data  string
	env   map[string]string
	clock *app.FixedClock
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	root := t.TempDir()
	h := &harness{
		t:     t,
		data:  filepath.Join(root, "data"),
		clock: app.NewFixedClock(testNow()),
	}
	h.env = map[string]string{"STINT_DATA": h.data, "TZ": berlin, "HOME": filepath.Join(root, "home"), "USER": "tester"}
	return h
}

// result is one CLI invocation's outcome.
type result struct {
	code           int
	stdout, stderr string
}

func (h *harness) run(args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
	code := c.exit(c.dispatch(context.Background(), args))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// ok runs args and fails the test unless they succeed; it returns stdout.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 0 {
		h.t.Fatalf("stint %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// okJSON runs args and decodes their JSON output into v.
func (h *harness) okJSON(v any, args ...string) {
	h.t.Helper()
	out := h.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		h.t.Fatalf("stint %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// seed opens the data directory's store directly, as another program would, and lets fn
// write through the service as the local workspace owner.
func (h *harness) seed(fn func(ctx context.Context, svc *app.Service, a app.Actor)) {
	h.t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(h.data, 0o700); err != nil {
		h.t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(h.data, dbFileName))
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Clock: h.clock})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Seeder", Organization: "Personal", Timezone: berlin})
	if err != nil {
		h.t.Fatal(err)
	}
	fn(ctx, svc, a)
}

func TestFirstUseCreatesWorkspace(t *testing.T) {
	h := newHarness(t)
	r := h.run("timer", "status")
	if r.code != 0 || r.stdout != "No timer is running.\n" {
		t.Fatalf("first run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Created a local workspace in "+h.data) || !strings.Contains(r.stderr, berlin) {
		t.Errorf("first run should announce the new workspace, stderr: %q", r.stderr)
	}
	if fi, err := os.Stat(h.data); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode %v, want 0700", fi.Mode().Perm())
	}
	if fi, err := os.Stat(filepath.Join(h.data, dbFileName)); err != nil {
		t.Fatalf("database file: %v", err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}

	r = h.run("timer", "status")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("second run: exit %d, stderr %q; the workspace should be reused silently", r.code, r.stderr)
	}

	var ws []app.TimeEntry
	h.okJSON(&ws, "entries", "--json")
	if len(ws) != 0 {
		t.Errorf("a new workspace has %d entries", len(ws))
	}
}

func TestTimerStartStatusStop(t *testing.T) {
	h := newHarness(t)
	if got, want := h.ok("timer", "start", "writing", "docs"), "Started \"writing docs\" at 11:00.\n"; got != want {
		t.Errorf("start: got %q, want %q", got, want)
	}
	h.clock.Advance(12*time.Minute + 3*time.Second)
	if got, want := h.ok("timer", "status"), "Running \"writing docs\": 0:12:03 (since 11:00).\n"; got != want {
		t.Errorf("status: got %q, want %q", got, want)
	}
	var st timerStatusJSON
	h.okJSON(&st, "timer", "status", "--json")
	if !st.Running || st.ElapsedSeconds != 723 || st.Entry == nil || st.Entry.Description != "writing docs" || st.Entry.Timezone != berlin {
		t.Errorf("status --json: %+v", st)
	}

	if got, want := h.ok("timer", "stop"), "Stopped \"writing docs\" after 0:12:03 (11:00–11:12).\n"; got != want {
		t.Errorf("stop: got %q, want %q", got, want)
	}
	if got := h.ok("timer", "status"); got != "No timer is running.\n" {
		t.Errorf("status after stop: %q", got)
	}
	var none timerStatusJSON
	h.okJSON(&none, "timer", "status", "--json")
	if none.Running || none.Entry != nil {
		t.Errorf("status --json with nothing running: %+v", none)
	}

	r := h.run("timer", "stop")
	if r.code != 1 || r.stderr != "stint: no timer is running\n" || r.stdout != "" {
		t.Errorf("stop with nothing running: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// JSON output of start and stop is the entry itself.
	var started, stopped app.TimeEntry
	h.okJSON(&started, "timer", "start", "--json", "second")
	h.clock.Advance(time.Minute)
	h.okJSON(&stopped, "timer", "stop", "--json")
	if started.ID != stopped.ID || started.StoppedAt != nil || stopped.StoppedAt == nil || stopped.Duration(testNow()) != time.Minute {
		t.Errorf("start/stop --json: started %+v, stopped %+v", started, stopped)
	}
}

func TestTimerSwitching(t *testing.T) {
	h := newHarness(t)
	h.ok("timer", "start", "first")
	h.clock.Advance(5 * time.Minute)
	out := h.ok("timer", "start", "second")
	want := "Stopped \"first\" after 0:05:00.\nStarted \"second\" at 11:05.\n"
	if out != want {
		t.Errorf("switch: got %q, want %q", out, want)
	}
	var list []app.TimeEntry
	h.okJSON(&list, "entries", "--json")
	if len(list) != 2 {
		t.Fatalf("got %d entries, want 2", len(list))
	}
	if list[0].Description != "second" || !list[0].Running() {
		t.Errorf("newest entry should be the running one: %+v", list[0])
	}
	if list[1].Description != "first" || list[1].Running() || list[1].Duration(testNow()) != 5*time.Minute {
		t.Errorf("older entry should be stopped after 5m: %+v", list[1])
	}
}

func TestProjects(t *testing.T) {
	h := newHarness(t)
	if got := h.ok("projects"); !strings.Contains(got, "No projects yet") {
		t.Errorf("empty list: %q", got)
	}
	if got, want := h.ok("projects", "add", "Acme", "--color", "#FF0000", "--billable"), "Added billable project \"Acme\" (#ff0000).\n"; got != want {
		t.Errorf("add: got %q, want %q", got, want)
	}
	if got := h.ok("projects", "add", "--", "Client", "work"); !strings.HasPrefix(got, "Added project \"Client work\" (#") {
		t.Errorf("add with spaces: %q", got)
	}
	var ps []app.Project
	h.okJSON(&ps, "projects", "--json")
	if len(ps) != 2 {
		t.Fatalf("got %d projects, want 2: %+v", len(ps), ps)
	}
	list := h.ok("projects")
	for _, want := range []string{"NAME", "Acme", "#ff0000", "yes", "Client work", "no"} {
		if !strings.Contains(list, want) {
			t.Errorf("projects list lacks %q:\n%s", want, list)
		}
	}

	var acme app.Project
	for _, p := range ps {
		if p.Name == "Acme" {
			acme = p
		}
	}
	var e app.TimeEntry
	h.okJSON(&e, "timer", "start", "--project", "ACME", "--json", "billing")
	if e.ProjectID == nil || *e.ProjectID != acme.ID || !e.Billable {
		t.Errorf("timer on a billable project: %+v", e)
	}
	if got := h.ok("timer", "status"); got != "Running \"billing\" on Acme: 0:00:00 (since 11:00).\n" {
		t.Errorf("status with project: %q", got)
	}
	if got := h.ok("timer", "start", "--project", "acme"); got != "Stopped \"billing\" on Acme after 0:00:00.\nStarted a timer on Acme at 11:00.\n" {
		t.Errorf("start without description: %q", got)
	}
}

func TestErrors(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole line, or a part of it when it ends with "…"
	}{
		{"unknown command", []string{"frobnicate"}, 2, "stint: unknown command \"frobnicate\" (run 'stint help' for the list)"},
		{"unknown flag", []string{"timer", "start", "--bogus"}, 2, "stint: timer start: flag provided but not defined: -bogus (see 'stint timer start -h')"},
		{"timer without subcommand", []string{"timer"}, 2, "stint: timer: say start, stop, status or idle…"},
		{"unknown timer subcommand", []string{"timer", "pause"}, 2, "stint: timer: unknown subcommand \"pause\"…"},
		{"stray argument", []string{"timer", "stop", "now"}, 2, "stint: timer stop: unexpected argument \"now\"…"},
		{"projects subcommand", []string{"projects", "remove", "x"}, 2, "stint: projects: unknown subcommand \"remove\"…"},
		{"project without name", []string{"projects", "add"}, 2, "stint: projects add: give the project a name…"},
		{"bad time", []string{"entries", "--from", "someday"}, 2, "stint: entries: --from: time \"someday\"…"},
		{"no help topic", []string{"help", "nope"}, 2, "stint: no help for \"nope\"…"},
		{"bad log level", []string{"serve", "--log-level", "loud"}, 2, "stint: --log-level: \"loud\": use debug, info, warn or error"},
		{"missing project", []string{"timer", "start", "--project", "Nope"}, 1, "stint: no project named \"Nope\"; create it with: stint projects add \"Nope\""},
		{"duplicate project", []string{"projects", "add", "acme"}, 1, "stint: a project with this name already exists"},
		{"validation", []string{"projects", "add", "Beta", "--color", "red"}, 1, "stint: color: must be a colour like #4f7cff"},
		{"range", []string{"entries", "--from", "2026-11-20", "--to", "2026-11-10 10:00"}, 1, "stint: to: must be after from"},
		{"no timer", []string{"timer", "stop"}, 1, "stint: no timer is running"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.run(tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr should be one line: %q", r.stderr)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if prefix, ok := strings.CutSuffix(tc.stderr, "…"); ok {
				if !strings.HasPrefix(line, prefix) {
					t.Errorf("stderr %q, want it to start with %q", line, prefix)
				}
			} else if line != tc.stderr {
				t.Errorf("stderr %q, want %q", line, tc.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty on error: %q", r.stdout)
			}
		})
	}
	h.env["STINT_SIGNUP"] = "maybe"
	if r := h.run("serve"); r.code != 2 || !strings.Contains(r.stderr, "STINT_SIGNUP") {
		t.Errorf("bad STINT_SIGNUP: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{
		{"help"}, {"-h"}, {"--help"}, {"help", "timer", "start"}, {"desktop", "-h"}, {"help", "desktop"},
		{"serve", "-h"}, {"version", "-h"}, {"timer", "-h"}, {"timer", "start", "-h"}, {"timer", "stop", "--help"},
		{"timer", "status", "-h"}, {"entries", "-h"}, {"projects", "-h"}, {"projects", "add", "-h"},
	} {
		r := h.run(args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") || r.stderr != "" {
			t.Errorf("stint %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(h.data); !os.IsNotExist(err) {
		t.Errorf("help must not create the data directory (stat: %v)", err)
	}
	if got := h.ok("timer", "start", "-h"); !strings.HasPrefix(got, "Usage: stint timer start") {
		t.Errorf("timer start -h prints the wrong text:\n%s", got)
	}
}

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	env := func(string) string { return "" }
	if code := run(context.Background(), []string{"version"}, &out, &errOut, env); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	want := "stint dev (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	out.Reset()
	if code := run(context.Background(), []string{"version", "--json"}, &out, &errOut, env); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var v versionJSON
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Version != "dev" || v.Go != runtime.Version() {
		t.Errorf("version --json: %v %+v", err, v)
	}
}

func TestUserDataDir(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"HOME": "/home/ann", "XDG_DATA_HOME": "/xdg"}, "/xdg/stint"},
		{"linux", map[string]string{"HOME": "/home/ann", "XDG_DATA_HOME": "relative"}, "/home/ann/.local/share/stint"},
		{"linux", map[string]string{"HOME": "/home/ann"}, "/home/ann/.local/share/stint"},
		{"darwin", map[string]string{"HOME": "/Users/ann"}, "/Users/ann/Library/Application Support/Stint"},
		{"windows", map[string]string{"LocalAppData": `C:\Users\ann\AppData\Local`}, filepath.Join(`C:\Users\ann\AppData\Local`, "Stint")},
		{"linux", map[string]string{}, ""},
	}
	for _, tc := range tests {
		got, err := userDataDir(tc.goos, func(k string) string { return tc.env[k] })
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s %v: got %q, want an error", tc.goos, tc.env, got)
			}
			continue
		}
		if err != nil || got != filepath.FromSlash(tc.want) && got != tc.want {
			t.Errorf("%s %v: got %q, %v; want %q", tc.goos, tc.env, got, err, tc.want)
		}
	}
}

func TestLocalTimezone(t *testing.T) {
	for tz, want := range map[string]string{
		"Europe/Berlin":                          "Europe/Berlin",
		":America/New_York":                      "America/New_York",
		"/usr/share/zoneinfo/Asia/Tokyo":         "Asia/Tokyo",
		"UTC":                                    "UTC",
		"Australia/Lord_Howe":                    "Australia/Lord_Howe",
		"/var/db/timezone/zoneinfo/Europe/Paris": "Europe/Paris",
	} {
		if got := localTimezone(func(k string) string { return map[string]string{"TZ": tz}[k] }); got != want {
			t.Errorf("TZ=%q: got %q, want %q", tz, got, want)
		}
	}
	// A zone nobody knows falls through to the system files or UTC, never to an invalid name.
	got := localTimezone(func(k string) string { return map[string]string{"TZ": "Nowhere/Atlantis"}[k] })
	if _, err := time.LoadLocation(got); err != nil || got == "Local" || got == "" {
		t.Errorf("unknown TZ gave %q", got)
	}
}
