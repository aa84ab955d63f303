//go:build !headless

package ui

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// timerScreen is the main screen: what you are working on, the start/stop button, the live
// elapsed time, today's and this week's totals, and today's entries.
type timerScreen struct {
	u       *UI
	desc    *entry
	suggest *suggester // earlier descriptions (suggest.go)
	project *picker
	task    *picker
	tags    *tagPicker
	// billable is ticked from the project's default when a project is picked.
	billable *widget.Check
	button   *widget.Button
	elapsed  *canvas.Text
	today    *widget.Label
	week     *widget.Label
	// activity shows the running timer's slot in progress when activity is measured.
	activity *widget.Label
	// shots says, while the running timer takes screenshots, that it does.
	shots   *widget.Label
	entries *entryList
	busy    bool

	// shown is the running entry (id and version) the fields show, so a reload does not
	// overwrite what the user is typing unless the entry itself changed.
	shown string
	// cells is the week's time per day and project without the running entry; tick adds its
	// live part and shows the totals by app.WholeMinutes, as the timesheet does.
	cells     app.Cells
	weekStart string
	day       string
}

func newTimerScreen(u *UI) *timerScreen {
	s := &timerScreen{u: u}
	s.desc = newEntry(u.shortcuts, "What are you working on?")
	s.desc.OnSubmitted = func(string) { s.onSubmit() }
	s.suggest = u.suggestDescriptions(s.desc, s.onSuggestion)
	s.project = newPicker(u, "No project", u.projectOptions, s.onProject)
	s.task = newPicker(u, "No task", func() []pickOption { return u.taskOptions(s.project.selected) }, s.onTask)
	s.tags = newTagPicker(u, s.onTags)
	s.billable = widget.NewCheck("Billable", s.onBillable)
	s.button = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), s.onToggle)
	s.button.Importance = widget.HighImportance
	s.elapsed = canvas.NewText("0:00:00", theme.Color(theme.ColorNameDisabled))
	s.elapsed.TextSize = 28
	s.elapsed.TextStyle = fyne.TextStyle{Bold: true} // Noto Sans digits are tabular: no jitter
	s.elapsed.Alignment = fyne.TextAlignTrailing
	s.today = widget.NewLabel("0:00")
	s.today.TextStyle = fyne.TextStyle{Bold: true}
	s.week = widget.NewLabel("0:00")
	s.activity = widget.NewLabel("")
	s.shots = widget.NewLabel("")
	s.shots.Importance = widget.WarningImportance
	s.week.TextStyle = fyne.TextStyle{Bold: true}
	s.entries = newEntryList(u, false)
	return s
}

func (s *timerScreen) title() string       { return "Timer" }
func (s *timerScreen) icon() fyne.Resource { return theme.MediaPlayIcon() }

func (s *timerScreen) build() fyne.CanvasObject {
	pickers := s.u.newSwitch(container.NewHBox(fixedWidth(180, s.project.button), fixedWidth(160, s.task.button)),
		container.NewHBox(fixedWidth(120, s.tags.button), s.billable))
	fields := container.NewVBox(s.desc, s.suggest.box)
	right := container.NewHBox(fixedWidth(140, container.NewCenter(s.elapsed)), fixedSize(fyne.NewSize(128, 0), s.button))
	// Wide: the description with the time and Start beside it, the pickers in a row under
	// both, so the bar fits the window from narrowBelow up beside the wide sidebar (the
	// pickers beside the description needed some 130 px more). Narrow: all stacked.
	bar := container.NewVBox()
	s.u.onNarrow(func(narrow bool) {
		if narrow {
			bar.Objects = []fyne.CanvasObject{fields, pickers, right}
		} else {
			bar.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, right, fields), pickers}
		}
		bar.Refresh()
	})
	barBG := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	barBG.CornerRadius = 10
	s.u.onThemeChange(func() {
		barBG.FillColor = theme.Color(theme.ColorNameHeaderBackground)
		barBG.Refresh()
		s.paintElapsed()
	})
	top := container.NewStack(barBG, container.NewPadded(container.NewPadded(bar)))
	totals := container.NewHBox(widget.NewLabel("Today"), s.today, widget.NewLabel("  This week"), s.week, s.activity, s.shots)
	head := s.u.newSwitch(heading("Today's entries"), totals)
	return container.NewBorder(container.NewVBox(top, head, widget.NewSeparator()), nil, nil, nil, s.entries.object())
}

