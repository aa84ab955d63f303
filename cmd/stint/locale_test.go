package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoLocaleNoise builds the desktop binary and runs CLI commands under LANG=C.UTF-8, the
// locale of most containers: stderr must stay empty (Fyne's init used to print "Error
// parsing user locale C" twice in every command).
func TestNoLocaleNoise(t *testing.T) {
	bin := buildStint(t)
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "LC_") || strings.HasPrefix(k, "LANG") || k == "STINT_DATA" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LANG=C.UTF-8", "TZ=UTC")
	data := t.TempDir()
	stint := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--data", data}, args...)...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("stint %v: %v\nstderr: %s", args, err, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	stint("projects") // creates the workspace, which says so on stderr
	for _, args := range [][]string{{"version"}, {"timer", "status"}, {"projects", "--json"}} {
		if _, stderr := stint(args...); stderr != "" {
			t.Errorf("stint %v under LANG=C.UTF-8 wrote to stderr:\n%s", args, stderr)
		}
	}
}
