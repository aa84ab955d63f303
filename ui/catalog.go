//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// catalogData is the organization's projects, clients, tasks and tags (archived ones
// included), sorted by name, with lookups by id. Screens and pickers read it; reload
// replaces it as a whole.
type catalogData struct {
	projects    []app.Project
	clients     []app.Client
	tasks       []app.Task
	tags        []app.Tag
	projectByID map[uuid.UUID]app.Project
	clientByID  map[uuid.UUID]app.Client
	taskByID    map[uuid.UUID]app.Task
	tagByID     map[uuid.UUID]app.Tag
}

func byName[T any](rows []T, name func(T) string) {
	sort.SliceStable(rows, func(i, j int) bool { return strings.ToLower(name(rows[i])) < strings.ToLower(name(rows[j])) })
}

func loadCatalog(ctx context.Context, svc *app.Service, a app.Actor) (catalogData, error) {
	var c catalogData
	var err error
	if c.projects, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) { return svc.Projects(ctx, a, lp, true) }); err != nil {
		return c, err
	}
	// A team's member may not read its clients (the server's roles): the window then shows
	// projects without their clients, as the API does.
	if c.clients, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Client], error) { return svc.Clients(ctx, a, lp, true) }); errors.Is(err, app.ErrForbidden) {
		c.clients, err = nil, nil
	}
	if err != nil {
		return c, err
	}
	if c.tasks, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Task], error) { return svc.Tasks(ctx, a, lp, nil, true) }); err != nil {
		return c, err
	}
	if c.tags, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Tag], error) { return svc.Tags(ctx, a, lp, true) }); err != nil {
		return c, err
	}
	byName(c.projects, func(p app.Project) string { return p.Name })
	byName(c.clients, func(x app.Client) string { return x.Name })
	byName(c.tasks, func(t app.Task) string { return t.Name })
	byName(c.tags, func(t app.Tag) string { return t.Name })
	c.projectByID = make(map[uuid.UUID]app.Project, len(c.projects))
	for _, p := range c.projects {
		c.projectByID[p.ID] = p
	}
	c.clientByID = make(map[uuid.UUID]app.Client, len(c.clients))
	for _, x := range c.clients {
		c.clientByID[x.ID] = x
	}
	c.taskByID = make(map[uuid.UUID]app.Task, len(c.tasks))
	for _, t := range c.tasks {
		c.taskByID[t.ID] = t
	}
	c.tagByID = make(map[uuid.UUID]app.Tag, len(c.tags))
	for _, t := range c.tags {
		c.tagByID[t.ID] = t
	}
	return c, nil
}

// project returns a project's name and colour ("" for none or unknown).
func (c catalogData) project(id *uuid.UUID) (string, string) {
	if id == nil {
		return "", ""
	}
	if p, ok := c.projectByID[*id]; ok {
		return p.Name, p.Color
	}
	return "Deleted project", ""
}

// entryTitle is how an entry is named in one line.
func (u *UI) entryTitle(e app.TimeEntry) string {
	if e.Description != "" {
		return e.Description
	}
	if name, _ := u.cat.project(e.ProjectID); name != "" {
		return name
	}
	return "(no description)"
}

// loadTracked loads the time tracked per project (see app.TrackedByProject) and hands it to
// show on the UI thread.
func (u *UI) loadTracked(show func(map[uuid.UUID]int64)) {
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		tracked, err := u.svc.TrackedByProject(ctx, a)
		if err != nil {
			return nil, err
		}
		return func() { show(tracked) }, nil
	})
}

// trackedText is "12:30 tracked" (or "12.50 tracked"), as d shows durations.
func trackedText(d app.Display, secs int64) string { return d.Seconds(secs) + " tracked" }

// catalogItem is one row of a catalog screen.
type catalogItem struct {
	id       uuid.UUID
	title    string
	subtitle string
	color    string // "": no colour dot
	archived bool
}

// catalogList is the list every catalog screen shows: a header with "show archived" and a
// create button, and rows with edit and archive actions.
type catalogList struct {
	u            *UI
	all          []catalogItem
	items        []catalogItem
	list         *tipList
	showArchived *widget.Check
	newButton    *widget.Button
	empty        *fyne.Container
	header       *fyne.Container
	withDots     bool
	onEdit       func(id uuid.UUID)
	actions      catalogActions
	// confirm is the open delete confirmation (tests press its buttons).
	confirm *confirmDelete
	rows    map[fyne.CanvasObject]*catalogRow
}

type catalogRow struct {
	dot      *dot
	title    *widget.Label
	subtitle *subtle
	badge    *subtle
	edit     *rowButton
	archive  *rowButton
	del      *rowButton
	item     catalogItem
	// text holds the title and subtitle; laid out again when a recycled row changes.
	text *fyne.Container
}