// refresh shows the running entry and reloads today's entries and the totals.
func (s *timerScreen) refresh() {
	s.showRunning()
	u := s.u
	a := u.actor
	loc := u.loc
	u.bg(func(ctx context.Context) (func(), error) {
		now := u.svc.Now().In(loc)
		today := now.Format(app.DateLayout)
		week := u.display().WeekStart(now, loc).Format(app.DateLayout)
		log, err := u.svc.DayLog(ctx, a, app.DayLogQuery{From: week, To: today, UserID: &a.UserID})
		if err != nil {
			return nil, err
		}
		return func() {
			s.day = today
			s.weekStart = week
			// The running entry is added live by tick; an entry waiting to be deleted does
			// not count.
			s.cells = app.Cells{}
			for _, ld := range log.Days {
				for _, e := range ld.Entries {
					if (e.Running() && e.UserID == a.UserID) || (u.undo != nil && e.ID == u.undo.entry.ID) {
						continue
					}
					s.cells.Add(ld.Date, e.ProjectID, e.Seconds)
				}
			}
			s.entries.set([]app.LogDay{log.Day(today)}, today)
			s.tick()
			u.trayChanged() // today's total
		}, nil
	})
}

// showRunning puts the running entry into the fields and sets the button.
func (s *timerScreen) showRunning() {
	r := s.u.running
	if r == nil {
		if s.shown != "" {
			s.shown = ""
			s.desc.SetText("")
			s.project.set(nil)
			s.task.set(nil)
			s.tags.set(nil)
			s.setBillable(false)
		}
		s.button.SetText("Start")
		s.button.SetIcon(theme.MediaPlayIcon())
		s.button.Importance = widget.HighImportance
	} else {
		key := runningKey(*r)
		if key != s.shown {
			s.shown = key
			s.desc.SetText(r.Description)
			s.project.set(r.ProjectID)
			s.task.set(r.TaskID)
			s.tags.set(r.TagIDs)
			s.setBillable(r.Billable)
		}
		s.button.SetText("Stop")
		s.button.SetIcon(theme.MediaStopIcon())
		s.button.Importance = widget.DangerImportance
	}
	s.button.Refresh()
	s.paintElapsed()
}

func (s *timerScreen) paintElapsed() {
	if s.u.running == nil {
		s.elapsed.Color = theme.Color(theme.ColorNameDisabled)
	} else {
		s.elapsed.Color = theme.Color(theme.ColorNamePrimary)
	}
	s.tick()
}

// tick updates the elapsed time and the two totals: three labels, nothing else. Only the
// elapsed time shows seconds, and only while the window has focus; everything else changes
// once a minute, and a changed label is what costs a repaint.
func (s *timerScreen) tick() {
	r := s.u.running
	now := s.u.svc.Now()
	text := s.u.live(0)
	if r != nil {
		text = s.u.live(now.Sub(r.StartedAt))
	}
	if s.elapsed.Text != text {
		s.elapsed.Text = text
		s.elapsed.Refresh()
	}
	if s.day == "" {
		return // not loaded yet
	}
	cells := s.liveCells(now)
	setText(s.today, s.u.display().Total(cells, s.day, s.day))
	setText(s.week, s.u.display().Total(cells, s.weekStart, s.day))
	setText(s.activity, s.activityText(r))
	setText(s.shots, s.u.screenshotText())
}

// liveCells is the week so far per day and project, the running entry counted up to now.
func (s *timerScreen) liveCells(now time.Time) app.Cells {
	r := s.u.running
	if r == nil {
		return s.cells
	}
	cells := maps.Clone(s.cells)
	if cells == nil {
		cells = app.Cells{}
	}
	for _, sh := range app.SplitByDay(*r, s.u.loc, now) {
		cells.Add(sh.Date, r.ProjectID, sh.Seconds)
	}
	return cells
}

// todayTotal is today's total as the timer screen shows it, the running entry included
// ("" before the first load); the tray shows it too, so both round alike.
func (s *timerScreen) todayTotal() string {
	if s.day == "" {
		return ""
	}
	return s.u.display().Total(s.liveCells(s.u.svc.Now()), s.day, s.day)
}

// screenshotText is the indicator shown while the running timer takes screenshots (the
// organization takes them): "" when it does not. The timer screen and the tray show it.
func (u *UI) screenshotText() string {
	t := u.opts.Tracker
	if t == nil {
		return ""
	}
	on, _, err := t.Screenshots()
	switch {
	case !on:
		return ""
	case err != nil:
		return "  ◉ Screenshots on, none taken: " + strings.TrimPrefix(err.Error(), app.ErrActivityUnavailable.Error()+": ")
	}
	return "  ◉ Screenshots on"
}

// activityText is the running timer's activity in the slot in progress ("" when none is
// measured): a whole percentage, which changes a few times a minute at most.
func (s *timerScreen) activityText(r *app.TimeEntry) string {
	t := s.u.opts.Tracker
	if r == nil || t == nil {
		return ""
	}
	slot, ok := t.Current()
	if !ok || slot.EntryID != r.ID || slot.Tracked < time.Minute {
		return ""
	}
	return fmt.Sprintf("  Activity %d%%", slot.Percent())
}

