//go:build !headless

package ui

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// timesheetScreen shows a week as a grid: a row per project, a column per day, with totals
// per row and column, in the organization's time zone. A day cell can be typed into to set
// the time on that project and day (app.SetTimesheetCell), with Undo.
type timesheetScreen struct {
	u         *UI
	date      string // any day of the week shown; "" for this week
	weekLabel *widget.Label
	zone      *subtle
	rows      *fyne.Container
	empty     *fyne.Container
	sheet     app.Timesheet
	// cells holds the grid's labels, header row first and totals row last, for tests.
	cells [][]*widget.Label
	req   int
	prev  *widget.Button
	next  *widget.Button
	this  *widget.Button
	// editors are the project rows' day cells, by row and day, for tests.
	editors   [][7]*sheetCellEditor
	lastEdit  *app.CellChange // what Undo puts back
	undoBar   *fyne.Container
	undoLabel *widget.Label
	undoBtn   *widget.Button
	// addProject adds a row for a project with no time in the week shown; added are the
	// projects added so, shown with empty cells until time is typed into one.
	addProject *picker
	added      []uuid.UUID
}

func newTimesheetScreen(u *UI) *timesheetScreen {
	s := &timesheetScreen{u: u, weekLabel: heading(""), zone: caption("")}
	s.rows = container.NewVBox()
	s.empty = emptyState("No time this week", "Tracked time shows up here per project and day.")
	s.empty.Hide()
	s.addProject = newActionPicker(u, "Add a project row", s.projectsWithoutRow, s.onAddProject)
	return s
}

// projectsWithoutRow are the live projects the week shown has no row for.
func (s *timesheetScreen) projectsWithoutRow() []pickOption {
	has := map[uuid.UUID]bool{}
	for _, r := range s.sheet.Rows {
		if r.ProjectID != nil {
			has[*r.ProjectID] = true
		}
	}
	for _, id := range s.added {
		has[id] = true
	}
	var out []pickOption
	for _, o := range s.u.projectOptions() {
		if !has[o.id] {
			out = append(out, o)
		}
	}
	return out
}

// onAddProject shows a row with empty cells for a project; typing a duration into one of
// them creates the entry (setCell), and the row is then the week's own.
func (s *timesheetScreen) onAddProject(id uuid.UUID) {
	s.added = append(s.added, id)
	s.show(s.sheet)
}

func (s *timesheetScreen) title() string       { return "Timesheet" }
func (s *timesheetScreen) icon() fyne.Resource { return theme.GridIcon() }

func (s *timesheetScreen) build() fyne.CanvasObject {
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.shift(-7) })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.shift(7) })
	s.this = widget.NewButton("This week", func() { s.date, s.added = "", nil; s.refresh() })
	s.weekLabel.Truncation = fyne.TextTruncateEllipsis
	head := s.u.newSwitch(container.NewBorder(nil, nil, container.NewHBox(s.prev, s.next), nil, s.weekLabel),
		container.NewHBox(container.NewCenter(s.zone), s.addProject.button, s.this))
	return container.NewBorder(container.NewVBox(head, widget.NewSeparator()), s.newUndoBar(), nil, nil,
		container.NewStack(container.NewScroll(s.rows), s.empty)) // scrolls sideways in a narrow window
}

func (s *timesheetScreen) shift(days int) {
	base := s.sheet.Days[0]
	if base == "" {
		base = s.u.today()
	}
	d, err := time.ParseInLocation(app.DateLayout, base, s.u.loc)
	if err != nil {
		d = s.u.svc.Now().In(s.u.loc)
	}
	s.date = d.AddDate(0, 0, days).Format(app.DateLayout)
	s.lastEdit = nil
	s.undoBar.Hide()
	s.added = nil // a row added for one week is not another week's
	s.refresh()
}

func (s *timesheetScreen) refresh() {
	u := s.u
	s.req++
	req := s.req
	a, date, disp := u.actor, s.date, u.display()
	u.bg(func(ctx context.Context) (func(), error) {
		sheet, err := u.svc.Timesheet(ctx, a, app.TimesheetQuery{Date: date, UserID: &a.UserID, Display: disp})
		if err != nil {
			return nil, err
		}
		return func() {
			if req == s.req {
				s.show(sheet)
			}
		}, nil
	})
}

