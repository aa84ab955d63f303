//go:build !headless

package ui

import (
	"errors"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

func TestTimerStartStopAndSwitch(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	acme := h.project("Acme website")
	h.project("Internal")
	h.external() // the window notices projects made elsewhere
	s := h.u.timer
	if s.button.Text != "Start" || s.elapsed.Text != "0:00:00" {
		t.Fatalf("idle timer: %q %q", s.button.Text, s.elapsed.Text)
	}

	// Start: description, a project found by typing, the big button.
	h.typeInto(s.desc, "landing page copy")
	h.pick(s.project, "acm")
	if s.project.selected == nil || *s.project.selected != acme.ID || s.project.button.Text != "Acme website" {
		t.Fatalf("picker chose %v (%q)", s.project.selected, s.project.button.Text)
	}
	h.tap(s.button)
	r := h.running()
	if r == nil || r.Description != "landing page copy" || r.ProjectID == nil || *r.ProjectID != acme.ID {
		t.Fatalf("running entry %+v", r)
	}
	if s.button.Text != "Stop" || s.button.Importance != widget.DangerImportance || s.button.Icon != theme.MediaStopIcon() {
		t.Fatalf("button while running: %q", s.button.Text)
	}
	// The live figures tick without a reload.
	h.clock.Advance(5*time.Minute + 7*time.Second)
	h.u.tick()
	if s.elapsed.Text != "0:05:07" || s.today.Text != "0:05" || s.week.Text != "0:05" {
		t.Fatalf("tick: elapsed %q today %q week %q", s.elapsed.Text, s.today.Text, s.week.Text)
	}
	// In the background the timer shows whole minutes, so a second passing changes nothing
	// on screen; back in front, the seconds return at once.
	h.u.setBackground(true)
	if s.elapsed.Text != "0:05" || h.u.status.Text != "0:05  landing page copy" {
		t.Fatalf("background: elapsed %q status %q", s.elapsed.Text, h.u.status.Text)
	}
	h.clock.Advance(time.Second)
	h.u.tick()
	if s.elapsed.Text != "0:05" {
		t.Fatalf("background tick: elapsed %q", s.elapsed.Text)
	}
	h.u.setBackground(false)
	if s.elapsed.Text != "0:05:08" {
		t.Fatalf("foreground again: elapsed %q", s.elapsed.Text)
	}
	if got := rows(s.entries); !slices.Equal(got, []string{"landing page copy"}) {
		t.Fatalf("today's entries %v", got)
	}

	// Stop.
	h.tap(s.button)
	if h.running() != nil || s.button.Text != "Start" || s.desc.Text != "" || s.project.selected != nil {
		t.Fatalf("after stop: running %v, button %q, desc %q", h.running(), s.button.Text, s.desc.Text)
	}
	if s.today.Text != "0:05" || s.elapsed.Text != "0:00:00" {
		t.Fatalf("today after stop %q, elapsed %q", s.today.Text, s.elapsed.Text)
	}

	// Start another, then switch by continuing the first: the running one stops.
	h.clock.Advance(time.Minute)
	h.typeInto(s.desc, "email")
	h.enter(s.desc) // Enter starts too
	second := h.running()
	if second == nil || second.Description != "email" || second.ProjectID != nil {
		t.Fatalf("second %+v", second)
	}
	h.clock.Advance(2 * time.Minute)
	first := rowFor(t, s.entries, "landing page copy")
	h.tap(first.cont)
	now := h.running()
	if now == nil || now.ID == second.ID || now.Description != "landing page copy" || *now.ProjectID != acme.ID {
		t.Fatalf("continue did not switch: %+v", now)
	}
	stopped, err := h.svc.TimeEntry(h.ctx, h.actor(), second.ID)
	if err != nil || stopped.Running() || stopped.Duration(time.Time{}) != 2*time.Minute {
		t.Fatalf("switched-from entry %+v %v", stopped, err)
	}
	if s.desc.Text != "landing page copy" || s.project.button.Text != "Acme website" {
		t.Fatalf("fields show %q / %q", s.desc.Text, s.project.button.Text)
	}
	if got := rows(s.entries); !slices.Equal(got, []string{"landing page copy", "email", "landing page copy"}) {
		t.Fatalf("newest first: %v", got)
	}
}

func TestRunningEntryEditedFromTheTimerBar(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	p := h.project("Internal")
	h.external()
	s := h.u.timer
	h.typeInto(s.desc, "standup")
	h.tap(s.button)
	// Renaming and changing the project of the running entry.
	h.typeInto(s.desc, "standup and planning")
	h.enter(s.desc)
	h.pick(s.project, "intern")
	r := h.running()
	if r.Description != "standup and planning" || r.ProjectID == nil || *r.ProjectID != p.ID {
		t.Fatalf("running entry not updated: %+v", r)
	}
}

func TestShortcutsWorkFromTextFields(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	s := h.u.timer
	h.typeInto(s.desc, "focus time")
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	s.desc.TypedShortcut(ctrlEnter)
	h.wait()
	if r := h.running(); r == nil || r.Description != "focus time" {
		t.Fatalf("Ctrl+Enter did not start: %+v", r)
	}
	s.desc.TypedShortcut(ctrlEnter)
	h.wait()
	if h.running() != nil {
		t.Fatal("Ctrl+Enter did not stop")
	}
	// Ctrl+F goes to the entries search; Ctrl+N opens a new entry; Ctrl+3 the timesheet.
	s.desc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if h.u.current != 1 || h.u.win.Canvas().Focused() != h.u.entries.search {
		t.Fatalf("Ctrl+F: screen %d, focus %v", h.u.current, h.u.win.Canvas().Focused())
	}
	h.u.entries.search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if !h.dialogOpen() {
		t.Fatal("Ctrl+N opened no dialog")
	}
	h.u.lastEntryEditor.desc.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if h.u.current != 2 {
		t.Fatalf("Ctrl+3: screen %d", h.u.current)
	}
	// A stock shortcut still reaches the field.
	if h.u.shortcuts.handle(&fyne.ShortcutSelectAll{}) {
		t.Fatal("select-all taken by the window")
	}
}

func TestChangesFromOtherProcessesAppear(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	s := h.u.timer
	// Another process (the CLI) starts a timer in the same store.
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("from the CLI")); err != nil {
		t.Fatal(err)
	}
	h.external()
	if s.button.Text != "Stop" || s.desc.Text != "from the CLI" || h.u.running == nil {
		t.Fatalf("external start not shown: %q %q", s.button.Text, s.desc.Text)
	}
	if _, err := h.svc.StopTimer(h.ctx, h.actor()); err != nil {
		t.Fatal(err)
	}
	h.external()
	if s.button.Text != "Start" || h.u.running != nil {
		t.Fatal("external stop not shown")
	}
	// Nothing changed: polling costs one query and reloads nothing.
	if h.u.poll(h.ctx) {
		t.Fatal("poll reported a change when there was none")
	}
}

