//go:build linux

package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServicePlanConfigWins: the serve command line install builds leaves the address and
// the data directory to the config file unless they were given to install, so "stint config
// show" with the service's arguments shows the file's values winning, and the service's own
// data directory default ranks below the file.
func TestServicePlanConfigWins(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "stint.toml")
	fileData := filepath.Join(dir, "from-file")
	writeFile(t, cfg, "addr = \"127.0.0.1:9911\"\ndata_dir = \""+fileData+"\"\n", 0o600)
	name := "stint-test-" + randomHex(t, 4)

	tests := []struct {
		name               string
		env                map[string]string // what install was given
		wantAddr, wantData string
		wantAddrSrc        string
	}{
		{"nothing given: the file wins", nil, "127.0.0.1:9911", fileData, "file:" + cfg + ":1"},
		{"an address given to install stays a flag", map[string]string{"STINT_ADDR": "127.0.0.1:9922"},
			"127.0.0.1:9922", fileData, "flag --addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &cli{env: func(k string) string { return tt.env[k] }}
			p, err := c.planService(name, false, cfg, "")
			if err != nil {
				t.Fatal(err)
			}
			if p.starter != "" || p.set.config != cfg || p.data != tt.wantData {
				t.Errorf("plan: starter %q, config %q, data %q; want no starter, %s, %s", p.starter, p.set.config, p.data, cfg, tt.wantData)
			}
			// "stint config show" with the arguments the service gives serve, in the
			// environment the service runs in (no STINT_* variables), with its defaults.
			args := append([]string{"config", "show", "--json"}, serveArgs(p.set)[1:]...)
			h := newHarness(t)
			delete(h.env, "STINT_DATA")
			defaults, err := parseServiceDefaults(p.defaults)
			if err != nil {
				t.Fatal(err)
			}
			shown := configShowJSON(t, h, defaults, args)
			if got := shown["addr"]; got.Value != tt.wantAddr || got.Source != tt.wantAddrSrc {
				t.Errorf("addr: %v from %s; want %s from %s", got.Value, got.Source, tt.wantAddr, tt.wantAddrSrc)
			}
			if got := shown["data_dir"]; got.Value != fileData || !strings.HasPrefix(got.Source, "file:") {
				t.Errorf("data_dir: %v from %s; want %s from the file", got.Value, got.Source, fileData)
			}
		})
	}

	// A file without data_dir: the service's default, not the user's data directory.
	bare := filepath.Join(dir, "bare.toml")
	writeFile(t, bare, "log_level = \"debug\"\n", 0o600)
	c := &cli{env: func(string) string { return "" }}
	p, err := c.planService(name, false, bare, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.data != serviceDataDir(name) {
		t.Errorf("data directory install prepares: %s, want %s", p.data, serviceDataDir(name))
	}
	h := newHarness(t)
	delete(h.env, "STINT_DATA")
	defaults, err := parseServiceDefaults(p.defaults)
	if err != nil {
		t.Fatal(err)
	}
	shown := configShowJSON(t, h, defaults, append([]string{"config", "show", "--json"}, serveArgs(p.set)[1:]...))
	if got := shown["data_dir"]; got.Value != serviceDataDir(name) || got.Source != "default (service)" {
		t.Errorf("data_dir without one in the file: %v from %s; want %s, the service's default", got.Value, got.Source, serviceDataDir(name))
	}
	if got := shown["addr"]; got.Value != defaultAddr || got.Source != "default" {
		t.Errorf("addr without one in the file: %v from %s", got.Value, got.Source)
	}
}

