package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// buildStint builds the real executable into a directory of its own, for tests that run it
// as users do (signals, kill -9, shells, the environment), and returns its path. They skip
// under -short.
func buildStint(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "stint")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
