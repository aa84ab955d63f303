package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestJSONContractBinary runs the built binary as a script would, with --json before and
// after the command: every failure (a usage mistake, an unknown flag or command, a refused
// value, a missing row, a conflict, a server that cannot be reached) exits non-zero with
// nothing on stdout and exactly one {"error": {...}} object on stderr whose code is the
// documented one; every success prints JSON on stdout and nothing on stderr.
func TestJSONContractBinary(t *testing.T) {
	bin := buildStint(t)
	data := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "STINT_") || k == "TZ" || strings.HasPrefix(k, "LANG") || strings.HasPrefix(k, "LC_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "STINT_DATA="+data, "TZ=UTC", "LANG=C.UTF-8", "HOME="+t.TempDir())
	stint := func(stdin string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("stint %v: %v", args, err)
		}
		return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}
	if r := stint("", "projects", "add", "Acme"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	var inv struct{ ID string }
	if r := stint("", "invite", "create", "ada@example.com", "--json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &inv) != nil {
		t.Fatalf("setup invite: %+v", r)
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
		exit  int
		code  string // error.code; "" for a success
	}{
		{"add, json first", "", []string{"--json", "projects", "add", "Beta"}, 0, ""},
		{"status, json first", "", []string{"--json", "timer", "status"}, 0, ""},
		{"json and data first", "", []string{"--json", "--data", data, "projects"}, 0, ""},
		{"json=true first", "", []string{"--json=true", "version"}, 0, ""},
		{"revoke prints JSON", "", []string{"--json", "invite", "revoke", "ID"}, 0, ""},
		{"logout prints JSON", "", []string{"remote", "logout", "--json"}, 0, ""},
		{"unknown command", "", []string{"--json", "frobnicate"}, 2, "usage"},
		{"unknown flag, json first", "", []string{"--json", "projects", "--bogus"}, 2, "usage"},
		{"unknown flag, json after", "", []string{"projects", "--bogus", "--json"}, 2, "usage"},
		{"missing argument", "", []string{"--json", "backup"}, 2, "usage"},
		{"invalid value", "", []string{"--json", "projects", "add", "X", "--color", "red"}, 1, "invalid"},
		{"not found", "", []string{"--json", "timer", "start", "--tag", "nosuch"}, 1, "not_found"},
		{"not found after", "", []string{"invite", "revoke", "01a22147-1030-7a6a-b855-4f1bb2760012", "--json"}, 1, "not_found"},
		{"conflict", "", []string{"--json", "projects", "add", "acme"}, 1, "conflict"},
		{"server unreachable", "secret\n", []string{"--json", "remote", "login", "http://127.0.0.1:1", "--email", "a@example.com", "--password-stdin"}, 1, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "ID", inv.ID)
			}
			r := stint(tt.stdin, args...)
			if r.code != tt.exit {
				t.Fatalf("stint %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, r.code, tt.exit, r.stdout, r.stderr)
			}
			if tt.code == "" {
				if r.stderr != "" || !json.Valid([]byte(r.stdout)) {
					t.Errorf("stint %v: stdout is not JSON or stderr is not empty\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
				}
				return
			}
			if r.stdout != "" {
				t.Errorf("stint %v: a failure wrote to stdout: %q", args, r.stdout)
			}
			var got errorJSON
			dec := json.NewDecoder(strings.NewReader(r.stderr))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil || dec.More() {
				t.Fatalf("stint %v: stderr is not one JSON error object (%v): %q", args, err, r.stderr)
			}
			if got.Error.Code != tt.code || got.Error.Message == "" {
				t.Errorf("stint %v: error %+v, want code %q and a message", args, got.Error, tt.code)
			}
		})
	}
	if r := stint("", "--json=false", "projects"); r.code != 0 || json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, "Acme") {
		t.Errorf("--json=false should print the table: %+v", r)
	}
}
