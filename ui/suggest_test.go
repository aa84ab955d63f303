//go:build !headless

package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// suggestFixture records an earlier entry on a project, task and tag, and returns them.
func suggestFixture(h *harness) (app.Project, app.Task, app.Tag) {
	h.t.Helper()
	web := h.project("Website")
	task, err := h.svc.CreateTask(h.ctx, h.actor(), app.TaskInput{ProjectID: web.ID, Name: "Design"})
	if err != nil {
		h.t.Fatal(err)
	}
	tag, err := h.svc.CreateTag(h.ctx, h.actor(), app.TagInput{Name: "client"})
	if err != nil {
		h.t.Fatal(err)
	}
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	if _, err := h.svc.CreateTimeEntry(h.ctx, h.actor(), app.TimeEntryInput{Description: "Landing page design", ProjectID: &web.ID,
		TaskID: &task.ID, TagIDs: []uuid.UUID{tag.ID}, StartedAt: start, StoppedAt: &stop}); err != nil {
		h.t.Fatal(err)
	}
	h.external()
	return web, task, tag
}

// typeSuggest types into a description field the user has clicked into.
func typeSuggest(h *harness, s *suggester, text string) {
	h.t.Helper()
	h.u.win.Canvas().Focus(s.field)
	test.Type(s.field, text)
	h.wait()
}

// TestTimerSuggestsDescriptions: typing part of an earlier description offers it with its
// project, task and tags; picking it fills the timer bar, and Start tracks on them.
func TestTimerSuggestsDescriptions(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	web, task, _ := suggestFixture(h)
	s := h.u.timer
	typeSuggest(h, s.suggest, "page des")
	if len(s.suggest.buttons) != 1 || s.suggest.buttons[0].Text != "Landing page design  —  Website · Design · #client" {
		t.Fatalf("suggestions %d %v", len(s.suggest.buttons), s.suggest.shown)
	}
	h.tap(s.suggest.buttons[0])
	if s.desc.Text != "Landing page design" || s.project.selected == nil || *s.project.selected != web.ID ||
		s.task.selected == nil || *s.task.selected != task.ID {
		t.Fatalf("after picking: %q %v %v", s.desc.Text, s.project.selected, s.task.selected)
	}
	if s.suggest.box.Visible() {
		t.Fatal("the list stayed open after picking")
	}
	if len(s.tags.selected) != 1 {
		t.Fatalf("tags after picking: %v; want the suggestion's one tag", s.tags.selected)
	}
	h.tap(s.button)
	r := h.running()
	if r == nil || r.Description != "Landing page design" || r.ProjectID == nil || *r.ProjectID != web.ID || r.TaskID == nil || *r.TaskID != task.ID ||
		len(r.TagIDs) != 1 || r.TagIDs[0] != s.tags.selected[0] {
		t.Fatalf("running %+v", r)
	}
	// Text the program sets (the running entry's description) offers nothing.
	if len(s.suggest.buttons) != 0 {
		t.Fatalf("suggestions without typing: %v", s.suggest.shown)
	}
}

// TestEntryFormSuggestsDescriptions: the entry form fills project, task, tags and billable.
func TestEntryFormSuggestsDescriptions(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	web, task, _ := suggestFixture(h)
	ed := h.u.editEntry(nil)
	h.wait()
	typeSuggest(h, ed.suggest, "LAND")
	if len(ed.suggest.buttons) != 1 {
		t.Fatalf("suggestions %v", ed.suggest.shown)
	}
	h.tap(ed.suggest.buttons[0])
	if ed.desc.Text != "Landing page design" || ed.project.selected == nil || *ed.project.selected != web.ID ||
		ed.task.selected == nil || *ed.task.selected != task.ID || !slices.Equal(ed.tags.Selected, []string{"client"}) {
		t.Fatalf("after picking: %q %v %v %v", ed.desc.Text, ed.project.selected, ed.task.selected, ed.tags.Selected)
	}
}