func rowFor(t *testing.T, l *entryList, desc string) *entryRow {
	t.Helper()
	for i, it := range l.items {
		if !it.header && it.entry.Description == desc {
			o := l.createRow()
			l.updateRow(i, o)
			return l.rows[o]
		}
	}
	t.Fatalf("no row %q in %v", desc, rows(l))
	return nil
}

// TestContinueIsOffOnTheRunningRow: Continue on the running entry's own row used to stop it
// and start a copy, leaving a two-second duplicate. The row's Continue is disabled, and the
// action does nothing for the running entry; other rows keep theirs.
func TestContinueIsOffOnTheRunningRow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("earlier", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 30*time.Minute)
	s := h.u.timer
	h.typeInto(s.desc, "now")
	h.tap(s.button)
	h.clock.Advance(2 * time.Second)
	running := rowFor(t, s.entries, "now")
	if !running.cont.Disabled() {
		t.Fatal("Continue is offered on the running row")
	}
	if rowFor(t, s.entries, "earlier").cont.Disabled() {
		t.Fatal("Continue is off on a stopped row")
	}
	h.u.continueEntry(running.item.entry.TimeEntry) // as a click would, had it been enabled
	h.wait()
	page, err := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 {
		t.Fatalf("continuing the running entry made %d entries, want 2", len(page.Items))
	}
	// Once stopped, the entry can be continued.
	h.tap(s.button)
	if rowFor(t, s.entries, "now").cont.Disabled() {
		t.Fatal("Continue still off after stopping")
	}
}

