//go:build !headless

package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
)

func TestCreateRenameRecolourArchiveProject(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	client, err := h.svc.CreateClient(h.ctx, h.actor(), app.ClientInput{Name: "Acme Corp"})
	if err != nil {
		t.Fatal(err)
	}
	h.external()
	h.u.show(3)
	h.wait()
	s := h.u.projects
	if !s.list.empty.Visible() {
		t.Fatal("no empty state")
	}
	// Create: an empty name is refused next to the field.
	h.tap(s.list.newButton)
	ed := s.editor
	h.tap(ed.save)
	if got := ed.form.fields["name"].label.Text; got != "Is required." {
		t.Fatalf("name error %q", got)
	}
	h.typeInto(ed.name, "Website relaunch")
	// Fixing the field clears its message at once, before the next save.
	if ed.form.fields["name"].label.Visible() {
		t.Fatalf("stale message under the name: %q", ed.form.fields["name"].label.Text)
	}
	ed.client.SetSelected("Acme Corp")
	ed.color.set("#e5484d")
	ed.billable.SetChecked(true)
	h.tap(ed.save)
	if h.dialogOpen() {
		t.Fatalf("dialog still open: %q", ed.form.general.label.Text)
	}
	p, err := h.svc.ProjectByName(h.ctx, h.actor(), "website relaunch")
	if err != nil || p.Color != "#e5484d" || !p.Billable || p.ClientID == nil || *p.ClientID != client.ID {
		t.Fatalf("created %+v %v", p, err)
	}
	if len(s.list.items) != 1 || s.list.items[0].title != "Website relaunch" || s.list.items[0].subtitle != "Acme Corp · billable · 0:00 tracked" {
		t.Fatalf("list %+v", s.list.items)
	}
	// The timer's project picker offers it at once.
	if opts := h.u.projectOptions(); len(opts) != 1 || opts[0].label != "Website relaunch" || opts[0].detail != "Acme Corp" {
		t.Fatalf("picker options %+v", opts)
	}
	// A second project with the same name: the conflict is shown in the dialog.
	h.tap(s.list.newButton)
	h.typeInto(s.editor.name, "WEBSITE RELAUNCH")
	h.tap(s.editor.save)
	if got := s.editor.form.fields["name"].label.Text; got != "A project with this name already exists." || s.editor.form.general.label.Visible() {
		t.Fatalf("conflict under the name %q, above the form %q", got, s.editor.form.general.label.Text)
	}
	s.editor.dialog.Hide()
	// Rename and recolour through the row's edit dialog.
	s.onEdit(p.ID)
	h.typeInto(s.editor.name, "Relaunch")
	s.editor.color.set("#30a46c")
	h.tap(s.editor.save)
	p, _ = h.svc.Project(h.ctx, h.actor(), p.ID)
	if p.Name != "Relaunch" || p.Color != "#30a46c" {
		t.Fatalf("renamed %+v", p)
	}
	// Archive: hidden unless "Show archived", and gone from the pickers.
	s.list.archive(s.list.items[0], true)
	h.wait()
	if len(s.list.items) != 0 || len(h.u.projectOptions()) != 0 {
		t.Fatalf("archived project still listed: %+v", s.list.items)
	}
	s.list.showArchived.SetChecked(true)
	if len(s.list.items) != 1 || !s.list.items[0].archived {
		t.Fatalf("show archived: %+v", s.list.items)
	}
}

func TestClientsTasksAndTags(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	p := h.project("Acme")
	h.external()

	h.u.show(4)
	h.wait()
	h.tap(h.u.clients.list.newButton)
	h.typeInto(h.u.clients.editor.name, "Globex")
	h.tap(h.u.clients.editor.save)
	if len(h.u.clients.list.items) != 1 || h.u.clients.list.items[0].title != "Globex" {
		t.Fatalf("clients %+v", h.u.clients.list.items)
	}

	h.u.show(5)
	h.wait()
	h.tap(h.u.tasks.list.newButton)
	ed := h.u.tasks.editor
	h.typeInto(ed.name, "Homepage")
	h.tap(ed.save)
	if got := ed.form.fields["project_id"].label.Text; got != "Is required." {
		t.Fatalf("task without project: %q", got)
	}
	h.pick(ed.project, "acme")
	h.tap(ed.save)
	if len(h.u.tasks.list.items) != 1 || h.u.tasks.list.items[0].subtitle != "Acme" {
		t.Fatalf("tasks %+v", h.u.tasks.list.items)
	}
	if opts := h.u.taskOptions(&p.ID); len(opts) != 1 || opts[0].label != "Homepage" {
		t.Fatalf("task options %+v", opts)
	}

	h.u.show(6)
	h.wait()
	h.tap(h.u.tags.list.newButton)
	h.typeInto(h.u.tags.editor.name, "meeting")
	h.u.tags.editor.color.set("#8e4ec6")
	h.tap(h.u.tags.editor.save)
	tags, _ := h.svc.Tags(h.ctx, h.actor(), app.ListParams{}, false)
	if len(tags.Items) != 1 || tags.Items[0].Color != "#8e4ec6" {
		t.Fatalf("tags %+v", tags.Items)
	}
	h.u.tags.list.archive(h.u.tags.list.items[0], true)
	h.wait()
	if len(h.u.tags.list.items) != 0 {
		t.Fatal("archived tag listed")
	}
}

