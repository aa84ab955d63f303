package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCatalogCommands walks every catalog kind through add, list, rename, archive,
// unarchive and delete.
func TestCatalogCommands(t *testing.T) {
	for _, kind := range []string{"clients", "projects", "tasks", "tags"} {
		t.Run(kind, func(t *testing.T) {
			h := newHarness(t)
			var scope []string
			if kind == "tasks" {
				h.ok("projects", "add", "Acme")
				scope = []string{"--project", "acme"}
			}
			with := func(args ...string) []string { return append(args, scope...) }
			if out := h.ok(with(kind, "add", "First", "one")...); !strings.Contains(out, `"First one"`) {
				t.Errorf("add: %q", out)
			}
			var rows []map[string]any
			h.okJSON(&rows, kind, "list", "--json")
			if len(rows) != 1 || rows[0]["name"] != "First one" {
				t.Fatalf("list --json after add: %v", rows)
			}
			if out := h.ok(with(kind, "rename", "first ONE", "Second")...); !strings.Contains(out, `Renamed`) || !strings.Contains(out, `"Second"`) {
				t.Errorf("rename: %q", out)
			}
			if out := h.ok(with(kind, "archive", "second")...); !strings.Contains(out, "unarchive") {
				t.Errorf("archive should say how to undo: %q", out)
			}
			if out := h.ok(kind); strings.Contains(out, "Second") {
				t.Errorf("an archived row is listed:\n%s", out)
			}
			{
				if out := h.ok(kind, "--archived"); !strings.Contains(out, "Second") || !strings.Contains(out, "(archived)") {
					t.Errorf("list --archived:\n%s", out)
				}
			}
			h.ok(with(kind, "unarchive", "Second")...)
			if out := h.ok(kind); !strings.Contains(out, "Second") {
				t.Errorf("unarchived row missing:\n%s", out)
			}
			if out := h.ok(with(kind, "delete", "Second")...); !strings.Contains(out, "Deleted") {
				t.Errorf("delete: %q", out)
			}
			h.okJSON(&rows, kind, "list", "--json", "--archived")
			if len(rows) != 0 {
				t.Errorf("deleted row still listed: %v", rows)
			}
			r := h.run(with(kind, "rename", "Nope", "X")...)
			if r.code != 1 || !strings.Contains(r.stderr, `no `) || !strings.Contains(r.stderr, `"Nope"`) {
				t.Errorf("rename of a missing row: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestCatalogMistakes(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme")
	h.ok("projects", "add", "Beta")
	h.ok("tasks", "add", "Review", "--project", "Acme")
	h.ok("tasks", "add", "Review", "--project", "Beta")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tasks", "add", "Plan"}, 2, "--project"},
		{[]string{"tasks", "rename", "Review", "Check"}, 2, "--project"},
		{[]string{"clients", "rename", "Only"}, 2, "old and the new name"},
		{[]string{"clients", "add"}, 2, "give the client's name"},
		{[]string{"clients", "frob"}, 2, "unknown subcommand"},
		{[]string{"clients", "add", "X", "--color", "#ff0000"}, 2, "--color does not apply"},
		{[]string{"projects", "frob"}, 2, "unknown subcommand"},
		{[]string{"tags", "add", "x", "--color", "red"}, 1, "color"},
	}
	for _, tt := range tests {
		r := h.run(tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("stint %v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
	if out := h.ok("tasks", "rename", "Review", "Check", "--project", "Beta"); !strings.Contains(out, `"Check"`) {
		t.Errorf("rename with --project: %q", out)
	}
	if out := h.ok("tasks", "--project", "Acme"); !strings.Contains(out, "Review") || strings.Contains(out, "Check") {
		t.Errorf("tasks --project Acme:\n%s", out)
	}
}

// TestDeleteProjectKeepsTime: an entry on a deleted project keeps its time.
func TestDeleteProjectKeepsTime(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme")
	h.ok("timer", "start", "--project", "Acme", "work")
	h.clock.Advance(time.Hour)
	h.ok("timer", "stop")
	if out := h.ok("projects", "delete", "Acme"); !strings.Contains(out, "keep their time") {
		t.Errorf("delete: %q", out)
	}
	var list []json.RawMessage
	h.okJSON(&list, "entries", "--json")
	if len(list) != 1 {
		t.Fatalf("entries after delete: %d", len(list))
	}
	if out := h.ok("entries"); !strings.Contains(out, "total 1:00:00") {
		t.Errorf("entries after delete:\n%s", out)
	}
}
