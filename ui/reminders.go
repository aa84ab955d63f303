//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// Reminder preferences are kept per device in Fyne's preferences, beside the display ones:
// whether to be nudged is a matter of the machine in front of the person.
const (
	prefRemind      = "reminders.remind"        // bool
	prefRemindAfter = "reminders.after_minutes" // 15, 30 or 60
	prefWorkDays    = "reminders.days"          // weekday numbers, "1,2,3,4,5" (0 is Sunday)
	prefWorkFrom    = "reminders.from"          // minutes after midnight
	prefWorkTo      = "reminders.to"            // minutes after midnight
	prefStop        = "reminders.stop"          // bool
	prefStopAt      = "reminders.stop_at"       // minutes after midnight
)

// remindAfterChoices are the idle stretches a reminder may wait for.
var remindAfterChoices = []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour}

// reminders is this device's reminder settings (app.DefaultReminders until changed).
func (u *UI) reminders() app.Reminders {
	p := u.fyne.Preferences()
	r := app.DefaultReminders()
	r.Remind = p.BoolWithFallback(prefRemind, r.Remind)
	r.After = time.Duration(p.IntWithFallback(prefRemindAfter, int(r.After/time.Minute))) * time.Minute
	if days := p.String(prefWorkDays); days != "" {
		r.Days = [7]bool{}
		for _, f := range strings.Split(days, ",") {
			if d, err := strconv.Atoi(f); err == nil && d >= 0 && d < 7 {
				r.Days[d] = true
			}
		}
	}
	r.From = p.IntWithFallback(prefWorkFrom, r.From)
	r.To = p.IntWithFallback(prefWorkTo, r.To)
	r.Stop = p.BoolWithFallback(prefStop, r.Stop)
	r.StopAt = p.IntWithFallback(prefStopAt, r.StopAt)
	return r
}

// reminderWatch applies the reminder settings once a minute, on the window's tick.
type reminderWatch struct {
	u *UI
	// minute is the last minute checked: the tick runs each second, the rules once a minute.
	minute time.Time
	// reminded is when the last reminder was shown (zero: not since the app started).
	reminded time.Time
	// busy is true while a check's service call is under way.
	busy bool
	// note is what the status line says while no timer runs ("": "Not tracking").
	note string
}

// check runs the rules for now, at most once per minute. It runs on the UI thread.
func (w *reminderWatch) check(now time.Time) {
	u := w.u
	if u.timer == nil || w.busy || now.Truncate(time.Minute).Equal(w.minute) {
		return
	}
	w.minute = now.Truncate(time.Minute)
	r := u.reminders()
	a, loc := u.actor, u.loc
	if run := u.running; run != nil {
		w.note = ""
		stopAt, due := r.StopDue(now, loc, run.StartedAt)
		if !due {
			return
		}
		w.busy = true
		u.bg(func(ctx context.Context) (func(), error) {
			_, err := u.svc.StopTimerAt(ctx, a, run.ID, stopAt)
			return func() {
				w.busy = false
				if errors.Is(err, app.ErrConflict) {
					u.changed() // stopped or switched elsewhere meanwhile: show what is
					return
				}
				if err != nil {
					u.showError(fmt.Errorf("stop the timer at the set time: %w", err))
					return
				}
				w.note = "Stopped at " + u.display().Clock(stopAt, loc) + " as set in Settings"
				u.fyne.SendNotification(fyne.NewNotification("Timer stopped", w.note+"."))
				u.changed()
			}, nil
		})
		return
	}
	if !r.Remind {
		return
	}
	w.busy = true
	u.bg(func(ctx context.Context) (func(), error) {
		// The newest entry tells when a timer last stopped; it may have been stopped by the
		// CLI or another device.
		last, err := u.svc.TimeEntries(ctx, a, app.EntryQuery{ListParams: app.ListParams{Limit: 1}, UserID: &a.UserID})
		return func() {
			w.busy = false
			if err != nil {
				u.log.Warn("reminder: last entry", "err", err)
				return
			}
			var lastStop time.Time
			if len(last.Items) > 0 {
				if s := last.Items[0].StoppedAt; s != nil {
					lastStop = *s
				} else {
					return // a timer started meanwhile
				}
			}
			if u.running != nil || !r.RemindDue(now, loc, false, lastStop, w.reminded) {
				return
			}
			w.reminded = now
			mins := int(r.After / time.Minute)
			w.note = "Not tracking (reminded at " + u.display().Clock(now, loc) + ")"
			u.fyne.SendNotification(fyne.NewNotification("No timer is running",
				fmt.Sprintf("Nothing has been tracked for %d minutes. Start a timer in Stint to keep your day complete.", mins)))
			u.updateStatus()
		}, nil
	})
}

// reminderControls are Settings' Reminders section.
type reminderControls struct {
	remind  *widget.Check
	after   *widget.Select
	days    [7]*widget.Check // by time.Weekday
	from    *widget.Select
	to      *widget.Select
	hours   *subtle // says when the hours make no sense
	stop    *widget.Check
	stopAt  *widget.Select
	minutes []int // the minute-of-day each time option stands for
}

