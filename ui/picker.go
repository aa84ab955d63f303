//go:build !headless

package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
)

// pickOption is one choice of a picker.
type pickOption struct {
	id     uuid.UUID
	label  string
	detail string // searched too, shown after the label (a project's client)
	color  string
}

// picker is a button that opens a type-to-search list: type a few letters, press Enter to
// take the first match, or click one. Its first option can clear the choice.
type picker struct {
	u         *UI
	noneLabel string // label of the "nothing chosen" option and of the button then
	options   func() []pickOption
	selected  *uuid.UUID
	onChanged func(*uuid.UUID)

	button *tipButton
	// action is the label of a picker that is an action ("Add a project row"): its button
	// keeps the label and an add icon whatever is chosen.
	action string
	// tips shows cut names in the open list (the window's layer lies under the popup).
	tips     *tipLayer
	popup    *widget.PopUp
	sizer    *canvas.Rectangle
	search   *entry
	list     *widget.List
	filtered []pickOption
}

func newPicker(u *UI, noneLabel string, options func() []pickOption, onChanged func(*uuid.UUID)) *picker {
	p := &picker{u: u, noneLabel: noneLabel, options: options, onChanged: onChanged}
	p.button = newTipButton(u.tips, noneLabel, theme.MenuDropDownIcon(), p.open)
	p.tips = newTipLayer(u, true)
	p.button.Alignment = widget.ButtonAlignLeading
	p.button.IconPlacement = widget.ButtonIconLeadingText
	p.search = newEntry(u.shortcuts, "Search…")
	p.search.OnChanged = func(string) { p.filter() }
	p.search.OnSubmitted = func(string) {
		if len(p.filtered) > 0 {
			p.choose(p.filtered[0])
		}
	}
	p.search.onEscape = p.close
	rows := map[fyne.CanvasObject]*pickRow{}
	p.list = widget.NewList(func() int { return len(p.filtered) },
		func() fyne.CanvasObject {
			r := &pickRow{dot: newDot(10), label: widget.NewLabel("")}
			r.label.Truncation = fyne.TextTruncateEllipsis
			o := container.NewBorder(nil, nil, r.dot.box, nil, labelTip(p.tips, r.label))
			rows[o] = r
			return o
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r, opt := rows[o], p.filtered[i]
			text := opt.label
			if opt.detail != "" {
				text += " · " + opt.detail
			}
			r.label.Text = text
			if opt.id == uuid.Nil {
				r.label.Importance = widget.MediumImportance
				r.dot.set("")
			} else {
				r.label.Importance = widget.MediumImportance
				r.dot.set(opt.color)
			}
			r.label.Refresh()
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.UnselectAll()
		if i < len(p.filtered) {
			p.choose(p.filtered[i])
		}
	}
	return p
}

type pickRow struct {
	dot   *dot
	label *widget.Label
}

// set shows a choice without calling onChanged.
func (p *picker) set(id *uuid.UUID) {
	p.selected = nil
	if id != nil {
		v := *id
		p.selected = &v
	}
	if p.action != "" {
		p.button.setText(p.action, len(p.action))
		p.button.SetIcon(theme.ContentAddIcon())
		return
	}
	p.button.SetIcon(theme.MenuDropDownIcon())
	p.button.fitText(p.noneLabel)
	if id == nil {
		return
	}
	for _, o := range p.options() {
		if o.id == *id {
			p.button.SetIcon(dotIcon(o.color))
			p.button.fitText(o.label)
			return
		}
	}
}

// newActionPicker is a picker behind a button that names an action, such as adding a row:
// choosing calls onChosen, and the button keeps its label.
func newActionPicker(u *UI, label string, options func() []pickOption, onChosen func(uuid.UUID)) *picker {
	p := newPicker(u, "", options, func(id *uuid.UUID) {
		if id != nil {
			onChosen(*id)
		}
	})
	p.action = label
	p.set(nil)
	return p
}

func (p *picker) open() {
	p.search.SetText("")
	p.filter()
	c := p.u.win.Canvas()
	content := container.NewBorder(p.search, nil, nil, nil, p.list)
	p.sizer = canvas.NewRectangle(color.Transparent)
	p.fit()
	p.tips.hide()
	p.popup = widget.NewPopUp(p.tips.over(container.NewStack(p.sizer, content)), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.button)
	pos.Y += p.button.Size().Height
	if max := c.Size().Width - 310; pos.X > max && max > 0 {
		pos.X = max
	}
	p.popup.ShowAtPosition(pos)
	c.Focus(p.search)
}

func (p *picker) close() {
	p.tips.hide()
	if p.popup != nil {
		p.popup.Hide()
		p.popup = nil
	}
}

// filter keeps the options whose label or detail contain every typed word.
func (p *picker) filter() {
	words := strings.Fields(strings.ToLower(p.search.Text))
	p.filtered = p.filtered[:0]
	if len(words) == 0 && p.noneLabel != "" {
		p.filtered = append(p.filtered, pickOption{label: p.noneLabel})
	}
	for _, o := range p.options() {
		text := strings.ToLower(o.label + " " + o.detail)
		ok := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
		}
		if ok {
			p.filtered = append(p.filtered, o)
		}
	}
	p.list.Refresh()
	p.fit()
}

// fit sizes the popup to its matches, up to seven rows.
func (p *picker) fit() {
	if p.sizer == nil {
		return
	}
	rows := min(max(len(p.filtered), 1), 7)
	row := p.list.MinSize().Height + theme.Padding()
	h := p.search.MinSize().Height + float32(rows)*row + 2*theme.Padding()
	p.sizer.SetMinSize(fyne.NewSize(300, h))
	if p.popup != nil {
		p.popup.Resize(p.popup.MinSize())
	}
}

func (p *picker) choose(o pickOption) {
	p.close()
	var id *uuid.UUID
	if o.id != uuid.Nil {
		id = &o.id
	}
	p.set(id)
	if p.onChanged != nil {
		p.onChanged(p.selected)
	}
}

// projectOptions lists live projects, with their clients as detail.
func (u *UI) projectOptions() []pickOption {
	var out []pickOption
	for _, p := range u.cat.projects {
		if p.Archived {
			continue
		}
		o := pickOption{id: p.ID, label: p.Name, color: p.Color}
		if p.ClientID != nil {
			o.detail = u.cat.clientByID[*p.ClientID].Name
		}
		out = append(out, o)
	}
	return out
}

// taskOptions lists the open tasks of a project (all projects' when nil).
func (u *UI) taskOptions(project *uuid.UUID) []pickOption {
	var out []pickOption
	for _, t := range u.cat.tasks {
		if t.Archived || t.Done || (project != nil && t.ProjectID != *project) {
			continue
		}
		name, color := u.cat.project(&t.ProjectID)
		o := pickOption{id: t.ID, label: t.Name, color: color}
		if project == nil {
			o.detail = name
		}
		out = append(out, o)
	}
	return out
}