// catalogActions are what a catalog screen does to one of its items in the store.
type catalogActions struct {
	kind    string // "project", "client", …
	archive func(ctx context.Context, a app.Actor, id uuid.UUID, archived bool) error
	remove  func(ctx context.Context, a app.Actor, id uuid.UUID) error
	// consequence says, in a sentence, what deleting an item does to what refers to it.
	consequence string
}

// confirmDelete is the open question before a delete.
type confirmDelete struct {
	dialog *dialog.CustomDialog
	text   *widget.Label
	del    *widget.Button // the dialogButton's
}

func newCatalogList(u *UI, title, newLabel string, withDots bool, onNew func(), emptyTitle, emptyHint string) *catalogList {
	c := &catalogList{u: u, withDots: withDots, rows: map[fyne.CanvasObject]*catalogRow{}}
	c.showArchived = widget.NewCheck("Show archived", func(bool) { c.filter() })
	c.newButton = widget.NewButtonWithIcon(newLabel, theme.ContentAddIcon(), onNew)
	c.newButton.Importance = widget.HighImportance
	c.header = u.newSwitch(heading(title), container.NewHBox(c.showArchived, c.newButton))
	c.empty = emptyState(emptyTitle, emptyHint)
	c.list = newTipList(u.tips, func() int { return len(c.items) }, c.createRow, c.updateRow, c.rowTip)
	u.onThemeChange(func() {
		for o := range c.rows {
			refreshTree(o)
		}
	})
	c.list.OnSelected = func(i widget.ListItemID) {
		c.list.follow(i)
		c.list.UnselectAll()
		if i < len(c.items) && c.onEdit != nil {
			c.onEdit(c.items[i].id)
		}
	}
	return c
}

// rowTip is the laid-out row showing item id, with its whole name and detail and whether
// the row cuts either, for the keyboard focus's tip.
func (c *catalogList) rowTip(id widget.ListItemID) (fyne.CanvasObject, string, bool) {
	if id < 0 || id >= len(c.items) {
		return nil, "", false
	}
	for o, r := range c.rows {
		if r.item.id != c.items[id].id || o.Size().Width <= 0 {
			continue
		}
		text, cut := r.tip()
		return o, text, cut
	}
	return nil, "", false
}

// tip is the row's whole name and detail and whether the row cuts either.
func (r *catalogRow) tip() (string, bool) {
	text := r.title.Text
	if r.subtitle.seg.Text != "" {
		text += "\n" + r.subtitle.seg.Text
	}
	return text, labelCut(r.title) || subtleCut(r.subtitle)
}

func (c *catalogList) object() fyne.CanvasObject {
	return container.NewBorder(container.NewVBox(c.header, widget.NewSeparator()), nil, nil, nil, container.NewStack(c.list, c.empty))
}

func (c *catalogList) createRow() fyne.CanvasObject {
	r := &catalogRow{dot: newDot(12), title: widget.NewLabel(""), subtitle: newSubtle("", false).truncated(), badge: caption("Archived")}
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.title.Truncation = fyne.TextTruncateEllipsis
	var o *fyne.Container
	focus := func(on bool) { c.u.tips.showRow(o, on, r.tip) }
	r.edit = newRowButton("", theme.DocumentCreateIcon(), nil, focus)
	r.edit.Importance = widget.LowImportance
	r.archive = newRowButton("Archive", nil, nil, focus)
	r.archive.Importance = widget.LowImportance
	r.edit.OnTapped = func() {
		if c.onEdit != nil {
			c.onEdit(r.item.id)
		}
	}
	r.archive.OnTapped = func() { c.archive(r.item, !r.item.archived) }
	r.del = newRowButton("", theme.DeleteIcon(), func() { c.askDelete(r.item) }, focus)
	r.del.Importance = widget.LowImportance
	// A long name truncates and leaves room for the client; neither reaches the buttons.
	text := container.New(pairLayout{title: r.title, detail: r.subtitle}, labelTip(c.u.tips, r.title), subtleTip(c.u.tips, r.subtitle))
	r.text = text
	left := fyne.CanvasObject(container.NewHBox())
	if c.withDots {
		left = r.dot.box
	}
	o = container.NewBorder(nil, nil, left, container.NewHBox(r.badge, r.edit, fixedWidth(84, r.archive), r.del), text)
	c.rows[o] = r
	return o
}

func (c *catalogList) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := c.rows[o]
	it := c.items[i]
	r.item = it
	r.dot.set(it.color)
	r.title.SetText(it.title)
	r.subtitle.SetText(it.subtitle)
	r.text.Refresh() // the split between title and subtitle depends on the title's length
	if it.archived {
		r.badge.Show()
		r.archive.SetText("Restore")
	} else {
		r.badge.Hide()
		r.archive.SetText("Archive")
	}
}

