//go:build !headless

package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// projectsScreen lists projects with their client and colour: create, rename, recolour,
// archive.
type projectsScreen struct {
	u      *UI
	list   *catalogList
	editor *projectEditor
}

type projectEditor struct {
	*editor
	name     *entry
	client   *selectBox
	color    *colorChooser
	billable *check
}

func newProjectsScreen(u *UI) *projectsScreen {
	s := &projectsScreen{u: u}
	s.list = newCatalogList(u, "Projects", "New project", true, func() { s.onEdit(uuid.Nil) },
		"No projects yet", "Projects group your time. Create one for each client engagement or area of work.")
	s.list.onEdit = s.onEdit
	s.list.actions = catalogActions{kind: "project", consequence: "Time entries on it keep their time and show as “Deleted project”.",
		archive: func(ctx context.Context, a app.Actor, id uuid.UUID, archived bool) error {
			_, err := u.svc.UpdateProject(ctx, a, id, app.ProjectPatch{Archived: &archived}, 0)
			return err
		},
		remove: func(ctx context.Context, a app.Actor, id uuid.UUID) error { return u.svc.DeleteProject(ctx, a, id, 0) }}
	return s
}

func (s *projectsScreen) title() string            { return "Projects" }
func (s *projectsScreen) icon() fyne.Resource      { return theme.FolderIcon() }
func (s *projectsScreen) build() fyne.CanvasObject { return s.list.object() }

func (s *projectsScreen) refresh() {
	s.u.loadTracked(func(tracked map[uuid.UUID]int64) {
		var items []catalogItem
		for _, p := range s.u.cat.projects {
			var sub []string
			if c, ok := s.u.cat.clientByID[ptrValue(p.ClientID)]; ok {
				sub = append(sub, c.Name) // a deleted client is not named
			}
			if p.Billable {
				sub = append(sub, "billable")
			}
			sub = append(sub, trackedText(s.u.display(), tracked[p.ID]))
			items = append(items, catalogItem{id: p.ID, title: p.Name, subtitle: strings.Join(sub, " · "), color: p.Color, archived: p.Archived})
		}
		s.list.set(items)
	})
}

// onEdit opens the project dialog (uuid.Nil: a new project).
func (s *projectsScreen) onEdit(id uuid.UUID) {
	u := s.u
	p, editing := u.cat.projectByID[id]
	ed := &projectEditor{name: newEntry(u.shortcuts, "Project name"), billable: newCheck(u, "Billable by default", nil)}
	clientNames := []string{"No client"}
	clientIDs := map[string]uuid.UUID{}
	for _, c := range u.cat.clients {
		if !c.Archived || (p.ClientID != nil && *p.ClientID == c.ID) {
			clientNames = append(clientNames, c.Name)
			clientIDs[c.Name] = c.ID
		}
	}
	ed.client = newSelectBox(u, clientNames, nil)
	ed.client.SetSelected("No client")
	color := ""
	if editing {
		ed.name.SetText(p.Name)
		ed.billable.SetChecked(p.Billable)
		color = p.Color
		if p.ClientID != nil {
			ed.client.SetSelected(u.cat.clientByID[*p.ClientID].Name)
		}
	} else {
		palette := app.Palette()
		color = palette[len(u.cat.projects)%len(palette)]
	}
	ed.color = newColorChooser(u, color)
	f := newForm()
	f.add("Name", ed.name, "name")
	f.add("Client", ed.client, "client_id")
	f.add("Colour", ed.color.box, "color")
	f.add("", ed.billable, "billable")
	title, confirm := "New project", "Create project"
	if editing {
		title, confirm = "Edit project", "Save"
	}
	a := u.actor
	ed.editor = u.openEditor(title, confirm, f, func() (func(context.Context) error, error) {
		name, color, billable := ed.name.Text, ed.color.value, ed.billable.Checked
		var client *uuid.UUID
		if cid, ok := clientIDs[ed.client.Selected]; ok {
			client = &cid
		}
		return func(ctx context.Context) error {
			if !editing {
				_, err := u.svc.CreateProject(ctx, a, app.ProjectInput{Name: name, ClientID: client, Color: color, Billable: billable})
				return err
			}
			_, err := u.svc.UpdateProject(ctx, a, id, app.ProjectPatch{Name: &name, Color: &color, Billable: &billable,
				ClientID: app.Nullable[uuid.UUID]{Set: true, Value: client}}, p.Version)
			return err
		}, nil
	})
	ed.submit(ed.name)
	u.win.Canvas().Focus(ed.name)
	s.editor = ed
}
