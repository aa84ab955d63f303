package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFyneStaysInUIAndCmd keeps the GUI toolkit out of every package but ui and cmd, and
// out of the headless build entirely, so servers need no X or GL libraries.
func TestFyneStaysInUIAndCmd(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed: %v", err)
	}
	list := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, append([]string{"list"}, args...)...)
		cmd.Dir = "../.."
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
			}
			t.Fatal(err)
		}
		return string(out)
	}
	const module = "github.com/stinthq/stint/"
	for _, line := range strings.Split(strings.TrimSpace(list("-f", "{{.ImportPath}} {{join .Deps \" \"}}", "./...")), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		rel := strings.TrimPrefix(pkg, module)
		if rel == "ui" || strings.HasPrefix(rel, "ui/") || strings.HasPrefix(rel, "cmd/") {
			continue
		}
		for _, d := range strings.Fields(deps) {
			if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/go-gl/") {
				t.Errorf("%s depends on %s; only ui and cmd may use the GUI toolkit", rel, d)
				break
			}
		}
	}
	for _, d := range strings.Fields(list("-deps", "-tags", "headless", "./cmd/stint")) {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/go-gl/") || d == module+"ui" {
			t.Errorf("the headless build depends on %s", d)
		}
	}
}

// TestHeadlessBinary builds stint without cgo and without the desktop app, and checks that
// asking it for the desktop says so in one line and fails.
func TestHeadlessBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "stint-headless")
	build := exec.Command(goBin, "build", "-tags", "headless", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build -tags headless: %v\n%s", err, out)
	}
	for _, args := range [][]string{{}, {"desktop"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "STINT_DATA="+t.TempDir())
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("stint %v: %v, want exit status 1", args, err)
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "no desktop UI") || !strings.Contains(msg, "stint serve") || stdout.Len() != 0 {
			t.Errorf("stint %v: stdout %q, stderr %q", args, stdout.String(), msg)
		}
	}
}

// TestNoProfilerLinked keeps net/http/pprof and runtime/pprof out of the binary: nothing
// serves profiles, and every byte of code is mapped and mostly resident in the desktop
// app. chi's middleware package is the usual way in (it links its Profiler).
func TestNoProfilerLinked(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed: %v", err)
	}
	for _, tags := range []string{"no_emoji,no_animations", "headless"} {
		cmd := exec.Command(goBin, "list", "-deps", "-tags", tags, ".")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps -tags %s: %v", tags, err)
		}
		for _, d := range strings.Fields(string(out)) {
			switch d {
			case "net/http/pprof", "runtime/pprof", "github.com/go-chi/chi/v5/middleware":
				t.Errorf("the build with tags %s links %s", tags, d)
			}
		}
	}
}
