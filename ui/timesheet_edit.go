//go:build !headless

package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// sheetCellEditor makes a timesheet day cell editable: a tap (or click) turns its label into a
// field; Enter or leaving the field sets the cell to what was typed, Escape cancels.
type sheetCellEditor struct {
	widget.BaseWidget
	label *widget.Label
	input *cellInput
	value string // the text the field starts with
	onSet func(text string)
}

func newSheetCellEditor(s *shortcuts, label *widget.Label, value string, onSet func(string)) *sheetCellEditor {
	c := &sheetCellEditor{label: label, value: value, onSet: onSet}
	c.input = &cellInput{}
	c.input.shortcuts = s
	c.input.ExtendBaseWidget(c.input)
	c.input.Wrapping = fyne.TextWrapOff
	c.input.onEscape = func() { c.finish(false) }
	c.input.OnSubmitted = func(string) { c.finish(true) }
	c.input.onBlur = func() { c.finish(true) }
	c.input.Hide()
	c.ExtendBaseWidget(c)
	return c
}

func (c *sheetCellEditor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.label, c.input))
}

// Tapped starts editing.
func (c *sheetCellEditor) Tapped(*fyne.PointEvent) { c.edit() }

// Cursor shows a text cursor over an editable cell.
func (c *sheetCellEditor) Cursor() desktop.Cursor { return desktop.TextCursor }

func (c *sheetCellEditor) edit() {
	if c.input.Visible() {
		return
	}
	c.input.SetText(c.value)
	c.label.Hide()
	c.input.Show()
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		cv.Focus(c.input)
	}
	c.input.Entry.TypedShortcut(&fyne.ShortcutSelectAll{}) // typing replaces what is there
}

// finish closes the field, setting the cell when commit is true and the text changed.
func (c *sheetCellEditor) finish(commit bool) {
	if !c.input.Visible() {
		return
	}
	text := c.input.Text
	c.input.Hide()
	c.label.Show()
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil && cv.Focused() == c.input {
		cv.Unfocus()
	}
	if commit && text != c.value {
		c.onSet(text)
	}
}

// cellInput is the field of a cell being edited; it reports losing focus.
type cellInput struct {
	entry
	onBlur func()
}

// FocusLost sets the cell, as leaving a spreadsheet cell does.
func (c *cellInput) FocusLost() {
	c.entry.FocusLost()
	if c.onBlur != nil {
		c.onBlur()
	}
}

// cellText is what a cell's field starts with: its figure as shown, or nothing.
func cellText(secs int64, figure string) string {
	if secs <= 0 {
		return ""
	}
	return figure
}

// setCell sets the actor's time on row's project on day d to what the user typed, and offers
// Undo.
func (s *timesheetScreen) setCell(row app.TimesheetRow, d int, text string) {
	u := s.u
	dur, err := app.ParseCellDuration(text)
	if err != nil {
		u.showError(app.Invalid("duration", "type a duration like 1:30, 1h30m or 1.5"))
		s.show(s.sheet)
		return
	}
	a, edit := u.actor, app.CellEdit{Date: s.sheet.Days[d], ProjectID: row.ProjectID, Duration: dur, Timezone: s.sheet.Timezone}
	name := row.Name
	if row.ProjectID == nil {
		name = "No project"
	}
	u.bg(func(ctx context.Context) (func(), error) {
		ch, err := u.svc.SetTimesheetCell(ctx, a, edit)
		if err != nil {
			return func() { s.show(s.sheet); u.showError(err) }, nil
		}
		return func() {
			if !ch.Empty() {
				s.offerUndo(name+" on "+s.dayName(edit.Date)+" set to "+u.display().Duration(dur)+".", ch)
			}
			u.changed()
		}, nil
	})
}

// dayName is a date as the grid's header shows it, "Mon 23".
func (s *timesheetScreen) dayName(date string) string {
	d, err := time.Parse(app.DateLayout, date)
	if err != nil {
		return date
	}
	return d.Format("Mon 2")
}

// offerUndo shows the bar under the grid that undoes the last cell edit.
func (s *timesheetScreen) offerUndo(text string, ch app.CellChange) {
	s.lastEdit = &ch
	s.undoLabel.SetText(text)
	s.undoBar.Show()
}

// onUndo puts back the entries the last cell edit changed.
func (s *timesheetScreen) onUndo() {
	ch := s.lastEdit
	if ch == nil {
		return
	}
	s.lastEdit = nil
	s.undoBar.Hide()
	u, a := s.u, s.u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		if err := u.svc.UndoTimesheetCell(ctx, a, *ch); err != nil {
			return nil, err
		}
		return u.changed, nil
	})
}

// newUndoBar builds the (hidden) bar that offers Undo for a cell edit.
func (s *timesheetScreen) newUndoBar() *fyne.Container {
	s.undoLabel = widget.NewLabel("")
	s.undoLabel.Truncation = fyne.TextTruncateEllipsis
	s.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), s.onUndo)
	s.undoBar = container.NewBorder(widget.NewSeparator(), nil, nil, s.undoBtn, s.undoLabel)
	s.undoBar.Hide()
	return s.undoBar
}
