//go:build !headless

package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// tasksScreen lists tasks with their projects: create, rename, mark done, archive.
type tasksScreen struct {
	u      *UI
	list   *catalogList
	editor *taskEditor
}

type taskEditor struct {
	*editor
	name    *entry
	project *picker
	done    *check
}

func newTasksScreen(u *UI) *tasksScreen {
	s := &tasksScreen{u: u}
	s.list = newCatalogList(u, "Tasks", "New task", true, func() { s.onEdit(uuid.Nil) },
		"No tasks yet", "Tasks split a project into pieces of work you can track time on.")
	s.list.onEdit = s.onEdit
	s.list.actions = catalogActions{kind: "task", consequence: "Time entries on it keep their time and their project.",
		archive: func(ctx context.Context, a app.Actor, id uuid.UUID, archived bool) error {
			_, err := u.svc.UpdateTask(ctx, a, id, app.TaskPatch{Archived: &archived}, 0)
			return err
		},
		remove: func(ctx context.Context, a app.Actor, id uuid.UUID) error { return u.svc.DeleteTask(ctx, a, id, 0) }}
	return s
}

func (s *tasksScreen) title() string            { return "Tasks" }
func (s *tasksScreen) icon() fyne.Resource      { return theme.CheckButtonCheckedIcon() }
func (s *tasksScreen) build() fyne.CanvasObject { return s.list.object() }

func (s *tasksScreen) refresh() {
	var items []catalogItem
	for _, t := range s.u.cat.tasks {
		name, color := s.u.cat.project(&t.ProjectID)
		sub := name
		if t.Done {
			sub += " · done"
		}
		items = append(items, catalogItem{id: t.ID, title: t.Name, subtitle: sub, color: color, archived: t.Archived})
	}
	s.list.set(items)
}

func (s *tasksScreen) onEdit(id uuid.UUID) {
	u := s.u
	t, editing := u.cat.taskByID[id]
	ed := &taskEditor{name: newEntry(u.shortcuts, "Task name"), done: newCheck(u, "Done", nil)}
	ed.project = newPicker(u, "Choose a project", u.projectOptions, nil)
	title, confirm := "New task", "Create task"
	if editing {
		ed.name.SetText(t.Name)
		ed.project.set(&t.ProjectID)
		ed.done.SetChecked(t.Done)
		title, confirm = "Edit task", "Save"
	} else if p := u.timer.project.selected; p != nil {
		ed.project.set(p)
	}
	f := newForm()
	f.add("Name", ed.name, "name")
	f.add("Project", ed.project.button, "project_id")
	f.add("", ed.done, "done")
	a := u.actor
	ed.editor = u.openEditor(title, confirm, f, func() (func(context.Context) error, error) {
		name, done := ed.name.Text, ed.done.Checked
		project := uuid.Nil
		if ed.project.selected != nil {
			project = *ed.project.selected
		}
		return func(ctx context.Context) error {
			if !editing {
				tk, err := u.svc.CreateTask(ctx, a, app.TaskInput{ProjectID: project, Name: name})
				if err == nil && done {
					_, err = u.svc.UpdateTask(ctx, a, tk.ID, app.TaskPatch{Done: &done}, tk.Version)
				}
				return err
			}
			_, err := u.svc.UpdateTask(ctx, a, id, app.TaskPatch{Name: &name, ProjectID: &project, Done: &done}, t.Version)
			return err
		}, nil
	})
	ed.submit(ed.name)
	u.win.Canvas().Focus(ed.name)
	s.editor = ed
}
