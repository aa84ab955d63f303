//go:build !headless

package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/assets"
)

// recentInTray is how many recent projects the tray offers to switch to.
const recentInTray = 5

// trayMenu is the tray icon and its menu: the running entry and its time, today's total,
// the team server sync's status when there is one, start/stop, the recent projects to
// switch to, open and quit. The icon shows running or stopped, and its tooltip the running
// entry and today's total.
type trayMenu struct {
	u      *UI
	desk   desktop.App
	menu   *fyne.Menu
	status *fyne.MenuItem
	// today is today's total, as the timer screen shows it.
	today *fyne.MenuItem
	// syncLine is the team server sync's status ("" and left out when not connected).
	syncLine *fyne.MenuItem
	// shotLine says the running timer takes screenshots ("" and left out when not).
	shotLine *fyne.MenuItem
	toggle   *fyne.MenuItem
	// idle holds the idle question's line and answers while one waits (idleWatch.pending).
	idle    []*fyne.MenuItem
	recent  []app.Project
	running *bool // the icon shown, so it is set only on change
	label   string
	shown   string // signature of the menu the tray has
	iconOn  fyne.Resource
	iconOff fyne.Resource
	// setTip sets the icon's tooltip, which the tray host shows on hover; tip is the one
	// set. Fyne's desktop.App sets no tooltip, so it goes to fyne.io/systray, the tray
	// Fyne itself drives (tests replace it).
	setTip func(string)
	tip    string
}

// newTrayMenu sets up the tray; nil when the app has none.
func newTrayMenu(u *UI) *trayMenu {
	desk, ok := u.fyne.(desktop.App)
	if !ok {
		return nil
	}
	t := &trayMenu{u: u, desk: desk,
		iconOn:  fyne.NewStaticResource("tray-running.png", assets.TrayRunning),
		iconOff: fyne.NewStaticResource("tray-stopped.png", assets.TrayStopped)}
	t.status = &fyne.MenuItem{Label: "Not tracking", Disabled: true}
	t.today = &fyne.MenuItem{Disabled: true}
	t.setTip = systray.SetTooltip
	t.syncLine = &fyne.MenuItem{Disabled: true}
	t.shotLine = &fyne.MenuItem{Disabled: true}
	t.toggle = fyne.NewMenuItem("Start timer", t.onToggle)
	t.idle = []*fyne.MenuItem{{Disabled: true},
		fyne.NewMenuItem("Keep the time away", func() { u.idle.answer(app.IdleKeep) }),
		fyne.NewMenuItem("Discard it", func() { u.idle.answer(app.IdleDiscard) }),
		fyne.NewMenuItem("Discard it and stop", func() { u.idle.answer(app.IdleStop) })}
	t.build()
	return t
}

// trayChanged rebuilds the tray's menu after a change it shows besides the running entry.
func (u *UI) trayChanged() {
	if u.tray != nil {
		u.tray.build()
	}
}

// build assembles the menu from the current state and hands it to the tray, unless it would
// be the menu already there: a new menu gives every item a new id on D-Bus, and a tray host
// holding the old ids would drop a click made during the swap.
func (t *trayMenu) build() {
	t.update()
	sig := t.signature()
	if t.menu != nil && sig == t.shown {
		return
	}
	var items []*fyne.MenuItem
	if t.u.timer != nil { // no timer before onboarding: only open and quit
		items = append(items, t.status)
		if t.today.Label != "" {
			items = append(items, t.today)
		}
		if t.shotLine.Label != "" {
			items = append(items, t.shotLine)
		}
		if t.syncLine.Label != "" {
			items = append(items, t.syncLine)
		}
		items = append(items, t.toggle, fyne.NewMenuItemSeparator())
		if t.idle[0].Label != "" {
			items = append(items, t.idle...)
			items = append(items, fyne.NewMenuItemSeparator())
		}
	}
	for _, p := range t.recent {
		id := p.ID
		item := fyne.NewMenuItem(ellipsize(p.Name, nameMaxRunes), func() { t.u.startProject(id) })
		item.Icon = dotIcon(p.Color)
		if r := t.u.running; r != nil && r.ProjectID != nil && *r.ProjectID == id {
			item.Checked = true
		}
		items = append(items, item)
	}
	if len(t.recent) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
	}
	quit := fyne.NewMenuItem("Quit Stint", t.u.quit)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItem("Open Stint", t.u.showWindow), quit)
	t.menu = fyne.NewMenu("Stint", items...)
	t.shown = sig
	t.desk.SetSystemTrayMenu(t.menu)
}

