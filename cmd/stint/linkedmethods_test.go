//go:build !headless

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	fyneapp "fyne.io/fyne/v2/app"
)

// TestUnusedMethodsDropped builds the desktop app as make build does and checks that the
// linker can drop unused methods: nothing linked may look a method up by a name or index
// it only knows at run time (reflect's Method, MethodByName or the Methods iterators, which
// the linker marks <ReflectMethod>). One such call anywhere keeps every exported method of
// every reachable type, about 4.5 MB of code and read-only data, nearly all of it resident
// in the desktop app (third_party/fyne/README.md, "Linked methods"). Where it fails, it
// names each call and how the program reaches it.
func TestUnusedMethodsDropped(t *testing.T) {
	if testing.Short() {
		t.Skip("links the binary")
	}
	modfile := patchedModfile(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed: %v", err)
	}
	// The flags of make build, so the packages come from its build cache and only the
	// link runs; -dumpdep prints the linker's reachability edges.
	cmd := exec.Command(goBin, "build", "-trimpath", "-modfile="+modfile, "-tags", "no_emoji,no_animations",
		"-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "stint"), ".")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{}
	var reflective []string
	var lines int
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		lines++
		name, marks, _ := strings.Cut(to, " ")
		from, _, _ = strings.Cut(from, " ")
		if _, seen := parent[name]; !seen {
			parent[name] = from
		}
		if strings.Contains(marks, "<ReflectMethod>") {
			reflective = append(reflective, name)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go build -ldflags=-dumpdep: %v", err)
	}
	if lines < 10000 {
		t.Fatalf("the linker printed %d reachability edges; -dumpdep did not work as expected", lines)
	}
	if len(reflective) == 0 {
		return
	}
	// The first is a cause; the linker marks those after it while it keeps every exported
	// method, so they may only follow from it.
	chain := []string{reflective[0]}
	for p := parent[reflective[0]]; p != "" && p != "_" && len(chain) < 15; p = parent[p] {
		chain = append(chain, p)
	}
	hint := ""
	if strings.HasPrefix(reflective[0], "reflect.") && strings.Contains(reflective[0], "Methods") {
		// reflect's Methods iterators (Go 1.26) call Method(i); the linker keeps them when
		// anything calls a method named Methods by a constant MethodByName or through a
		// generic interface (golang/go#78909; protobuf before v1.36.12, golang/protobuf#1704).
		hint = "\n(the iterator is kept by a MethodByName(\"Methods\") or a generic interface's Methods call: see golang/go#78909)"
	}
	t.Errorf("the linked binary looks methods up by name or index, which keeps every exported method:\n\t%s%s\n"+
		"and %d more after it (they may follow from it): %s", strings.Join(chain, "\n\t  reached from "), hint,
		len(reflective)-1, strings.Join(reflective[1:], ", "))
}

// patchedModfile is the go.mod that builds against the patched Fyne (third_party/fyne/apply),
// found from where this test binary's Fyne came from; it skips under stock Fyne (plain
// go test), whose build differs from what make build ships.
func patchedModfile(t *testing.T) string {
	t.Helper()
	file, _ := runtime.FuncForPC(reflect.ValueOf(fyneapp.New).Pointer()).FileLine(0)
	if strings.Contains(file, "fyne.io/fyne/v2@") {
		t.Skip("built against stock Fyne: run with the patched Fyne (make test) to check the linked binary")
	}
	// file is OUTDIR/fyne/app/app.go; apply wrote OUTDIR/go.mod beside OUTDIR/fyne.
	modfile := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(file))), "go.mod")
	b, err := os.ReadFile(modfile)
	if err != nil || !strings.Contains(string(b), "replace fyne.io/fyne/v2 => ") {
		t.Fatalf("no go.mod with the patched Fyne beside %s: %v", file, err)
	}
	return modfile
}