// TestShortcutsInDialogs: in a dialog Ctrl+Enter submits the dialog and never starts the
// timer behind it, Escape closes it from a field or from the window, and the shortcuts
// reach the window from every field, Settings' time-zone field included.
func TestShortcutsInDialogs(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	ctrl := fyne.KeyModifierShortcutDefault
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: ctrl}
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	count := func() int {
		page, err := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Items)
	}

	// Ctrl+Enter in the new-entry dialog adds the entry and closes the dialog.
	h.u.timer.desc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: ctrl})
	ed := h.u.lastEntryEditor
	test.Type(ed.desc, "written up")
	ed.desc.TypedShortcut(ctrlEnter)
	h.wait()
	if h.running() != nil {
		t.Fatal("Ctrl+Enter in a dialog started the timer behind it")
	}
	if n := count(); n != 1 || h.dialogOpen() {
		t.Fatalf("after Ctrl+Enter in the dialog: %d entries, dialog open %v", n, h.dialogOpen())
	}
	// From a field without a text cursor (the window gets the key): the same.
	ed = h.u.editEntry(nil)
	test.Type(ed.desc, "second")
	ed.start.SetText("07:00") // not over the first
	ed.end.SetText("07:30")
	h.u.win.Canvas().Unfocus()
	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if h.running() != nil || count() != 2 || h.dialogOpen() {
		t.Fatalf("window Ctrl+Enter with a dialog: running %v, %d entries, open %v", h.running() != nil, count(), h.dialogOpen())
	}
	// A failing submit keeps the dialog open, and the other shortcuts wait behind it.
	ed = h.u.editEntry(nil)
	ed.end.SetText("not a time")
	ed.end.TypedShortcut(ctrlEnter)
	ed.end.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: ctrl})
	h.wait()
	if !h.dialogOpen() || h.u.current != 0 || count() != 2 {
		t.Fatalf("invalid dialog: open %v, screen %d, %d entries", h.dialogOpen(), h.u.current, count())
	}
	// Escape closes it from a field; nothing is saved.
	ed.date.TypedKey(escape)
	if h.dialogOpen() || count() != 2 {
		t.Fatalf("Escape in a field: open %v, %d entries", h.dialogOpen(), count())
	}
	// Escape that reaches the window closes the dialog in front, an error message too.
	h.u.editEntry(nil)
	h.u.win.Canvas().Unfocus()
	h.u.win.Canvas().OnTypedKey()(escape)
	if h.dialogOpen() {
		t.Fatal("Escape on the window left the dialog open")
	}
	h.u.showErrorDialog(errors.New("nope"))
	h.u.win.Canvas().OnTypedKey()(escape)
	if h.dialogOpen() {
		t.Fatal("Escape left the error message open")
	}
	// Without a dialog, Ctrl+Enter from Settings' time-zone field toggles the timer.
	h.u.show(7)
	h.u.settings.timezone.TypedShortcut(ctrlEnter)
	h.wait()
	if h.running() == nil {
		t.Fatal("Ctrl+Enter in the time-zone field did not start the timer")
	}
	h.u.settings.timezone.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: ctrl})
	h.wait()
	if h.u.current != 1 {
		t.Fatalf("Ctrl+2 from the time-zone field: screen %d", h.u.current)
	}
}

// TestTimerTicksOnlyWhileShown: on another screen the elapsed time is not updated (each
// update repaints the whole window, every second, for a label nobody sees); coming back to
// the timer screen shows the current value at once.
func TestTimerTicksOnlyWhileShown(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	s := h.u.timer
	h.typeInto(s.desc, "review")
	h.tap(s.button)
	h.clock.Advance(3 * time.Second)
	h.u.tick()
	if s.elapsed.Text != "0:00:03" {
		t.Fatalf("on the timer screen: elapsed %q", s.elapsed.Text)
	}
	h.u.show(1)
	h.wait()
	h.clock.Advance(2 * time.Second)
	h.u.tick()
	if s.elapsed.Text != "0:00:03" {
		t.Fatalf("on %s: elapsed ticked to %q", h.u.screens[1].title(), s.elapsed.Text)
	}
	h.u.show(0)
	if s.elapsed.Text != "0:00:05" {
		t.Fatalf("back on the timer screen: elapsed %q", s.elapsed.Text)
	}
	h.wait()
	h.clock.Advance(time.Second)
	h.u.tick()
	if s.elapsed.Text != "0:00:06" {
		t.Fatalf("ticking again: elapsed %q", s.elapsed.Text)
	}
}

// TestEscapeAfterTickingInADialog: a tap on a check gives it the keyboard focus, and the
// focused widget takes every key; Escape must still close the entry dialog, and the entry
// is not saved. The ticks are still read when the dialog is saved.
func TestEscapeAfterTickingInADialog(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	if _, err := h.svc.CreateTag(h.ctx, h.actor(), app.TagInput{Name: "client"}); err != nil {
		t.Fatal(err)
	}
	h.u.reload()
	h.wait()
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	for _, tc := range []struct {
		name string
		tap  func(ed *entryEditor) fyne.Tappable
	}{
		{"billable", func(ed *entryEditor) fyne.Tappable { return ed.billable }},
		{"tag", func(ed *entryEditor) fyne.Tappable { return ed.tags.checks[0] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ed := h.u.editEntry(nil)
			test.Type(ed.desc, "not saved")
			test.Tap(tc.tap(ed))
			focused := h.u.win.Canvas().Focused()
			if focused == nil {
				t.Fatal("the tapped check did not take the focus")
			}
			focused.TypedKey(escape)
			h.wait()
			if h.dialogOpen() {
				t.Fatalf("Escape on the focused %s check left the dialog open", tc.name)
			}
		})
	}
	ed := h.u.editEntry(nil)
	test.Type(ed.desc, "saved")
	test.Tap(ed.billable)
	test.Tap(ed.tags.checks[0])
	h.tap(ed.save)
	h.wait()
	page, err := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || !page.Items[0].Billable || len(page.Items[0].TagIDs) != 1 {
		t.Fatalf("entries %+v; want one, billable, with its tag", page.Items)
	}
}
