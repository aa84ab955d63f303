//go:build !headless

package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// entryList shows entries, optionally under day headers with daily totals. The timer and
// entries screens share it.
type entryList struct {
	u       *UI
	grouped bool
	items   []listItem
	list    *tipList
	empty   *fyne.Container
	rows    map[fyne.CanvasObject]*entryRow
}

// listItem is a day header or an entry.
type listItem struct {
	header bool
	date   string
	title  string
	total  int64
	// mins are a header's cells' whole minutes (each project's time that day), which its
	// total adds up in decimal hours as the timer's Today and the timesheet do.
	mins []int64
	// decimal is an entry's share of its cell in decimal hours (app.Display.Shares).
	decimal string
	entry   app.DayEntry
}

// rowDuration is an entry row's time as Settings asks: h:mm:ss (its seconds add up to its
// day's exactly), or in decimal hours its share of its project's time that day.
func rowDuration(d app.Display, secs int64, decimal string) string {
	if d.Decimal {
		return decimal
	}
	return duration(secs)
}

// rowsTotal is the total of rows shown by rowDuration: their seconds, or in decimal hours
// the sum of the rows as shown.
func rowsTotal(d app.Display, secs int64, mins []int64) string {
	if d.Decimal {
		return d.Sum(mins...)
	}
	return duration(secs)
}

type entryRow struct {
	header *fyne.Container
	hTitle *widget.Label
	hTotal *widget.Label

	body    *fyne.Container
	dot     *dot
	desc    *widget.Label
	marks   *subtle // tags and "$" for billable
	project *subtle
	// second is the line under the description in a narrow window, where the project and
	// span columns have no room: the project, the span and the tags in short.
	second     *fyne.Container
	dot2       *dot
	info       *subtle
	shortMarks *subtle
	// text holds the description and the tags; laid out again when a recycled row changes.
	text *fyne.Container
	span *subtle
	dur  *widget.Label
	cont *rowButton
	edit *rowButton
	del  *rowButton
	item listItem
	// columns are the project, the span and the tags beside the description; a narrow
	// window shows them on the second line instead.
	columns []fyne.CanvasObject
}

// narrow moves what a narrow window has no room for beside the description to the second
// line, and back.
func (r *entryRow) narrow(narrow bool) {
	for _, c := range r.columns {
		if narrow {
			c.Hide()
		} else {
			c.Show()
		}
	}
	if narrow {
		r.second.Show()
	} else {
		r.second.Hide()
	}
}

const headerHeight = 40

func newEntryList(u *UI, grouped bool) *entryList {
	l := &entryList{u: u, grouped: grouped, rows: map[fyne.CanvasObject]*entryRow{}}
	if grouped {
		l.empty = emptyState("No entries", "Nothing was tracked in this range. Change the filters, or add time with New entry (Ctrl+N).")
	} else {
		l.empty = emptyState("Nothing tracked today", "Type what you are working on above and press Start (Ctrl+Enter).")
	}
	l.list = newTipList(u.tips, func() int { return len(l.items) }, l.createRow, l.updateRow, l.rowTip)
	u.narrowHooks = append(u.narrowHooks, func(narrow bool) {
		for _, r := range l.rows {
			r.narrow(narrow)
		}
		l.list.Refresh()
	})
	u.onThemeChange(func() {
		for o := range l.rows {
			refreshTree(o)
		}
	})
	l.list.OnSelected = func(i widget.ListItemID) {
		l.list.follow(i)
		l.list.UnselectAll()
		if i < len(l.items) && !l.items[i].header {
			u.editEntry(&l.items[i].entry.TimeEntry)
		}
	}
	return l
}

// rowTip is the laid-out row showing item id, with its whole text (description, project,
// span and tags) and whether the row cuts any of it, for the keyboard focus's tip.
func (l *entryList) rowTip(id widget.ListItemID) (fyne.CanvasObject, string, bool) {
	if id < 0 || id >= len(l.items) || l.items[id].header {
		return nil, "", false
	}
	it := l.items[id]
	for o, r := range l.rows {
		if r.item.header || r.item.entry.ID != it.entry.ID || r.item.date != it.date || !r.body.Visible() || o.Size().Width <= 0 {
			continue
		}
		text, cut := r.tip()
		return o, text, cut
	}
	return nil, "", false
}