// signature sums up what the menu shows.
func (t *trayMenu) signature() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t\n%s\n%s\n%s\n%s\n%s\n%s", t.u.timer != nil, t.status.Label, t.today.Label, t.shotLine.Label, t.syncLine.Label, t.toggle.Label, t.idle[0].Label)
	for _, p := range t.recent {
		checked := t.u.running != nil && t.u.running.ProjectID != nil && *t.u.running.ProjectID == p.ID
		fmt.Fprintf(&b, "\n%s %s %s %t", p.ID, p.Name, p.Color, checked)
	}
	return b.String()
}

// refresh reloads the recent projects and rebuilds the menu.
func (t *trayMenu) refresh() {
	u := t.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		recent, err := u.svc.RecentProjects(ctx, a, recentInTray)
		if err != nil {
			return nil, err
		}
		return func() {
			t.recent = recent
			t.build()
		}, nil
	})
}

// trayMarksMaxRunes is how much of the tags and "$" the tray's status line shows.
const trayMarksMaxRunes = 24

// update sets the status line, the toggle and the icon from the running entry.
func (t *trayMenu) update() {
	r := t.u.running
	if r == nil {
		t.status.Label = "Not tracking"
		t.toggle.Label = "Start timer"
	} else {
		t.status.Label = "● " + t.u.display().Duration(t.u.svc.Now().Sub(r.StartedAt)) + "  " + ellipsize(t.u.entryTitle(*r), nameMaxRunes)
		if marks := t.u.entryMarks(*r); marks != "" {
			t.status.Label += "  " + ellipsize(marks, trayMarksMaxRunes)
		}
		t.toggle.Label = "Stop timer"
	}
	t.today.Label = ""
	if t.u.timer != nil {
		if total := t.u.timer.todayTotal(); total != "" {
			t.today.Label = "Today " + total
		}
	}
	t.label = t.status.Label + "\n" + t.today.Label
	t.setTooltip()
	t.idle[0].Label = ""
	if p := t.u.idle.pending; p != nil {
		d := t.u.display()
		t.idle[0].Label = fmt.Sprintf("Away %s–%s, %s", d.Clock(p.From, t.u.loc), d.Clock(p.To, t.u.loc), d.Duration(p.To.Sub(p.From)))
	}
	t.shotLine.Label = strings.TrimSpace(t.u.screenshotText())
	t.syncLine.Label = ""
	if text, _ := t.u.sync.status(); text != "" {
		t.syncLine.Label = "Sync: " + text
	}
	on := r != nil
	if t.running == nil || *t.running != on {
		t.running = &on
		if on {
			t.desk.SetSystemTrayIcon(t.iconOn)
		} else {
			t.desk.SetSystemTrayIcon(t.iconOff)
		}
	}
}

// setTooltip shows the running entry (or that none runs) and today's total on the icon.
func (t *trayMenu) setTooltip() {
	tip := "Stint: " + strings.TrimPrefix(t.status.Label, "● ")
	if t.today.Label != "" {
		tip += "\n" + t.today.Label
	}
	if tip != t.tip {
		t.tip = tip
		t.setTip(tip)
	}
}

// tick refreshes the menu when its h:mm changes: at most once a minute.
func (t *trayMenu) tick() {
	old, shots, today := t.label, t.shotLine.Label, t.today.Label
	t.update()
	if t.shotLine.Label != shots || (t.today.Label == "") != (today == "") {
		t.build() // the screenshot line or today's total comes or goes
		return
	}
	if t.label != old {
		t.menu.Refresh()
	}
}

func (t *trayMenu) onToggle() {
	if t.u.timer != nil {
		t.u.timer.onToggle()
	}
}

// showWindow brings the window to the front.
func (u *UI) showWindow() {
	u.win.Show()
	u.win.RequestFocus()
}

// quit ends the app. A pending delete is committed first, so nothing that happens while
// the driver shuts down can bring the entry back.
func (u *UI) quit() {
	u.flushUndo()
	u.fyne.Quit()
}
