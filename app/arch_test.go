package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the domain free of storage, HTTP, sync and UI code: arrows
// point from cmd, ui, server, sync and store into app, never out of it.
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/stinthq/stint/app").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/stinthq/stint/store", "github.com/stinthq/stint/server", "github.com/stinthq/stint/sync",
		"github.com/stinthq/stint/ui", "github.com/stinthq/stint/cmd", "fyne.io/", "github.com/danielgtaylor/huma",
		"github.com/go-chi/", "modernc.org/sqlite", "net/http",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("app depends on %s", dep)
			}
		}
	}
}