// tip is the row's whole text (description, project, span and tags) and whether the row
// cuts any of it.
func (r *entryRow) tip() (string, bool) {
	if r.item.header {
		return "", false
	}
	text := r.desc.Text + "\n" + r.project.seg.Text + " · " + r.span.seg.Text
	if r.marks.seg.Text != "" {
		text += "  " + r.marks.seg.Text
	}
	return text, labelCut(r.desc) || subtleCut(r.marks) || r.project.Visible() && subtleCut(r.project) || r.second.Visible() && subtleCut(r.info)
}

func (l *entryList) object() fyne.CanvasObject { return container.NewStack(l.list, l.empty) }

func (l *entryList) createRow() fyne.CanvasObject {
	r := &entryRow{dot: newDot(12), desc: widget.NewLabel(""), marks: newSubtle("", false).truncated(), project: newSubtle("", false).truncated(), span: newSubtle("", false), dur: widget.NewLabel(""),
		dot2: newDot(10), info: caption("").truncated(), shortMarks: caption("")}
	r.hTitle = widget.NewLabel("")
	r.hTitle.TextStyle = fyne.TextStyle{Bold: true}
	r.hTotal = widget.NewLabel("")
	r.hTotal.TextStyle = fyne.TextStyle{Bold: true}
	r.header = container.NewBorder(nil, nil, r.hTitle, r.hTotal)
	r.desc.Truncation = fyne.TextTruncateEllipsis
	r.dur.Alignment = fyne.TextAlignTrailing
	var o *fyne.Container
	focus := func(on bool) { l.u.tips.showRow(o, on, r.tip) }
	r.cont = newRowButton("", theme.MediaPlayIcon(), func() { l.u.continueEntry(r.item.entry.TimeEntry) }, focus)
	r.edit = newRowButton("", theme.DocumentCreateIcon(), func() { l.u.editEntry(&r.item.entry.TimeEntry) }, focus)
	r.del = newRowButton("", theme.DeleteIcon(), func() { l.u.deleteEntry(r.item.entry.TimeEntry) }, focus)
	for _, b := range []*rowButton{r.cont, r.edit, r.del} {
		b.Importance = widget.LowImportance
	}
	project := fixedWidth(170, container.NewBorder(nil, nil, r.dot.box, nil, subtleTip(l.u.tips, r.project)))
	span := fixedWidth(150, r.span)
	marks := subtleTip(l.u.tips, r.marks)
	r.columns = []fyne.CanvasObject{project, span, marks}
	r.second = container.NewBorder(nil, nil, r.dot2.box, r.shortMarks, subtleTip(l.u.tips, r.info))
	r.narrow(l.u.narrow)
	right := container.NewHBox(project, span, fixedWidth(84, r.dur), r.cont, r.edit, r.del)
	// The description keeps its width before the tags take what is left (pairLayout).
	r.text = container.New(pairLayout{title: r.desc, detail: r.marks}, labelTip(l.u.tips, r.desc), marks)
	r.body = container.NewVBox(container.NewBorder(nil, nil, nil, right, r.text), r.second)
	o = container.NewStack(r.header, r.body)
	l.rows[o] = r
	return o
}

func (l *entryList) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := l.rows[o]
	it := l.items[i]
	r.item = it
	if it.header {
		r.body.Hide()
		r.header.Show()
		r.hTitle.SetText(it.title)
		r.hTotal.SetText(rowsTotal(l.u.display(), it.total, it.mins))
		return
	}
	r.header.Hide()
	r.body.Show()
	u := l.u
	e := it.entry
	if e.Description == "" {
		r.desc.Importance = widget.MediumImportance
		r.desc.TextStyle = fyne.TextStyle{}
		r.desc.Text = "(no description)"
	} else {
		r.desc.Importance = widget.MediumImportance
		r.desc.TextStyle = fyne.TextStyle{Bold: true}
		r.desc.Text = e.Description
	}
	r.desc.Refresh()
	r.marks.SetText(u.entryMarks(e.TimeEntry))
	name, color := u.cat.project(e.ProjectID)
	if name == "" {
		name = "No project"
	}
	if e.TaskID != nil {
		if t, ok := u.cat.taskByID[*e.TaskID]; ok {
			name += " · " + t.Name
		}
	}
	r.project.SetText(name)
	r.dot.set(color)
	r.span.SetText(spanIn(e, u.loc, u.display()))
	r.dot2.set(color)
	r.info.SetText(name + " · " + r.span.seg.Text)
	r.shortMarks.SetText(u.shortMarks(e.TimeEntry))
	r.text.Refresh() // the split between description and tags depends on the description
	if e.Running() {
		r.dur.Importance = widget.HighImportance
		r.dur.Text = "running"
		r.cont.Disable() // it is what runs: continuing it would only split off a short copy
	} else {
		r.cont.Enable()
		r.dur.Importance = widget.MediumImportance
		r.dur.Text = rowDuration(u.display(), e.Seconds, it.decimal)
	}
	r.dur.Refresh()
}

