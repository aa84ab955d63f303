package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// showConfig runs "stint config show --json" and returns each setting by key.
func showConfig(t *testing.T, h *harness, args ...string) (file string, out map[string]shownSetting) {
	t.Helper()
	var doc struct {
		File     string         `json:"file"`
		Settings []shownSetting `json:"settings"`
	}
	h.okJSON(&doc, append([]string{"config", "show", "--json"}, args...)...)
	out = map[string]shownSetting{}
	for _, s := range doc.Settings {
		out[s.Key] = s
	}
	return doc.File, out
}

func writeConfigFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConfigPrecedence: a flag beats the environment, which beats the file, which beats the
// default, for a root flag (--addr), a serve flag (--login-limit), a list and a bool.
func TestConfigPrecedence(t *testing.T) {
	const file = `addr = "127.0.0.1:9001"
login_limit = "3/1m"
allowed_hosts = ["file.example"]
signup = false
`
	type want struct{ value, source string }
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		file bool
		want map[string]want
	}{
		{name: "defaults", want: map[string]want{
			"addr": {defaultAddr, "default"}, "login_limit": {"5/1m", "default"},
			"allowed_hosts": {"", "default"}, "signup": {"true", "default"}}},
		{name: "file over defaults", file: true, want: map[string]want{
			"addr": {"127.0.0.1:9001", "file:%s:1"}, "login_limit": {"3/1m", "file:%s:2"},
			"allowed_hosts": {"file.example", "file:%s:3"}, "signup": {"false", "file:%s:4"}}},
		{name: "environment over file", file: true,
			env: map[string]string{"STINT_ADDR": "127.0.0.1:9002", "STINT_LOGIN_LIMIT": "4/1m", "STINT_ALLOWED_HOSTS": "env.example, env2.example", "STINT_SIGNUP": "true"},
			want: map[string]want{
				"addr": {"127.0.0.1:9002", "env STINT_ADDR"}, "login_limit": {"4/1m", "env STINT_LOGIN_LIMIT"},
				"allowed_hosts": {"env.example,env2.example", "env STINT_ALLOWED_HOSTS"}, "signup": {"true", "env STINT_SIGNUP"}}},
		{name: "flags over environment", file: true,
			env:  map[string]string{"STINT_ADDR": "127.0.0.1:9002", "STINT_LOGIN_LIMIT": "4/1m", "STINT_ALLOWED_HOSTS": "env.example", "STINT_SIGNUP": "true"},
			args: []string{"--addr", "127.0.0.1:9003", "--login-limit=6/1m", "--allowed-host", "flag.example", "--no-signup"},
			want: map[string]want{
				"addr": {"127.0.0.1:9003", "flag --addr"}, "login_limit": {"6/1m", "flag --login-limit"},
				"allowed_hosts": {"flag.example", "flag --allowed-host"}, "signup": {"false", "flag --no-signup"}}},
		{name: "a root flag before the command", file: true, args: []string{"--addr", "127.0.0.1:9004"},
			want: map[string]want{"addr": {"127.0.0.1:9004", "flag --addr"}, "login_limit": {"3/1m", "file:%s:2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			path := filepath.Join(t.TempDir(), "stint.toml")
			args := tc.args
			if tc.file {
				writeConfigFile(t, path, file)
				h.env["STINT_CONFIG"] = path
			}
			for k, v := range tc.env {
				h.env[k] = v
			}
			var got map[string]shownSetting
			if tc.name == "a root flag before the command" {
				var doc struct{ Settings []shownSetting }
				h.okJSON(&doc, append(args, "config", "show", "--json")...)
				got = map[string]shownSetting{}
				for _, s := range doc.Settings {
					got[s.Key] = s
				}
			} else {
				_, got = showConfig(t, h, args...)
			}
			for key, w := range tc.want {
				g := got[key]
				var value string
				switch v := g.Value.(type) {
				case string:
					value = v
				case bool:
					value = map[bool]string{true: "true", false: "false"}[v]
				case []any:
					for i, x := range v {
						if i > 0 {
							value += ","
						}
						value += x.(string)
					}
				}
				source := strings.Replace(w.source, "%s", path, 1)
				if value != w.value || g.Source != source {
					t.Errorf("%s = %q from %q, want %q from %q", key, value, g.Source, w.value, source)
				}
			}
		})
	}
}

