package main

import (
	"strings"
	"testing"
	"time"
)

// namedEntry is the part of an entry's JSON these tests read.
type namedEntry struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	StartedAt   time.Time  `json:"started_at"`
	StoppedAt   *time.Time `json:"stopped_at"`
	Timezone    string     `json:"timezone"`
	Billable    bool       `json:"billable"`
	ProjectName *string    `json:"project_name"`
	TaskName    *string    `json:"task_name"`
	TagNames    []string   `json:"tag_names"`
}

func (n namedEntry) project() string {
	if n.ProjectName == nil {
		return ""
	}
	return *n.ProjectName
}

func (n namedEntry) task() string {
	if n.TaskName == nil {
		return ""
	}
	return *n.TaskName
}

func catalogFixture(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.ok("--data", h.data, "projects", "add", "Acme") // creates the workspace in Berlin
	h.env["TZ"] = "UTC"                               // then the machine is elsewhere
	h.ok("projects", "add", "Beta", "--billable")
	h.ok("tasks", "add", "Design", "--project", "Acme")
	h.ok("tags", "add", "deep work")
	h.ok("tags", "add", "urgent")
	return h
}

func TestTimerStartWithTaskTagsBillable(t *testing.T) {
	h := catalogFixture(t)
	var e namedEntry
	h.okJSON(&e, "timer", "start", "--task", "design", "--tag", "deep work", "--tag", "URGENT", "--billable", "--json", "sketching")
	if e.project() != "Acme" || e.task() != "Design" || strings.Join(e.TagNames, ",") != "deep work,urgent" || !e.Billable || e.Description != "sketching" {
		t.Errorf("started %+v", e)
	}
	r := h.run("timer", "start", "--tag", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `stint tags add "nope"`) {
		t.Errorf("unknown tag: exit %d, stderr %q", r.code, r.stderr)
	}
	r = h.run("timer", "start", "--task", "Design", "--project", "Beta")
	if r.code != 1 || !strings.Contains(r.stderr, `no task named "Design"`) {
		t.Errorf("task of another project: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestContinue(t *testing.T) {
	h := catalogFixture(t)
	r := h.run("continue")
	if r.code != 1 || !strings.Contains(r.stderr, "no entries yet") {
		t.Errorf("continue with no entries: exit %d, stderr %q", r.code, r.stderr)
	}
	h.ok("timer", "start", "--task", "Design", "--tag", "urgent", "planning")
	r = h.run("continue")
	if r.code != 1 || !strings.Contains(r.stderr, "still running") {
		t.Errorf("continue while the last entry runs: exit %d, stderr %q", r.code, r.stderr)
	}
	h.clock.Advance(30 * time.Minute)
	h.ok("timer", "stop")
	h.clock.Advance(15 * time.Minute)
	if got, want := h.ok("continue"), "Continued \"planning\" on Acme at 11:45.\n"; got != want {
		t.Errorf("continue: %q, want %q", got, want)
	}
	var st timerStatusJSON
	h.okJSON(&st, "timer", "status", "--json")
	if st.Entry == nil || st.Entry.TaskName == nil || *st.Entry.TaskName != "Design" || strings.Join(st.Entry.TagNames, ",") != "urgent" {
		t.Errorf("continued entry: %+v", st.Entry)
	}
}

func TestEntriesAddEditDelete(t *testing.T) {
	h := catalogFixture(t)
	// Times are in the user's zone (Berlin), whatever the machine's.
	var e namedEntry
	h.okJSON(&e, "entries", "add", "--start", "2026-11-24 14:00", "--duration", "1h30m", "--project", "beta", "--tag", "urgent", "--json", "call", "with", "Beta")
	wantStart := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	if !e.StartedAt.Equal(wantStart) || e.StoppedAt == nil || e.StoppedAt.Sub(e.StartedAt) != 90*time.Minute ||
		e.project() != "Beta" || !e.Billable || e.Description != "call with Beta" || e.Timezone != berlin {
		t.Errorf("added %+v", e)
	}
	if out := h.ok("entries", "add", "--end", "10:00", "--duration", "45m", "standup"); !strings.Contains(out, "09:15–10:00") {
		t.Errorf("add with --end and --duration: %q", out)
	}
	if out := h.ok("entries", "add", "--duration", "1:30", "catch-up"); !strings.Contains(out, "09:30–11:00") {
		t.Errorf("add with a duration ending now: %q", out)
	}

	r := h.run("entries", "add", "--start", "14:00", "--end", "13:00")
	if r.code != 2 || !strings.Contains(r.stderr, "before the start") || !strings.Contains(r.stderr, "2026-11-26 13:00") {
		t.Errorf("end before start: exit %d, stderr %q", r.code, r.stderr)
	}
	r = h.run("entries", "add", "--start", "14:00")
	if r.code != 2 || !strings.Contains(r.stderr, "--duration") {
		t.Errorf("add without an end: exit %d, stderr %q", r.code, r.stderr)
	}
	r = h.run("entries", "add", "--duration", "soon")
	if r.code != 2 || !strings.Contains(r.stderr, "1h30m") {
		t.Errorf("bad duration: exit %d, stderr %q", r.code, r.stderr)
	}

	// Edit the first entry by id: another project and task, no tags, not billable, new end.
	var edited namedEntry
	h.okJSON(&edited, "entries", "edit", e.ID, "--project", "Acme", "--task", "Design", "--tag", "", "--billable=false",
		"--end", "2026-11-24 16:00", "--description", "design review", "--json")
	if edited.project() != "Acme" || edited.task() != "Design" || len(edited.TagNames) != 0 || edited.Billable ||
		edited.Description != "design review" || !edited.StartedAt.Equal(wantStart) || edited.StoppedAt.Sub(edited.StartedAt) != 2*time.Hour {
		t.Errorf("edited %+v", edited)
	}
	h.okJSON(&edited, "entries", "edit", e.ID, "--project", "", "--json")
	if edited.ProjectName != nil || edited.TaskName != nil || edited.Description != "design review" {
		t.Errorf("clearing the project: %+v", edited)
	}
	r = h.run("entries", "edit", e.ID, "--end", "2026-11-24 13:00")
	if r.code != 2 || !strings.Contains(r.stderr, "before the start") {
		t.Errorf("edit to end before start: exit %d, stderr %q", r.code, r.stderr)
	}

	if out := h.ok("entries", "delete", "last"); !strings.Contains(out, `Deleted "catch-up"`) {
		t.Errorf("delete last: %q", out)
	}
	h.ok("entries", "delete", e.ID)
	var list []namedEntry
	h.okJSON(&list, "entries", "--json")
	if len(list) != 1 || list[0].Description != "standup" {
		t.Errorf("after deleting two of three: %+v", list)
	}
	for _, args := range [][]string{{"entries", "delete"}, {"entries", "edit", "abc"}, {"entries", "delete", "01234567-89ab-cdef-0123-456789abcdef"}} {
		if r := h.run(args...); r.code == 0 || r.stderr == "" {
			t.Errorf("stint %v: exit %d", args, r.code)
		}
	}
}