// entrySpan is "09:00 – 10:30"; a part of an entry crossing midnight names the other day.
func entrySpan(e app.DayEntry, loc *time.Location) string { return spanIn(e, loc, app.Display{}) }

// spanIn is entrySpan with the clock d asks for.
func spanIn(e app.DayEntry, loc *time.Location, d app.Display) string {
	start := d.Clock(e.StartedAt, loc)
	if e.StartsEarlier {
		start = e.StartedAt.In(loc).Format("Mon ") + start
	}
	end := "now"
	if e.StoppedAt != nil {
		end = d.Clock(*e.StoppedAt, loc)
		if e.EndsLater {
			end = e.StoppedAt.In(loc).Format("Mon ") + end
		}
	}
	return start + " – " + end
}

// set shows days (newest first); entries waiting to be deleted are left out.
func (l *entryList) set(days []app.LogDay, today string) {
	var hidden uuid.UUID
	if l.u.undo != nil {
		hidden = l.u.undo.entry.ID
	}
	l.items = l.items[:0]
	for _, d := range days {
		var entries []listItem
		total := d.TotalSeconds
		// The day's cells: each project's entries, whose decimal figures share the cell's.
		cells := map[uuid.UUID][]int{}
		var order []uuid.UUID
		for _, e := range d.Entries {
			if e.ID == hidden {
				total -= e.Seconds
				continue
			}
			key := uuid.Nil
			if e.ProjectID != nil {
				key = *e.ProjectID
			}
			if _, ok := cells[key]; !ok {
				order = append(order, key)
			}
			cells[key] = append(cells[key], len(entries))
			entries = append(entries, listItem{entry: e, date: d.Date})
		}
		var mins []int64
		for _, key := range order {
			var secs []int64
			var sum int64
			for _, i := range cells[key] {
				secs = append(secs, entries[i].entry.Seconds)
				sum += entries[i].entry.Seconds
			}
			for j, text := range (app.Display{Decimal: true}).Shares(secs) {
				entries[cells[key][j]].decimal = text
			}
			mins = append(mins, app.WholeMinutes(sum))
		}
		if len(entries) == 0 {
			continue
		}
		if l.grouped {
			l.items = append(l.items, listItem{header: true, date: d.Date, title: dayTitle(d.Date, today, l.u.loc), total: total, mins: mins})
		}
		l.items = append(l.items, entries...)
	}
	if len(l.items) == 0 {
		l.empty.Show()
	} else {
		l.empty.Hide()
	}
	for i, it := range l.items {
		if it.header {
			l.list.SetItemHeight(i, headerHeight)
		}
	}
	l.list.Refresh()
}

// entryEditor is the dialog that creates or edits an entry.
type entryEditor struct {
	*editor
	desc     *entry
	suggest  *suggester // earlier descriptions (suggest.go)
	project  *picker
	task     *picker
	date     *entry
	start    *entry
	end      *entry
	billable *check
	tags     *checkGroup
	// note says, while the times are typed, when the end falls on the next day.
	note *widget.Label
	// nextDayAsked and overlapAsked are the spans (spanKey) the user was asked about: Save
	// again with the same times keeps them.
	nextDayAsked string
	overlapAsked atomic.Pointer[string]
}

