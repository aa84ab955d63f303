package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestJSONErrors: with --json a failure is one JSON object on stderr with a stable code, and
// nothing else is written there or on stdout.
func TestJSONErrors(t *testing.T) {
	tests := []struct {
		name   string
		setup  [][]string
		args   []string
		code   int
		want   string // error.code
		fields []string
	}{
		{"usage: missing name", nil, []string{"projects", "add", "--json"}, 2, "usage", nil},
		{"usage: unknown flag", nil, []string{"timer", "status", "--json", "--nope"}, 2, "usage", nil},
		{"usage: json before the command", nil, []string{"--json", "frobnicate"}, 2, "usage", nil},
		{"conflict: nothing runs", nil, []string{"timer", "stop", "--json"}, 1, "conflict", nil},
		{"conflict: duplicate name", [][]string{{"projects", "add", "Acme"}}, []string{"projects", "add", "acme", "--json"}, 1, "conflict", nil},
		{"not found: no such project", nil, []string{"entries", "--project", "Nope", "--json"}, 1, "not_found", nil},
		{"invalid: bad colour", nil, []string{"projects", "add", "X", "--color", "red", "--json"}, 1, "invalid", []string{"color"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.ok("timer", "status") // create the workspace first: its notice is not an error
			for _, s := range tt.setup {
				h.ok(s...)
			}
			r := h.run(tt.args...)
			if r.code != tt.code || r.stdout != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", r.code, tt.code, r.stdout, r.stderr)
			}
			var got errorJSON
			dec := json.NewDecoder(strings.NewReader(r.stderr))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil || dec.More() {
				t.Fatalf("stderr is not one JSON error object (%v): %q", err, r.stderr)
			}
			if got.Error.Code != tt.want || got.Error.Message == "" {
				t.Errorf("error %+v, want code %q and a message", got.Error, tt.want)
			}
			var fields []string
			for _, f := range got.Error.Fields {
				fields = append(fields, f.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields %v, want %v", fields, tt.fields)
			}
		})
	}
}

// TestJSONQuietNotices: a first run with --json creates the workspace without a notice on
// stderr, so stderr carries nothing but errors.
func TestJSONQuietNotices(t *testing.T) {
	h := newHarness(t)
	r := h.run("projects", "--json")
	if r.code != 0 || r.stderr != "" || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestEntriesJSONNames: entries in JSON carry their project, task and tag names beside the ids.
func TestEntriesJSONNames(t *testing.T) {
	h := newHarness(t)
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		task, err := svc.CreateTask(ctx, a, app.TaskInput{ProjectID: p.ID, Name: "Design"})
		if err != nil {
			t.Fatal(err)
		}
		tag, err := svc.CreateTag(ctx, a, app.TagInput{Name: "deep work"})
		if err != nil {
			t.Fatal(err)
		}
		start := testNow().Add(-time.Hour)
		stop := testNow()
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, TaskID: &task.ID, TagIDs: []uuid.UUID{tag.ID},
			StartedAt: start, StoppedAt: &stop}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{StartedAt: start.Add(-time.Hour), StoppedAt: &start}); err != nil {
			t.Fatal(err)
		}
	})
	var list []map[string]any
	h.okJSON(&list, "entries", "--json")
	if len(list) != 2 {
		t.Fatalf("got %d entries", len(list))
	}
	named, bare := list[0], list[1]
	if named["project_name"] != "Acme" || named["task_name"] != "Design" || named["project_id"] == nil {
		t.Errorf("named entry: %v", named)
	}
	if tags, _ := named["tag_names"].([]any); len(tags) != 1 || tags[0] != "deep work" {
		t.Errorf("tag_names %v", named["tag_names"])
	}
	if bare["project_name"] != nil || bare["task_name"] != nil {
		t.Errorf("entry without project: %v", bare)
	}
	if tags, ok := bare["tag_names"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tag_names of an untagged entry should be []: %v", bare["tag_names"])
	}
}