// configShowJSON runs "config show --json" in-process with a service's defaults.
func configShowJSON(t *testing.T, h *harness, defaults map[string]string, args []string) map[string]shownSetting {
	t.Helper()
	var out strings.Builder
	c := &cli{stdout: &out, stderr: &out, env: func(k string) string { return h.env[k] }, clock: h.clock, serviceDefaults: defaults}
	if err := c.dispatch(t.Context(), args); err != nil {
		t.Fatalf("stint %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	var shown struct{ Settings []shownSetting }
	if err := json.Unmarshal([]byte(out.String()), &shown); err != nil {
		t.Fatalf("config show: %v\n%s", err, out.String())
	}
	m := map[string]shownSetting{}
	for _, s := range shown.Settings {
		m[s.Key] = s
	}
	return m
}

// TestServiceStarterConfig: without a config file, a system service gets a starter one that
// holds its data directory and address (and a password-carrying DSN, kept off the command
// line); values given to install are flags and only mentioned in the file.
func TestServiceStarterConfig(t *testing.T) {
	name := "stint-test-" + randomHex(t, 4)
	const dsn = `postgres://app:s3cret@db/stint?application_name=a"b`
	tests := []struct {
		name     string
		env      map[string]string
		db       string
		wantKeys map[string]string
		wantArgs string // CFG stands for the starter file
	}{
		{"defaults", nil, "", map[string]string{"data_dir": serviceDataDir(name), "addr": defaultAddr}, "serve --config CFG"},
		{"address given", map[string]string{"STINT_ADDR": "0.0.0.0:80"}, "",
			map[string]string{"data_dir": serviceDataDir(name)}, "serve --addr 0.0.0.0:80 --config CFG"},
		{"a DSN with a password goes to the file", nil, dsn,
			map[string]string{"data_dir": serviceDataDir(name), "addr": defaultAddr, "db": dsn}, "serve --config CFG"},
		{"a DSN without one stays a flag", nil, "postgres://app@db/stint",
			map[string]string{"data_dir": serviceDataDir(name), "addr": defaultAddr}, "serve --config CFG --db postgres://app@db/stint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &cli{env: func(k string) string { return tt.env[k] }}
			p, err := c.planService(name, false, "", tt.db)
			if err != nil {
				t.Fatal(err)
			}
			if p.starter != serviceConfigFile(name) || p.set.config != p.starter {
				t.Fatalf("starter %q, config %q; want %s for both", p.starter, p.set.config, serviceConfigFile(name))
			}
			vals, problems := parseConfig(p.starterText)
			if len(problems) > 0 {
				t.Fatalf("starter config: %v\n%s", problems, p.starterText)
			}
			got := map[string]string{}
			for k, v := range vals {
				got[k] = v.text
			}
			if !equalMaps(got, tt.wantKeys) {
				t.Errorf("starter keys %v, want %v\n%s", got, tt.wantKeys, p.starterText)
			}
			if !strings.HasPrefix(p.starterText, starterHeader+name+".\n") {
				t.Errorf("starter lacks its header:\n%s", p.starterText)
			}
			want := strings.ReplaceAll(tt.wantArgs, "CFG", serviceConfigFile(name))
			if args := serveArgs(p.set); strings.Join(args, " ") != want {
				t.Errorf("serve args %q, want %q", args, want)
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestServiceDBPasswordRefused: a DSN with a password, when a config file already exists, is
// refused with the line to add and the install command to run instead, never put on the
// command line.
func TestServiceDBPasswordRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "my stint.toml")
	writeFile(t, cfg, "", 0o600)
	name := "stint-test-" + randomHex(t, 4)
	for _, tt := range []struct {
		name string
		user bool
		dsn  string
		want []string
	}{
		{"system service, --config", false, "postgres://app:s3cret@db/stint", []string{
			`db = "postgres://app:s3cret@db/stint"`, "to " + cfg,
			"sudo stint service install --config '" + cfg + "' --addr '0.0.0.0:80' --name " + name,
			"sudo chown root:" + name + " '" + cfg + "' && sudo chmod 0640 '" + cfg + "'"}},
		{"per-user service", true, "host=db password=s3cret", []string{
			`db = "host=db password=s3cret"`,
			"stint service install --user --config '" + cfg + "' --addr '0.0.0.0:80' --name " + name,
			"chmod 0600 '" + cfg + "'"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &cli{env: func(k string) string { return map[string]string{"STINT_ADDR": "0.0.0.0:80"}[k] }}
			_, err := c.planService(name, tt.user, cfg, tt.dsn)
			if err == nil {
				t.Fatal("a DSN with a password was accepted for the command line")
			}
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Errorf("error %T, want a usage error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestParseServiceDefaults(t *testing.T) {
	for _, tt := range []struct {
		items []string
		want  map[string]string
		ok    bool
	}{
		{[]string{"data_dir=/var/lib/stint"}, map[string]string{"data_dir": "/var/lib/stint"}, true},
		{[]string{"addr=127.0.0.1:1", "allowed_hosts=a,b"}, map[string]string{"addr": "127.0.0.1:1", "allowed_hosts": "a,b"}, true},
		{[]string{"data_dir"}, nil, false},
		{[]string{"nosuch=1"}, nil, false},
		{[]string{"addr=not an address"}, nil, false},
	} {
		got, err := parseServiceDefaults(tt.items)
		if (err == nil) != tt.ok || (tt.ok && !equalMaps(got, tt.want)) {
			t.Errorf("parseServiceDefaults(%q) = %v, %v; want %v (ok %v)", tt.items, got, err, tt.want, tt.ok)
		}
	}
}

// TestServicePlanUser: a per-user service gets no flags and no starter file; the installing
// user's data directory is only its default, below the user's own config file.
func TestServicePlanUser(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	c := &cli{env: func(k string) string { return env[k] }}
	p, err := c.planService("stint-test-"+randomHex(t, 4), true, "", "")
	if err != nil {
		t.Fatal(err)
	}
	wantData := filepath.Join(home, ".local", "share", "stint")
	if got := serveArgs(p.set); len(got) != 1 || p.starter != "" {
		t.Errorf("serve args %q, starter %q; want bare serve and no starter", got, p.starter)
	}
	if len(p.defaults) != 1 || p.defaults[0] != "data_dir="+wantData || p.data != wantData {
		t.Errorf("defaults %q, data %q; want data_dir=%s", p.defaults, p.data, wantData)
	}
	// The user's config file names another data directory: install prepares that one.
	other := filepath.Join(home, "elsewhere")
	if err := os.MkdirAll(filepath.Join(home, ".config", "stint"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".config", "stint", configFileName), "data_dir = \""+other+"\"\n", 0o600)
	if p, err = c.planService("stint-test-"+randomHex(t, 4), true, "", ""); err != nil {
		t.Fatal(err)
	}
	if p.data != other || p.set.config != "" {
		t.Errorf("data %q, config %q; want %s and no --config (serve finds the file itself)", p.data, p.set.config, other)
	}
}