// TestConfigFileLocation: --config beats $STINT_CONFIG beats the user's config directory,
// which is used only when the file is there.
func TestConfigFileLocation(t *testing.T) {
	h := newHarness(t)
	home := h.env["HOME"]
	if file, _ := showConfig(t, h); file != "" {
		t.Fatalf("no file anywhere: %q", file)
	}
	def := filepath.Join(home, ".config", "stint", "stint.toml")
	writeConfigFile(t, def, `addr = "127.0.0.1:9100"`)
	if file, got := showConfig(t, h); file != def || got["addr"].Value != "127.0.0.1:9100" {
		t.Fatalf("default location: %q %v", file, got["addr"])
	}
	xdg := filepath.Join(t.TempDir(), "xdg")
	h.env["XDG_CONFIG_HOME"] = xdg
	if file, _ := showConfig(t, h); file != "" {
		t.Fatalf("XDG_CONFIG_HOME without a file: %q", file)
	}
	env := filepath.Join(t.TempDir(), "env.toml")
	writeConfigFile(t, env, `addr = "127.0.0.1:9101"`)
	h.env["STINT_CONFIG"] = env
	if file, got := showConfig(t, h); file != env || got["addr"].Value != "127.0.0.1:9101" {
		t.Fatalf("$STINT_CONFIG: %q %v", file, got["addr"])
	}
	flagged := filepath.Join(t.TempDir(), "flag.toml")
	writeConfigFile(t, flagged, `addr = "127.0.0.1:9102"`)
	if file, got := showConfig(t, h, "--config", flagged); file != flagged || got["addr"].Value != "127.0.0.1:9102" {
		t.Fatalf("--config: %q %v", file, got["addr"])
	}
	if r := h.run("config", "show", "--config", filepath.Join(t.TempDir(), "missing.toml")); r.code != 1 || !strings.Contains(r.stderr, "missing.toml") {
		t.Fatalf("a named file that is missing: %+v", r)
	}
}

