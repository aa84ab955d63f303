//go:build !headless

package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// clientsScreen lists the customers projects are done for: create, rename, archive.
type clientsScreen struct {
	u      *UI
	list   *catalogList
	editor *clientEditor
}

type clientEditor struct {
	*editor
	name *entry
}

func newClientsScreen(u *UI) *clientsScreen {
	s := &clientsScreen{u: u}
	s.list = newCatalogList(u, "Clients", "New client", false, func() { s.onEdit(uuid.Nil) },
		"No clients yet", "Add the customers you work for, then pick them on their projects.")
	s.list.onEdit = s.onEdit
	s.list.actions = catalogActions{kind: "client", consequence: "Its projects and their time entries stay; the projects show no client.",
		archive: func(ctx context.Context, a app.Actor, id uuid.UUID, archived bool) error {
			_, err := u.svc.UpdateClient(ctx, a, id, app.ClientPatch{Archived: &archived}, 0)
			return err
		},
		remove: func(ctx context.Context, a app.Actor, id uuid.UUID) error { return u.svc.DeleteClient(ctx, a, id, 0) }}
	return s
}

func (s *clientsScreen) title() string            { return "Clients" }
func (s *clientsScreen) icon() fyne.Resource      { return theme.AccountIcon() }
func (s *clientsScreen) build() fyne.CanvasObject { return s.list.object() }

func (s *clientsScreen) refresh() {
	s.u.loadTracked(func(tracked map[uuid.UUID]int64) {
		count := map[uuid.UUID]int{}
		secs := map[uuid.UUID]int64{}
		for _, p := range s.u.cat.projects {
			if p.ClientID == nil {
				continue
			}
			secs[*p.ClientID] += tracked[p.ID] // archived projects' time counts too
			if !p.Archived {
				count[*p.ClientID]++
			}
		}
		var items []catalogItem
		for _, c := range s.u.cat.clients {
			sub := "no projects"
			switch n := count[c.ID]; n {
			case 0:
			case 1:
				sub = "1 project"
			default:
				sub = fmt.Sprintf("%d projects", n)
			}
			sub += " · " + trackedText(s.u.display(), secs[c.ID])
			items = append(items, catalogItem{id: c.ID, title: c.Name, subtitle: sub, archived: c.Archived})
		}
		s.list.set(items)
	})
}

func (s *clientsScreen) onEdit(id uuid.UUID) {
	u := s.u
	c, editing := u.cat.clientByID[id]
	ed := &clientEditor{name: newEntry(u.shortcuts, "Client name")}
	title, confirm := "New client", "Create client"
	if editing {
		ed.name.SetText(c.Name)
		title, confirm = "Edit client", "Save"
	}
	f := newForm()
	f.add("Name", ed.name, "name")
	a := u.actor
	ed.editor = u.openEditor(title, confirm, f, func() (func(context.Context) error, error) {
		name := ed.name.Text
		return func(ctx context.Context) error {
			if !editing {
				_, err := u.svc.CreateClient(ctx, a, app.ClientInput{Name: name})
				return err
			}
			_, err := u.svc.UpdateClient(ctx, a, id, app.ClientPatch{Name: &name}, c.Version)
			return err
		}, nil
	})
	ed.submit(ed.name)
	u.win.Canvas().Focus(ed.name)
	s.editor = ed
}