// editEntry opens the entry dialog: for e, or for a new entry when e is nil.
func (u *UI) editEntry(e *app.TimeEntry) *entryEditor {
	ed := &entryEditor{}
	ed.desc = newEntry(u.shortcuts, "What did you work on?")
	ed.task = newPicker(u, "No task", func() []pickOption { return u.taskOptions(ed.project.selected) }, nil)
	ed.project = newPicker(u, "No project", u.projectOptions, func(id *uuid.UUID) {
		if ed.task.selected != nil {
			if t, ok := u.cat.taskByID[*ed.task.selected]; !ok || id == nil || t.ProjectID != *id {
				ed.task.set(nil)
			}
		}
		if id != nil {
			ed.billable.SetChecked(u.cat.projectByID[*id].Billable)
		}
	})
	ed.task.onChanged = func(id *uuid.UUID) {
		if id != nil && ed.project.selected == nil {
			if t, ok := u.cat.taskByID[*id]; ok {
				ed.project.set(&t.ProjectID)
			}
		}
	}
	ed.date = newEntry(u.shortcuts, "2026-11-23")
	ed.start = newEntry(u.shortcuts, "09:00")
	ed.end = newEntry(u.shortcuts, "17:30 or +1h30m")
	ed.billable = newCheck(u, "Billable", nil)
	var tagNames []string
	tagIDs := map[string]uuid.UUID{}
	for _, t := range u.cat.tags {
		if !t.Archived || (e != nil && slices.Contains(e.TagIDs, t.ID)) {
			tagNames = append(tagNames, t.Name)
			tagIDs[t.Name] = t.ID
		}
	}
	ed.tags = newCheckGroup(u, tagNames)
	ed.suggest = u.suggestDescriptions(ed.desc, func(sg app.Suggestion) { ed.onSuggestion(u, sg) })
	ed.suggest.relayout = ed.fitDialog

	title, confirm := "New entry", "Add entry"
	running := false
	if e == nil {
		now := u.svc.Now().In(u.loc)
		ed.date.SetText(now.Format(app.DateLayout))
		ed.start.SetText(now.Add(-time.Hour).Truncate(time.Minute).Format("15:04"))
		ed.end.SetText(now.Truncate(time.Minute).Format("15:04"))
		if now.Add(-time.Hour).Format(app.DateLayout) != ed.date.Text {
			ed.start.SetText("00:00")
		}
	} else {
		title, confirm = "Edit entry", "Save"
		running = e.Running()
		ed.desc.SetText(e.Description)
		ed.project.set(e.ProjectID)
		ed.task.set(e.TaskID)
		f := app.FormEntryTimes(*e, u.loc)
		ed.date.SetText(f.Date)
		ed.start.SetText(f.Start)
		ed.end.SetText(f.End)
		ed.billable.SetChecked(e.Billable)
		ed.tags.SetSelected(u.tagNames(e.TagIDs))
	}
	if running {
		ed.end.SetPlaceHolder("running")
		ed.end.Disable()
	}

	f := newForm()
	// The pickers' tips show on the dialog's layer: the window's lies under the dialog.
	f.tips = newTipLayer(u, true)
	ed.project.button.layer, ed.task.button.layer = f.tips, f.tips
	f.add("Description", container.NewVBox(ed.desc, ed.suggest.box), "description")
	f.row(f.field("Project", ed.project.button, "project_id"), f.field("Task", ed.task.button, "task_id"))
	f.row(f.field("Date", ed.date, "date"), f.field("Start", ed.start, "started_at"), f.field("End", ed.end, "stopped_at"))
	ed.note = widget.NewLabel("")
	ed.note.Importance = widget.WarningImportance
	ed.note.SizeName = theme.SizeNameCaptionText
	ed.note.Wrapping = fyne.TextWrapWord
	ed.note.Hide()
	f.grid.Add(ed.note)
	for _, field := range []*entry{ed.date, ed.start, ed.end} {
		field.OnChanged = func(string) { ed.updateNote(u.loc, u.display()) }
	}
	ed.updateNote(u.loc, u.display())
	f.add("", ed.billable, "billable")
	if len(tagNames) > 0 {
		f.add("Tags", ed.tags, "tag_ids")
	}
	a, loc := u.actor, u.loc
	ed.editor = u.openEditor(title, confirm, f, func() (func(context.Context) error, error) {
		return ed.read(u, a, loc, e, running, tagIDs)
	})
	ed.submit(ed.desc, ed.date, ed.start, ed.end)
	u.win.Canvas().Focus(ed.desc)
	u.lastEntryEditor = ed
	return ed
}

