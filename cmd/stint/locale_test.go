package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoLocaleNoise builds the desktop binary and runs every command but the ones that
// serve or open a window under LANG=C.UTF-8, the locale of most containers: none may print
// Fyne's "Error parsing user locale C" (its init used to, twice, in every command), and
// those that succeed leave stderr empty. The commands come from the completion table, which
// TestCompletionMatchesCommands holds to the real ones, so a new command must be added here.
func TestNoLocaleNoise(t *testing.T) {
	bin := buildStint(t)
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "LC_") || strings.HasPrefix(k, "LANG") || strings.HasPrefix(k, "STINT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LANG=C.UTF-8", "TZ=UTC", "HOME="+t.TempDir())
	data := t.TempDir()
	tmp := t.TempDir()
	config := filepath.Join(tmp, "stint.toml")
	if err := os.WriteFile(config, []byte("log_level = \"info\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stint := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--data", data}, args...)...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		} else if err != nil {
			t.Fatalf("stint %v: %v", args, err)
		}
		return 0, stderr.String()
	}
	stint("projects") // creates the workspace, which says so on stderr

	// One or more invocations of each command; nil where it would serve or open a window.
	runs := map[string][][]string{
		"desktop": nil, "serve": nil,
		"config":   {{"config", "show"}, {"config", "check", config}},
		"service":  {{"service", "status"}},
		"backup":   {{"backup", filepath.Join(tmp, "copy.db")}},
		"restore":  {{"restore", filepath.Join(tmp, "copy.db"), "--data", filepath.Join(tmp, "restored")}},
		"db":       {{"db", "setup", "--db", "postgres://nobody@127.0.0.1:1/stint"}}, // fails: no server there
		"timer":    {{"timer", "start", "x"}, {"timer", "status"}, {"timer", "stop"}},
		"continue": {{"continue"}, {"timer", "stop"}},
		"entries": {{"entries", "add", "--duration", "30m", "y"}, {"entries", "edit", "last", "--description", "z"}, {"entries"},
			{"entries", "--json"}},
		"report":     {{"report"}, {"report", "--detailed"}},
		"import":     {{"import", togglFile, "--timezone", "Europe/Berlin", "--dry-run", "--skip-invalid"}},
		"activity":   {{"activity"}, {"activity", "settings"}},
		"projects":   {{"projects", "add", "Acme"}, {"projects", "--json"}},
		"rate":       {{"rate", "set", "100", "EUR"}, {"rate", "list"}},
		"invoice":    {{"invoice", "list"}},
		"clients":    {{"clients", "add", "Globex"}, {"clients"}},
		"tasks":      {{"tasks", "--project", "Acme"}},
		"tags":       {{"tags"}},
		"api-token":  {{"api-token"}},
		"invite":     {{"invite", "list"}},
		"remote":     {{"remote", "logout"}},
		"sync":       {{"sync", "status"}},
		"version":    {{"version"}, {"--json", "version"}},
		"help":       {{"help"}, {"help", "report"}, {"entries", "add", "-h"}},
		"completion": {{"completion", "bash"}},
	}
	for _, cmd := range findCompl("").subs {
		invocations, ok := runs[cmd]
		if !ok {
			t.Errorf("stint %s is not run under LANG=C.UTF-8 here; add it to runs", cmd)
		}
		for _, args := range invocations {
			code, stderr := stint(args...)
			if strings.Contains(stderr, "locale") {
				t.Errorf("stint %v under LANG=C.UTF-8 printed locale noise:\n%s", args, stderr)
			}
			if code == 0 && stderr != "" && cmd != "remote" { // logout's notice goes to stderr
				t.Errorf("stint %v under LANG=C.UTF-8 wrote to stderr:\n%s", args, stderr)
			}
			if code != 0 && cmd != "db" {
				t.Errorf("stint %v: exit %d\n%s", args, code, stderr)
			}
		}
	}
}