// remindersSection builds Settings' Reminders section: controls that apply at once.
func (s *settingsScreen) remindersSection() fyne.CanvasObject {
	u := s.u
	c := &reminderControls{}
	s.reminder = c
	r := u.reminders()
	save := func() {
		p := u.fyne.Preferences()
		p.SetBool(prefRemind, c.remind.Checked)
		p.SetInt(prefRemindAfter, int(remindAfterChoices[max(c.after.SelectedIndex(), 0)]/time.Minute))
		var days []string
		for d, ch := range c.days {
			if ch.Checked {
				days = append(days, strconv.Itoa(d))
			}
		}
		p.SetString(prefWorkDays, strings.Join(days, ","))
		from, to := c.minutes[max(c.from.SelectedIndex(), 0)], c.minutes[max(c.to.SelectedIndex(), 0)]
		p.SetInt(prefWorkFrom, from)
		p.SetInt(prefWorkTo, to)
		p.SetBool(prefStop, c.stop.Checked)
		p.SetInt(prefStopAt, c.minutes[max(c.stopAt.SelectedIndex(), 0)])
		c.hours.SetText("")
		c.hours.Hide()
		if from >= to {
			c.hours.SetText("Working hours must end after they start; no reminders until they do.")
			c.hours.Show()
		}
		c.enable()
		u.reminderWatch.minute = time.Time{} // apply at the next tick
	}

	var timeLabels []string
	for m := 0; m < 24*60; m += 30 {
		c.minutes = append(c.minutes, m)
		timeLabels = append(timeLabels, u.display().Clock(time.Date(2000, 1, 1, m/60, m%60, 0, 0, time.UTC), time.UTC))
	}
	pickTime := func(m int) *widget.Select {
		sel := widget.NewSelect(timeLabels, nil)
		for i, v := range c.minutes {
			if v == m {
				sel.SetSelectedIndex(i)
			}
		}
		if sel.SelectedIndex() < 0 { // a value set elsewhere, off the half-hour grid
			c.minutes = append(c.minutes, m)
			sel.Options = append(sel.Options, u.display().Clock(time.Date(2000, 1, 1, m/60, m%60, 0, 0, time.UTC), time.UTC))
			sel.SetSelectedIndex(len(sel.Options) - 1)
		}
		return sel
	}

	c.remind = widget.NewCheck("Remind me when no timer runs", nil)
	c.remind.Checked = r.Remind
	var afterLabels []string
	for _, d := range remindAfterChoices {
		afterLabels = append(afterLabels, fmt.Sprintf("%d minutes", int(d/time.Minute)))
	}
	c.after = widget.NewSelect(afterLabels, nil)
	c.after.SetSelectedIndex(1)
	for i, d := range remindAfterChoices {
		if d == r.After {
			c.after.SetSelectedIndex(i)
		}
	}
	dayBox := container.NewHBox()
	first := u.display().FirstDay()
	for i := range 7 {
		d := (first + time.Weekday(i)) % 7
		ch := widget.NewCheck(d.String()[:3], nil)
		ch.Checked = r.Days[d]
		c.days[d] = ch
		dayBox.Add(ch)
	}
	c.from, c.to = pickTime(r.From), pickTime(r.To)
	c.hours = caption("")
	c.hours.Hide()
	c.stop = widget.NewCheck("Stop the timer at", nil)
	c.stop.Checked = r.Stop
	c.stopAt = pickTime(r.StopAt)

	for _, ch := range append([]*widget.Check{c.remind, c.stop}, c.days[:]...) {
		ch.OnChanged = func(bool) { save() }
	}
	for _, sel := range []*widget.Select{c.after, c.from, c.to, c.stopAt} {
		sel.OnChanged = func(string) { save() }
	}
	c.enable()
	return u.section("Reminders", container.NewVBox(
		container.NewHBox(c.remind, widget.NewLabel("after"), fixedWidth(140, c.after)),
		// Working days and hours belong to the reminder: indented under it.
		indent(container.NewHBox(widget.NewLabel("on"), dayBox)),
		indent(container.NewHBox(widget.NewLabel("between"), fixedWidth(120, c.from), widget.NewLabel("and"), fixedWidth(120, c.to))),
		indent(wrapped(c.hours)),
		container.NewHBox(c.stop, fixedWidth(120, c.stopAt)),
		wrapped(caption("Kept on this device. Times are in your time zone (Settings › Workspace). A timer still running past the set time, say after the computer slept, is stopped at that time.")),
	))
}

// indent shifts a row right by a check box's width, under the option it belongs to.
func indent(o fyne.CanvasObject) fyne.CanvasObject {
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(28, 0))
	return container.NewBorder(nil, nil, gap, nil, o)
}

// enable greys out what an unchecked option leaves unused.
func (c *reminderControls) enable() {
	set := func(on bool, ws ...fyne.Disableable) {
		for _, w := range ws {
			if on {
				w.Enable()
			} else {
				w.Disable()
			}
		}
	}
	set(c.remind.Checked, c.after, c.from, c.to)
	for _, ch := range c.days {
		set(c.remind.Checked, ch)
	}
	set(c.stop.Checked, c.stopAt)
}