// onToggle starts or stops the timer.
func (s *timerScreen) onToggle() {
	if s.busy {
		return
	}
	if s.u.running != nil {
		s.stop()
		return
	}
	billable := s.billable.Checked
	s.start(app.TimerStart{ProjectID: s.project.selected, TaskID: s.task.selected, Description: s.desc.Text,
		TagIDs: s.tags.selected, Billable: &billable})
}

func (s *timerScreen) start(in app.TimerStart) {
	s.busy = true
	u := s.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		e, err := u.svc.StartTimer(ctx, a, in)
		return func() {
			s.busy = false
			if err != nil {
				u.showError(err)
				return
			}
			u.running = &e
			s.showRunning()
			u.changed()
		}, nil
	})
}

func (s *timerScreen) stop() {
	s.busy = true
	u := s.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		_, err := u.svc.StopTimer(ctx, a)
		return func() {
			s.busy = false
			if err != nil {
				u.showError(err)
				u.changed()
				return
			}
			u.running = nil
			s.showRunning()
			u.changed()
		}, nil
	})
}

// onSubmit is Enter in the description: start, or rename the running entry.
func (s *timerScreen) onSubmit() {
	r := s.u.running
	if r == nil {
		s.onToggle()
		return
	}
	if s.desc.Text != r.Description {
		desc := s.desc.Text
		s.patchRunning(app.TimeEntryPatch{Description: &desc})
	}
}

func (s *timerScreen) onProject(id *uuid.UUID) {
	if id != nil {
		s.setBillable(s.u.cat.projectByID[*id].Billable) // as a new entry on it would be
	}
	if s.task.selected != nil {
		if t, ok := s.u.cat.taskByID[*s.task.selected]; !ok || id == nil || t.ProjectID != *id {
			s.task.set(nil)
		}
	}
	if s.u.running != nil {
		billable := s.billable.Checked
		s.patchRunning(app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: id}, TaskID: app.Nullable[uuid.UUID]{Set: true, Value: s.task.selected}, Billable: &billable})
	}
}

// onTags changes the running entry's tags; before a start they wait for it.
func (s *timerScreen) onTags(ids []uuid.UUID) {
	if s.u.running != nil {
		s.patchRunning(app.TimeEntryPatch{TagIDs: &ids})
	}
}

// onBillable is the user ticking Billable.
func (s *timerScreen) onBillable(on bool) {
	if s.u.running != nil && s.u.running.Billable != on {
		s.patchRunning(app.TimeEntryPatch{Billable: &on})
	}
}

// setBillable shows a value without calling onBillable.
func (s *timerScreen) setBillable(on bool) {
	if s.billable.Checked != on {
		s.billable.Checked = on
		s.billable.Refresh()
	}
}

func (s *timerScreen) onTask(id *uuid.UUID) {
	if id != nil && s.project.selected == nil {
		if t, ok := s.u.cat.taskByID[*id]; ok {
			s.project.set(&t.ProjectID)
		}
	}
	if s.u.running != nil {
		s.patchRunning(app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: s.project.selected}, TaskID: app.Nullable[uuid.UUID]{Set: true, Value: id}})
	}
}

// patchRunning changes the running entry.
func (s *timerScreen) patchRunning(p app.TimeEntryPatch) {
	u := s.u
	a, id := u.actor, u.running.ID
	u.bg(func(ctx context.Context) (func(), error) {
		e, err := u.svc.UpdateTimeEntry(ctx, a, id, p, 0)
		if err != nil {
			return nil, err
		}
		return func() {
			if u.running != nil && u.running.ID == e.ID {
				u.running = &e
				s.shown = runningKey(e)
			}
			u.changed()
		}, nil
	})
}

// continueEntry starts the timer again with an entry's fields (switching if one runs).
// The running entry itself is left alone: continuing it would stop it and start a copy.
func (u *UI) continueEntry(e app.TimeEntry) {
	if e.Running() || (u.running != nil && u.running.ID == e.ID) {
		return
	}
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		started, err := u.svc.ContinueEntry(ctx, a, e.ID)
		if err != nil {
			return nil, err
		}
		return func() {
			u.running = &started
			u.timer.showRunning()
			u.changed()
		}, nil
	})
}

// startProject switches the timer to a project (the tray's recent projects).
func (u *UI) startProject(id uuid.UUID) {
	u.timer.start(app.TimerStart{ProjectID: &id})
}

// runningKey identifies one version of an entry.
func runningKey(e app.TimeEntry) string { return fmt.Sprintf("%s/%d", e.ID, e.Version) }