// TestLongNamesTruncate: a 90-character project name is cut with an ellipsis in text tables
// and kept whole in JSON.
func TestLongNamesTruncate(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Quarterly planning ", 5)[:90]
	h.ok("projects", "add", long)
	h.ok("timer", "start", "--project", long, "x")
	for _, args := range [][]string{{"projects"}, {"entries"}, {"timer", "status"}} {
		out := h.ok(args...)
		if strings.Contains(out, long) || !strings.Contains(out, "…") {
			t.Errorf("stint %v shows the whole name:\n%s", args, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := len([]rune(line)); n > 100 {
				t.Errorf("stint %v: line of %d characters: %q", args, n, line)
			}
		}
	}
	var ps []app.Project
	h.okJSON(&ps, "projects", "--json")
	if len(ps) != 1 || ps[0].Name != long {
		t.Errorf("JSON should keep the whole name: %+v", ps)
	}
}

// TestEveryTableFitsWithLongNames gives every kind of name 90 characters (client, project,
// task, tag, description, e-mail, application) and runs every command that prints a table:
// no line is wider than maxLineWidth, the long names are cut with "…", and JSON keeps them.
func TestEveryTableFitsWithLongNames(t *testing.T) {
	h := newHarness(t)
	long := func(what string) string { return (what + " " + strings.Repeat("quarterly planning ", 5))[:90] }
	h.ok("clients", "add", long("client"))
	h.ok("projects", "add", long("project"), "--billable")
	h.ok("tasks", "add", long("task"), "--project", long("project"))
	h.ok("tags", "add", long("tag"))
	h.ok("rate", "set", "100", "EUR", "--from", "monday")
	h.ok("rate", "set", "120", "EUR", "--client", long("client"), "--from", "monday")
	h.ok("rate", "set", "130", "EUR", "--project", long("project"), "--from", "monday")
	h.ok("entries", "add", "--start", "2026-11-23 09:00", "--duration", "1h", "--project", long("project"), "--task", long("task"),
		"--tag", long("tag"), long("description"))
	h.ok("invite", "create", strings.Repeat("a", 70)+"@example.com")
	h.ok("invoice", "create", "--project", long("project"), "--from", "monday", "--to", "today", "--per-entry")
	h.ok("timer", "start", "--project", long("project"), long("running"))
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		e, err := svc.RunningEntry(ctx, a)
		if err != nil || e == nil {
			t.Fatalf("running %v, %v", e, err)
		}
		var apps []app.AppUsage
		for i := range 3 {
			apps = append(apps, app.AppUsage{Name: long(fmt.Sprint("app ", i)), Time: time.Minute})
		}
		if _, err := svc.RecordActivity(ctx, a, app.ActivitySlot{EntryID: e.ID, Start: e.StartedAt, Tracked: 3 * time.Minute,
			Active: 3 * time.Minute, Apps: apps}); err != nil {
			t.Fatal(err)
		}
	})
	h.clock.Advance(5 * time.Minute)
	for _, args := range [][]string{
		{"clients"}, {"projects"}, {"tasks"}, {"tags"}, {"entries"},
		{"report"}, {"report", "--group", "client,task"}, {"report", "--group", "tag,project"}, {"report", "--detailed"},
		{"rate", "list"}, {"invoice", "list"}, {"invoice", "show", "1"}, {"invite", "list"}, {"activity"},
	} {
		out := h.ok(args...)
		if !strings.Contains(out, "…") {
			t.Errorf("stint %v cuts no name:\n%s", args, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > maxLineWidth {
				t.Errorf("stint %v: a line of %d characters:\n%s", args, n, line)
			}
			if strings.Contains(line, long("project")) || strings.Contains(line, long("description")) {
				t.Errorf("stint %v shows a whole 90-character name:\n%s", args, line)
			}
		}
	}
	var entries []map[string]any
	h.okJSON(&entries, "entries", "--json")
	if len(entries) != 2 || entries[1]["description"] != long("description") || entries[1]["project_name"] != long("project") {
		t.Errorf("JSON should keep whole names: %v", entries)
	}
}