// TestConfigShowMasksSecrets: a DSN's password (and secret parameters) never reach the output,
// whichever source the DSN came from and in either format.
func TestConfigShowMasksSecrets(t *testing.T) {
	const secret = "hunter2-secret"
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"url", "postgres://stint:" + secret + "@db.example:5432/stint?sslmode=require", "postgres://stint:xxxxx@db.example:5432/stint?sslmode=require"},
		{"url parameter", "postgres://db.example/stint?password=" + secret, "postgres://db.example/stint?password=xxxxx"},
		{"key=value", "host=db.example user=stint password=" + secret + " dbname=stint", "host=db.example user=stint password=xxxxx dbname=stint"},
		{"no password", "postgres://stint@db.example/stint", "postgres://stint@db.example/stint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			path := filepath.Join(t.TempDir(), "stint.toml")
			writeConfigFile(t, path, "db = '"+tc.dsn+"'\n")
			for _, args := range [][]string{{"--config", path}, {"--config", path, "--json"}, {"--db", tc.dsn}} {
				r := h.run(append([]string{"config", "show"}, args...)...)
				if r.code != 0 || strings.Contains(r.stdout+r.stderr, secret) || !strings.Contains(r.stdout, tc.want) {
					t.Fatalf("config show %v: exit %d, want %s masked:\n%s%s", args, r.code, tc.want, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestConfigShowText(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "stint.toml")
	writeConfigFile(t, path, "# a comment\n\nlog_level = \"debug\"\n")
	h.env["STINT_AUTH_RATE"] = "30"
	out := h.ok("config", "show", "--config", path, "--cors-origin", "https://app.example.com")
	for _, want := range []string{
		"Config file: " + path + " (flag --config)",
		"log_level  ", "debug", "file:" + path + ":3", "live",
		"auth_rate", "30", "env STINT_AUTH_RATE",
		"cors_origins", "https://app.example.com", "flag --cors-origin",
		"metrics_addr", "(off)", "restart",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config show lacks %q:\n%s", want, out)
		}
	}
}

// TestConfigCheck: good files pass; every problem of a bad one is reported with its line.
func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, text string
		code       int
		want       []string // lines of stdout, after "PATH:"
	}{
		{name: "empty", text: "", code: 0, want: []string{" OK"}},
		{name: "every key", code: 0, want: []string{" OK"}, text: `addr = "0.0.0.0:8736"
data_dir = "/var/lib/stint"
db = "postgres://stint:pw@localhost/stint"
metrics_addr = "127.0.0.1:9090"
log_level = "warn"
log_format = "json"
allowed_hosts = ["stint.example.com", "box.lan:8736"]
cors_origins = ["https://app.example.com"]
trusted_proxies = ["10.0.0.0/8", "192.0.2.7"]
signup = false
auth_rate = 20
login_limit = "5/1m"
signup_limit = "5/10m"
`},
		{name: "unknown keys and bad values", code: 1, text: `addr = "0.0.0.0:8736"
logg_level = "debug"
auth_rate = "ten"
cors_origins = ["*"]
login_limit = "5"
allowed_hosts = "one.example"
signup = "no"
log_format = "xml"
trusted_proxies = ["proxy.example"]
[server]
port = 8736
`, want: []string{
			"2: logg_level: unknown key (did you mean log_level?)",
			"3: auth_rate: want an integer",
			"4: cors_origins: CORS origin \"*\"",
			"5: login_limit: \"5\": want BURST/INTERVAL",
			"6: allowed_hosts: want an array of strings",
			"7: signup: want true or false",
			"8: log_format: \"xml\": use json, text or auto",
			"9: trusted_proxies: trusted proxy \"proxy.example\"",
			"10: server: unknown key",
		}},
		{name: "syntax", code: 1, text: "addr = \"0.0.0.0:8736\"\nlog_level = debug\n", want: []string{"2: syntax:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".toml")
			writeConfigFile(t, path, tc.text)
			r := h.run("config", "check", path)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tc.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.want), r.stdout)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], path+":"+w) {
					t.Errorf("line %d: %q, want %q", i, lines[i], path+":"+w)
				}
			}
			var doc struct {
				OK       bool            `json:"ok"`
				Problems []configProblem `json:"problems"`
			}
			if tc.code == 1 {
				r := h.run("config", "check", "--json", path)
				if r.code != 1 {
					t.Fatalf("--json: exit %d", r.code)
				}
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
					t.Fatal(err)
				}
				if doc.OK || len(doc.Problems) != len(tc.want) || doc.Problems[0].Line == 0 {
					t.Fatalf("--json: %+v", doc)
				}
			}
		})
	}
	h := newHarness(t)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"config", "check"}, 2},
		{[]string{"config", "check", "a.toml", "b.toml"}, 2},
		{[]string{"config", "check", filepath.Join(dir, "missing.toml")}, 1},
		{[]string{"config"}, 2},
		{[]string{"config", "frobnicate"}, 2},
	} {
		if r := h.run(tc.args...); r.code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, r.code, tc.code, r.stderr)
		}
	}
}

// TestServeRefusesBadConfig: serve stops at a bad file, naming the key and line, before it
// opens anything.
func TestServeRefusesBadConfig(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "stint.toml")
	writeConfigFile(t, path, "addr = \"127.0.0.1:0\"\nlisten = \"x\"\n")
	r := h.run("serve", "--config", path)
	if r.code != 1 || !strings.Contains(r.stderr, "line 2: listen: unknown key") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(h.data); !os.IsNotExist(err) {
		t.Fatalf("serve created the data directory before refusing its config: %v", err)
	}
}

func TestKeyLines(t *testing.T) {
	got := keyLines("# c\naddr = 1\n  \"log_level\" = 2\nhosts = [\n  \"a=b\",\n]\ndb.x = 3\n[table]\naddr = 4\n")
	want := map[string]int{"addr": 2, "log_level": 3, "hosts": 4, "db": 7, "table": 8}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s on line %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("extra keys: %v", slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		}))
	}
}

func TestConfigHelp(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"config", "-h"}, {"config", "show", "-h"}, {"config", "check", "--help"}, {"help", "config"}} {
		r := h.run(args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: stint config show") || r.stderr != "" {
			t.Errorf("stint %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