// show lays the grid out.
func (s *timesheetScreen) show(sheet app.Timesheet) {
	s.sheet = sheet
	disp := s.u.display()
	loc, err := time.LoadLocation(sheet.Timezone)
	if err != nil {
		loc = s.u.loc
	}
	first, _ := time.ParseInLocation(app.DateLayout, sheet.Days[0], loc)
	last, _ := time.ParseInLocation(app.DateLayout, sheet.Days[6], loc)
	switch {
	case first.Month() == last.Month():
		s.weekLabel.SetText(first.Format("2") + " – " + last.Format("2 January 2006"))
	case first.Year() == last.Year():
		s.weekLabel.SetText(first.Format("2 Jan") + " – " + last.Format("2 Jan 2006"))
	default:
		s.weekLabel.SetText(first.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006"))
	}
	s.zone.SetText("Time zone " + sheet.Timezone)
	today := s.u.svc.Now().In(loc).Format(app.DateLayout)

	// Cells and totals in whole minutes, the totals adding up the cells (app.WholeMinutes).
	figs := disp.Sheet(sheet)
	// Rows added by hand that have no time yet follow the week's own, with empty cells.
	rows, figures := sheet.Rows, figs.Rows
	added := s.added[:0]
	for _, id := range s.added {
		if slices.ContainsFunc(sheet.Rows, func(r app.TimesheetRow) bool { return r.ProjectID != nil && *r.ProjectID == id }) {
			continue // it has time now: the week's own row
		}
		p, ok := s.u.cat.projectByID[id]
		if !ok || p.Archived {
			continue
		}
		added = append(added, id)
		pid := id
		rows = append(slices.Clip(rows), app.TimesheetRow{ProjectID: &pid, Name: p.Name, Color: p.Color})
		figures = append(slices.Clip(figures), [7]string{})
	}
	s.added = added
	if len(s.projectsWithoutRow()) == 0 {
		s.addProject.button.Disable()
	} else {
		s.addProject.button.Enable()
	}

	s.cells = nil
	s.editors = make([][7]*sheetCellEditor, len(rows))
	s.rows.Objects = nil
	lay := &sheetLayout{}
	cell := func(text string, bold bool, align fyne.TextAlign) *widget.Label {
		l := widget.NewLabel(text)
		l.Alignment = align
		l.TextStyle = fyne.TextStyle{Bold: bold}
		return l
	}
	// Header.
	hdr := []*widget.Label{cell("Project", true, fyne.TextAlignLeading)}
	for _, d := range sheet.Days {
		t, _ := time.ParseInLocation(app.DateLayout, d, loc)
		l := cell(t.Format("Mon 2"), true, fyne.TextAlignTrailing)
		if d == today {
			l.Importance = widget.HighImportance
		}
		hdr = append(hdr, l)
	}
	hdr = append(hdr, cell("Total", true, fyne.TextAlignTrailing))
	s.addRow(lay, hdr, nil)
	s.rows.Add(widget.NewSeparator())
	// Projects.
	for i, r := range rows {
		name, color := r.Name, r.Color
		switch {
		case r.ProjectID == nil:
			name = "No project"
		case r.Missing:
			name = "Deleted project"
		case r.Archived:
			name += " (archived)"
		}
		nameLabel := cell(name, false, fyne.TextAlignLeading)
		nameLabel.Truncation = fyne.TextTruncateEllipsis
		row := []*widget.Label{nameLabel}
		for d, secs := range r.Seconds {
			l := cell(sheetCell(secs, figures[i][d]), false, fyne.TextAlignTrailing)
			if secs == 0 {
				l.Importance = widget.LowImportance
			}
			row = append(row, l)
		}
		total := "–"
		if i < len(sheet.Rows) {
			total = sheetCell(r.TotalSeconds, figs.RowTotals[i])
		}
		row = append(row, cell(total, true, fyne.TextAlignTrailing))
		d := newDot(10)
		d.set(color)
		if r.ProjectID == nil {
			d.set("")
		}
		s.addRow(lay, row, d)
		if !r.Missing { // no new time on a deleted project
			s.makeEditable(i, r, figures[i])
		}
	}
	s.rows.Add(widget.NewSeparator())
	// Totals.
	tot := []*widget.Label{cell("Total", true, fyne.TextAlignLeading)}
	for d, secs := range sheet.DayTotals {
		tot = append(tot, cell(sheetCell(secs, figs.DayTotals[d]), true, fyne.TextAlignTrailing))
	}
	tot = append(tot, cell(sheetCell(sheet.TotalSeconds, figs.Total), true, fyne.TextAlignTrailing))
	tot[len(tot)-1].Importance = widget.HighImportance
	s.addRow(lay, tot, nil)
	s.rows.Refresh()
	if len(rows) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

// sheetCell shows a cell's figure (app.Display.Sheet), or a dash when no time was tracked.
func sheetCell(secs int64, figure string) string {
	if secs <= 0 {
		return "–"
	}
	return figure
}

// makeEditable turns the day cells of the row just added into fields.
func (s *timesheetScreen) makeEditable(i int, r app.TimesheetRow, figures [7]string) {
	grid := s.rows.Objects[len(s.rows.Objects)-1].(*fyne.Container)
	labels := s.cells[len(s.cells)-1]
	for d := range r.Seconds {
		ed := newSheetCellEditor(s.u.shortcuts, labels[d+1], cellText(r.Seconds[d], figures[d]), func(text string) { s.setCell(r, d, text) })
		s.editors[i][d] = ed
		grid.Objects[d+1] = ed
	}
}

func (s *timesheetScreen) addRow(lay *sheetLayout, labels []*widget.Label, d *dot) {
	s.cells = append(s.cells, labels)
	objs := make([]fyne.CanvasObject, len(labels))
	for i, l := range labels {
		objs[i] = l
	}
	name := fyne.CanvasObject(labels[0])
	if labels[0].Truncation != fyne.TextTruncateOff {
		name = labelTip(s.u.tips, labels[0])
	}
	if d != nil {
		objs[0] = container.NewBorder(nil, nil, d.box, nil, name)
	} else {
		objs[0] = container.NewBorder(nil, nil, fixedWidth(10, container.NewStack()), nil, name)
	}
	s.rows.Add(container.New(lay, objs...))
}

// sheetLayout places a grid row: the first column takes the room left by fixed-width day
// and total columns. All rows share one, so columns line up.
type sheetLayout struct{}

const (
	sheetCol      = 78
	sheetFirstMin = 180
)

func (sheetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	first := size.Width - float32(len(objs)-1)*sheetCol
	if first < sheetFirstMin {
		first = sheetFirstMin
	}
	x := float32(0)
	for i, o := range objs {
		w := float32(sheetCol)
		if i == 0 {
			w = first
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (sheetLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(sheetFirstMin+float32(len(objs)-1)*sheetCol, h)
}
