//go:build !headless

package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// tagsScreen lists the labels entries can carry: create, rename, recolour, archive.
type tagsScreen struct {
	u      *UI
	list   *catalogList
	editor *tagEditor
}

type tagEditor struct {
	*editor
	name  *entry
	color *colorChooser
}

func newTagsScreen(u *UI) *tagsScreen {
	s := &tagsScreen{u: u}
	s.list = newCatalogList(u, "Tags", "New tag", true, func() { s.onEdit(uuid.Nil) },
		"No tags yet", "Tags label entries across projects, like “meeting” or “review”.")
	s.list.onEdit = s.onEdit
	s.list.actions = catalogActions{kind: "tag", consequence: "Time entries keep their time; the tag is no longer shown on them.",
		archive: func(ctx context.Context, a app.Actor, id uuid.UUID, archived bool) error {
			_, err := u.svc.UpdateTag(ctx, a, id, app.TagPatch{Archived: &archived}, 0)
			return err
		},
		remove: func(ctx context.Context, a app.Actor, id uuid.UUID) error { return u.svc.DeleteTag(ctx, a, id, 0) }}
	return s
}

func (s *tagsScreen) title() string            { return "Tags" }
func (s *tagsScreen) icon() fyne.Resource      { return theme.ColorPaletteIcon() }
func (s *tagsScreen) build() fyne.CanvasObject { return s.list.object() }

func (s *tagsScreen) refresh() {
	var items []catalogItem
	for _, t := range s.u.cat.tags {
		items = append(items, catalogItem{id: t.ID, title: t.Name, color: t.Color, archived: t.Archived})
	}
	s.list.set(items)
}

func (s *tagsScreen) onEdit(id uuid.UUID) {
	u := s.u
	t, editing := u.cat.tagByID[id]
	ed := &tagEditor{name: newEntry(u.shortcuts, "Tag name")}
	title, confirm := "New tag", "Create tag"
	color := ""
	if editing {
		ed.name.SetText(t.Name)
		color = t.Color
		title, confirm = "Edit tag", "Save"
	} else {
		palette := app.Palette()
		color = palette[len(u.cat.tags)%len(palette)]
	}
	ed.color = newColorChooser(u, color)
	f := newForm()
	f.add("Name", ed.name, "name")
	f.add("Colour", ed.color.box, "color")
	a := u.actor
	ed.editor = u.openEditor(title, confirm, f, func() (func(context.Context) error, error) {
		name, color := ed.name.Text, ed.color.value
		return func(ctx context.Context) error {
			if !editing {
				_, err := u.svc.CreateTag(ctx, a, app.TagInput{Name: name, Color: color})
				return err
			}
			_, err := u.svc.UpdateTag(ctx, a, id, app.TagPatch{Name: &name, Color: &color}, t.Version)
			return err
		}, nil
	})
	ed.submit(ed.name)
	u.win.Canvas().Focus(ed.name)
	s.editor = ed
}
