//go:build !headless

package ui

import (
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// tagPicker is a button that opens a list of tags to tick; the button names the ticked ones.
// Archived tags are offered only while they are ticked, so an entry keeps what it has.
type tagPicker struct {
	u         *UI
	selected  []uuid.UUID
	onChanged func([]uuid.UUID)

	button *tipButton
	popup  *widget.PopUp
	group  *widget.CheckGroup
	// ids maps the names the check group shows back to tags.
	ids map[string]uuid.UUID
}

func newTagPicker(u *UI, onChanged func([]uuid.UUID)) *tagPicker {
	p := &tagPicker{u: u, onChanged: onChanged}
	p.button = newTipButton(u.tips, "Tags", theme.MenuDropDownIcon(), p.open)
	p.button.Alignment = widget.ButtonAlignLeading
	p.button.IconPlacement = widget.ButtonIconLeadingText
	return p
}

// set shows a choice without calling onChanged.
func (p *tagPicker) set(ids []uuid.UUID) {
	p.selected = slices.Clone(ids)
	text := p.u.tagText(ids)
	if text == "" {
		text = "Tags"
	}
	p.button.fitText(text)
}

func (p *tagPicker) open() {
	var names, ticked []string
	p.ids = map[string]uuid.UUID{}
	for _, t := range p.u.cat.tags {
		if t.Archived && !slices.Contains(p.selected, t.ID) {
			continue
		}
		names = append(names, t.Name)
		p.ids[t.Name] = t.ID
		if slices.Contains(p.selected, t.ID) {
			ticked = append(ticked, t.Name)
		}
	}
	var content fyne.CanvasObject
	if len(names) == 0 {
		content = widget.NewLabel("No tags yet: add them under Tags.")
	} else {
		p.group = widget.NewCheckGroup(names, nil)
		p.group.Selected = ticked
		p.group.OnChanged = func(sel []string) { p.choose(sel) }
		content = container.NewVScroll(p.group)
	}
	sizer := canvas.NewRectangle(color.Transparent)
	sizer.SetMinSize(fyne.NewSize(220, min(float32(len(names)+1)*36, 260)))
	c := p.u.win.Canvas()
	p.popup = widget.NewPopUp(container.NewStack(sizer, content), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.button)
	pos.Y += p.button.Size().Height
	if max := c.Size().Width - 230; pos.X > max && max > 0 {
		pos.X = max
	}
	p.popup.ShowAtPosition(pos)
}

func (p *tagPicker) close() {
	if p.popup != nil {
		p.popup.Hide()
		p.popup = nil
	}
}

// choose takes the ticked names, in the catalog's order.
func (p *tagPicker) choose(names []string) {
	ids := []uuid.UUID{}
	for _, t := range p.u.cat.tags {
		if id, ok := p.ids[t.Name]; ok && slices.Contains(names, t.Name) {
			ids = append(ids, id)
		}
	}
	p.set(ids)
	if p.onChanged != nil {
		p.onChanged(p.selected)
	}
}

// tagNames are the names of the tags with ids, in their order; unknown ids are left out.
func (u *UI) tagNames(ids []uuid.UUID) []string {
	var names []string
	for _, id := range ids {
		if t, ok := u.cat.tagByID[id]; ok {
			names = append(names, t.Name)
		}
	}
	return names
}

// tagText names tags as "#design #ops"; unknown ids are left out.
func (u *UI) tagText(ids []uuid.UUID) string {
	names := u.tagNames(ids)
	for i, n := range names {
		names[i] = "#" + n
	}
	return strings.Join(names, " ")
}

// entryMarks is what a row shows after an entry's description: its tags (the first three,
// then how many more) and "$" when billable.
func (u *UI) entryMarks(e app.TimeEntry) string {
	var parts []string
	for _, id := range e.TagIDs {
		if t, ok := u.cat.tagByID[id]; ok {
			parts = append(parts, "#"+ellipsize(t.Name, 16))
		}
	}
	if n := len(parts); n > 3 {
		parts = append(parts[:3], "+"+strconv.Itoa(n-3))
	}
	if e.Billable {
		parts = append(parts, "$")
	}
	return strings.Join(parts, " ")
}

// shortMarks is entryMarks for a narrow row: the first tag and how many more ("#design +2
// $"), so that a row always shows that an entry has tags.
func (u *UI) shortMarks(e app.TimeEntry) string {
	var first string
	n := 0
	for _, id := range e.TagIDs {
		if t, ok := u.cat.tagByID[id]; ok {
			if n == 0 {
				first = "#" + ellipsize(t.Name, 12)
			}
			n++
		}
	}
	var parts []string
	if n > 0 {
		parts = append(parts, first)
	}
	if n > 1 {
		parts = append(parts, "+"+strconv.Itoa(n-1))
	}
	if e.Billable {
		parts = append(parts, "$")
	}
	return strings.Join(parts, " ")
}

// tagOptions lists the live tags, for filtering by one.
func (u *UI) tagOptions() []pickOption {
	var out []pickOption
	for _, t := range u.cat.tags {
		if !t.Archived {
			out = append(out, pickOption{id: t.ID, label: t.Name})
		}
	}
	return out
}