// archive archives or restores an item; an archive offers Undo.
func (c *catalogList) archive(it catalogItem, archived bool) {
	u, act := c.u, c.actions
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		if err := act.archive(ctx, a, it.id, archived); err != nil {
			return nil, fmt.Errorf("archive %s: %w", act.kind, err)
		}
		return func() {
			u.changed()
			if archived {
				u.offerUndo(fmt.Sprintf("Archived %s “%s”.", act.kind, ellipsize(it.title, nameMaxRunes)), func() { c.archive(it, false) })
			}
		}, nil
	})
}

// askDelete asks before deleting an item, saying what happens to what refers to it.
func (c *catalogList) askDelete(it catalogItem) {
	u, act := c.u, c.actions
	d := &confirmDelete{}
	d.text = widget.NewLabel(fmt.Sprintf("“%s” will be deleted. %s This cannot be undone; to hide it and keep it, archive it instead.", it.title, act.consequence))
	d.text.Wrapping = fyne.TextWrapWord
	d.dialog = dialog.NewCustomWithoutButtons("Delete "+act.kind+"?", fixedWidth(420, d.text), u.win)
	cancel := newDialogButton(u, "Cancel", nil, d.dialog.Hide)
	del := newDialogButton(u, "Delete "+act.kind, theme.DeleteIcon(), func() {
		d.dialog.Hide()
		a := u.actor
		u.bg(func(ctx context.Context) (func(), error) {
			if err := act.remove(ctx, a, it.id); err != nil {
				return nil, fmt.Errorf("delete %s: %w", act.kind, err)
			}
			return u.changed, nil
		})
	})
	del.Importance = widget.DangerImportance
	d.del = &del.Button
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, del})
	c.confirm = d
	u.showModal(d.dialog, submitWith(d.del), nil)
}

// set replaces the rows.
func (c *catalogList) set(items []catalogItem) {
	c.all = items
	c.filter()
}

func (c *catalogList) filter() {
	c.items = c.items[:0]
	for _, it := range c.all {
		if !it.archived || c.showArchived.Checked {
			c.items = append(c.items, it)
		}
	}
	if len(c.items) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
}

// editor is an open create or edit dialog: its form, save button and the dialog itself.
type editor struct {
	dialog *dialog.CustomDialog
	form   *form
	save   *dialogButton
}

// openEditor shows a dialog with f and Cancel/Save. Save calls read on the UI thread to
// take the fields' values; read returns the work to run off the UI thread (or an input
// error for the form). Validation errors appear next to their fields; success closes the
// dialog and reloads.
func (u *UI) openEditor(title, confirm string, f *form, read func() (func(ctx context.Context) error, error)) *editor {
	ed := &editor{form: f}
	f.clearOnEdit()
	var body fyne.CanvasObject = fixedWidth(440, f.object())
	if f.tips != nil {
		body = f.tips.over(body)
	}
	ed.dialog = dialog.NewCustomWithoutButtons(title, body, u.win)
	cancel := newDialogButton(u, "Cancel", nil, ed.dialog.Hide)
	ed.save = newDialogButton(u, confirm, theme.ConfirmIcon(), nil)
	ed.save.Importance = widget.HighImportance
	ed.save.OnTapped = func() {
		work, err := read()
		if err != nil {
			if !f.show(err) {
				u.showError(err)
			}
			return
		}
		f.clear()
		ed.save.Disable()
		u.bg(func(ctx context.Context) (func(), error) {
			err := work(ctx)
			return func() {
				ed.save.Enable()
				if err != nil {
					if !f.show(err) {
						u.showError(err)
					}
					return
				}
				ed.dialog.Hide()
				u.changed()
			}, nil
		})
	}
	ed.dialog.SetButtons([]fyne.CanvasObject{cancel, ed.save})
	u.showModal(ed.dialog, submitWith(&ed.save.Button), nil)
	return ed
}

// submit makes Enter in e press the editor's save button.
func (ed *editor) submit(entries ...*entry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { ed.save.OnTapped() }
	}
}

// colorChooser is a row of swatches from app.Palette; the chosen one is marked.
type colorChooser struct {
	value   string
	buttons []*dialogButton
	colors  []string
	box     *fyne.Container
}

// newColorChooser makes the swatches, for a dialog of u's.
func newColorChooser(u *UI, value string) *colorChooser {
	c := &colorChooser{value: value, colors: app.Palette()}
	c.box = container.NewHBox()
	for _, hex := range c.colors {
		b := newDialogButton(u, "", dotIcon(hex), nil)
		b.Importance = widget.LowImportance
		b.OnTapped = func() { c.set(hex) }
		c.buttons = append(c.buttons, b)
		c.box.Add(b)
	}
	c.set(value)
	return c
}

func (c *colorChooser) set(hex string) {
	c.value = hex
	for i, b := range c.buttons {
		if strings.EqualFold(c.colors[i], hex) {
			b.Importance = widget.MediumImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}

// ptrValue is *id, or the zero id for nil (no lookup finds it).
func ptrValue(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}