// TestCatalogShowsTrackedTime: projects and clients show the time tracked on them, archived
// projects' time counting for their client.
func TestCatalogShowsTrackedTime(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	a := h.actor()
	client, err := h.svc.CreateClient(h.ctx, a, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Web", ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	old, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Old", ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	h.entryAt("a", &web, day, 90*time.Minute)
	h.entryAt("b", &web, day.AddDate(0, -3, 0), time.Hour) // months ago: all time counts
	h.entryAt("c", &old, day.Add(3*time.Hour), 30*time.Minute)
	archived := true
	if _, err := h.svc.UpdateProject(h.ctx, a, old.ID, app.ProjectPatch{Archived: &archived}, 0); err != nil {
		t.Fatal(err)
	}
	h.external()
	h.u.show(3)
	h.wait()
	subs := map[string]string{}
	for _, it := range h.u.projects.list.all {
		subs[it.title] = it.subtitle
	}
	if subs["Web"] != "Acme · 2:30 tracked" || subs["Old"] != "Acme · 0:30 tracked" {
		t.Fatalf("projects %v", subs)
	}
	h.u.show(4)
	h.wait()
	if got := h.u.clients.list.items; len(got) != 1 || got[0].subtitle != "1 project · 3:00 tracked" {
		t.Fatalf("clients %+v", got)
	}
}

// TestArchiveUndoAndDelete: an archive can be taken back from the undo bar; a delete is
// confirmed with a sentence on what happens, and the entries keep their time.
func TestArchiveUndoAndDelete(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	p := h.project("Website")
	e := h.entryAt("copy", &p, time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), time.Hour)
	h.external()
	h.u.show(3)
	h.wait()
	c := h.u.projects.list
	c.archive(c.items[0], true)
	h.wait()
	if !h.u.undoBar.Visible() || h.u.undoLabel.Text != "Archived project “Website”." {
		t.Fatalf("undo bar %v %q", h.u.undoBar.Visible(), h.u.undoLabel.Text)
	}
	if got, _ := h.svc.Project(h.ctx, h.actor(), p.ID); !got.Archived {
		t.Fatal("not archived")
	}
	h.tap(h.u.undoBtn)
	if got, _ := h.svc.Project(h.ctx, h.actor(), p.ID); got.Archived {
		t.Fatal("Undo left it archived")
	}
	if h.u.undoBar.Visible() || len(c.items) != 1 || c.items[0].archived {
		t.Fatalf("after undo: bar %v, items %+v", h.u.undoBar.Visible(), c.items)
	}

	// Delete: asked first; Cancel keeps it.
	c.askDelete(c.items[0])
	if !h.dialogOpen() || !strings.Contains(c.confirm.text.Text, "keep their time") {
		t.Fatalf("confirmation %q", c.confirm.text.Text)
	}
	c.confirm.dialog.Hide()
	if _, err := h.svc.Project(h.ctx, h.actor(), p.ID); err != nil {
		t.Fatalf("cancelled delete: %v", err)
	}
	c.askDelete(c.items[0])
	h.tap(c.confirm.del)
	if _, err := h.svc.Project(h.ctx, h.actor(), p.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("project after delete: %v", err)
	}
	if len(c.items) != 0 {
		t.Fatalf("deleted project listed: %+v", c.items)
	}
	got, err := h.svc.TimeEntry(h.ctx, h.actor(), e.ID)
	if err != nil || got.Duration(h.clock.Now()) != time.Hour {
		t.Fatalf("entry after its project's delete: %+v %v", got, err)
	}
	if name, _ := h.u.cat.project(got.ProjectID); name != "Deleted project" {
		t.Fatalf("entry's project shows %q", name)
	}
}

// TestDeletedClientIsNotNamed: after its client is deleted, a project's row names no client
// (no empty name and stray separator before "billable").
func TestDeletedClientIsNotNamed(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	a := h.actor()
	client, err := h.svc.CreateClient(h.ctx, a, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Web", ClientID: &client.ID, Billable: true}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.DeleteClient(h.ctx, a, client.ID, 0); err != nil {
		t.Fatal(err)
	}
	h.external()
	h.u.show(3)
	h.wait()
	if got := h.u.projects.list.items; len(got) != 1 || got[0].subtitle != "billable · 0:00 tracked" {
		t.Fatalf("projects %+v", got)
	}
}

// TestEscapeAfterTapInCatalogDialogs: a tap gives a check or a select the keyboard focus,
// and the focused widget takes every key; Escape must still close the project and task
// dialogs.
func TestEscapeAfterTapInCatalogDialogs(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	for _, tc := range []struct {
		name  string
		focus func() fyne.Focusable
	}{
		{"project billable", func() fyne.Focusable {
			h.u.show(3)
			h.tap(h.u.projects.list.newButton)
			test.Tap(h.u.projects.editor.billable)
			return h.u.projects.editor.billable
		}},
		{"project client", func() fyne.Focusable {
			h.u.show(3)
			h.tap(h.u.projects.list.newButton)
			ed := h.u.projects.editor
			// The state after a pick from its list: the list closed, the focus kept.
			h.u.win.Canvas().Focus(ed.client)
			ed.client.SetSelected("No client")
			return ed.client
		}},
		{"task done", func() fyne.Focusable {
			h.u.show(5)
			h.tap(h.u.tasks.list.newButton)
			test.Tap(h.u.tasks.editor.done)
			return h.u.tasks.editor.done
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.focus()
			h.wait()
			if !h.dialogOpen() {
				t.Fatal("no dialog")
			}
			focused := h.u.win.Canvas().Focused()
			if focused != want {
				t.Fatalf("focus on %T, want the %s", focused, tc.name)
			}
			focused.TypedKey(escape)
			h.wait()
			if h.dialogOpen() {
				t.Fatalf("Escape on the focused %s left the dialog open", tc.name)
			}
		})
	}
}