// read takes the fields' values and returns the save to run off the UI thread.
func (ed *entryEditor) read(u *UI, a app.Actor, loc *time.Location, e *app.TimeEntry, running bool, tagIDs map[string]uuid.UUID) (func(context.Context) error, error) {
	times := app.EntryTimes{Date: ed.date.Text, Start: ed.start.Text, End: ed.end.Text}
	start, stop, err := times.Parse(loc, !running)
	if err != nil {
		return nil, err
	}
	// New times only: an entry saved as it was is not asked about again.
	unchanged := e != nil && start.Equal(e.StartedAt) && ((stop == nil && e.StoppedAt == nil) ||
		(stop != nil && e.StoppedAt != nil && stop.Equal(*e.StoppedAt)))
	key := spanKey(start, stop)
	disp := u.display()
	if msg := nextDayNote(times, start, stop, loc, disp); msg != "" && !unchanged && ed.nextDayAsked != key {
		ed.nextDayAsked = key
		ask := fmt.Sprintf("%s; press %s again to keep it, or change the end", msg, ed.save.Text)
		ed.note.Importance = widget.DangerImportance
		ed.note.SetText(sentence(ask)) // the line under the times says it in full
		ed.note.Show()
		return nil, app.Invalid("stopped_at", "is on the next day")
	}
	var except *uuid.UUID
	if e != nil {
		except = &e.ID
	}
	askOverlap := !unchanged
	if asked := ed.overlapAsked.Load(); asked != nil && *asked == key {
		askOverlap = false
	}
	confirm := ed.save.Text
	desc := ed.desc.Text
	project, task := ed.project.selected, ed.task.selected
	billable := ed.billable.Checked
	tags := []uuid.UUID{}
	for _, name := range ed.tags.Selected {
		tags = append(tags, tagIDs[name])
	}
	return func(ctx context.Context) error {
		if askOverlap {
			others, err := u.svc.Overlaps(ctx, a, start, stop, except)
			if err != nil {
				return err
			}
			if len(others) > 0 {
				ed.overlapAsked.Store(&key)
				return &app.ConflictError{Message: overlapMessage(others, loc, disp) + " Press " + confirm + " again to keep both."}
			}
		}
		if e == nil {
			_, err := u.svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: project, TaskID: task, Description: desc,
				StartedAt: start, StoppedAt: stop, Billable: &billable, TagIDs: tags})
			return err
		}
		p := app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: project},
			TaskID: app.Nullable[uuid.UUID]{Set: true, Value: task}, Description: &desc,
			Billable: &billable, TagIDs: &tags}
		// Unchanged times are not sent, so the manual-entry limits apply only to new times.
		if !start.Equal(e.StartedAt) {
			p.StartedAt = &start
		}
		if !running && stop != nil && (e.StoppedAt == nil || !stop.Equal(*e.StoppedAt)) {
			p.StoppedAt = stop
		}
		_, err := u.svc.UpdateTimeEntry(ctx, a, e.ID, p, e.Version)
		return err
	}, nil
}

// updateNote says when the typed end falls on the next day, before anything is saved.
func (ed *entryEditor) updateNote(loc *time.Location, d app.Display) {
	times := app.EntryTimes{Date: ed.date.Text, Start: ed.start.Text, End: ed.end.Text}
	msg := ""
	if start, stop, err := times.Parse(loc, false); err == nil {
		msg = nextDayNote(times, start, stop, loc, d)
		if msg != "" {
			msg = sentence(msg)
		}
	}
	if ed.note.Text == msg {
		return
	}
	ed.note.Importance = widget.WarningImportance
	ed.note.SetText(msg)
	if msg == "" {
		ed.note.Hide()
	} else {
		ed.note.Show()
	}
}

// nextDayNote describes an end typed as a time of day that Parse put on the day after the
// start ("ends the next day, Tue 24 Nov at 13:00: 23:00 in total"); "" otherwise.
func nextDayNote(times app.EntryTimes, start time.Time, stop *time.Time, loc *time.Location, d app.Display) string {
	if stop == nil || strings.HasPrefix(strings.TrimSpace(times.End), "+") {
		return ""
	}
	s, e := start.In(loc), stop.In(loc)
	if s.Format(app.DateLayout) == e.Format(app.DateLayout) {
		return ""
	}
	return "ends the next day, " + e.Format("Mon 2 Jan") + " at " + d.Clock(e, loc) + ": " +
		app.FormatMinutes(stop.Sub(start)) + " in total"
}

// overlapMessage names the entries a span overlaps.
func overlapMessage(others []app.TimeEntry, loc *time.Location, d app.Display) string {
	o := others[0]
	title := o.Description
	if title == "" {
		title = "(no description)"
	}
	end := "now"
	if o.StoppedAt != nil {
		end = d.Clock(*o.StoppedAt, loc)
	}
	msg := "This overlaps “" + title + "” (" + o.StartedAt.In(loc).Format("Mon 2 Jan ") + d.Clock(o.StartedAt, loc) + " – " + end + ")"
	if len(others) > 1 {
		msg += fmt.Sprintf(" and %d more", len(others)-1)
	}
	return msg + "."
}

// spanKey identifies a span, for asking about it once.
func spanKey(start time.Time, stop *time.Time) string {
	if stop == nil {
		return start.String()
	}
	return start.String() + "/" + stop.String()
}
