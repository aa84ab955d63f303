//go:build !headless

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// shortcuts are the window's keyboard shortcuts: Ctrl+Enter starts or stops the timer,
// Ctrl+N opens a new entry, Ctrl+F searches entries, Ctrl+I imports a file, Ctrl+1…9 and
// Ctrl+0 switch to the ten screens. Text fields
// (entry, selectEntry) pass them on, so they work wherever the focus is. In a dialog,
// Ctrl+Enter submits the dialog instead (see modal).
type shortcuts struct {
	u    *UI
	keys map[string]func()
	list []*desktop.CustomShortcut
	// submit names Ctrl+Return and Ctrl+Enter (keypad), which submit a dialog.
	submit [2]string
}

func newShortcuts(u *UI) *shortcuts {
	s := &shortcuts{u: u, keys: map[string]func(){}}
	ctrl := fyne.KeyModifierShortcutDefault
	s.add(fyne.KeyReturn, ctrl, u.onToggleShortcut)
	s.add(fyne.KeyEnter, ctrl, u.onToggleShortcut)
	s.submit = [2]string{s.list[0].ShortcutName(), s.list[1].ShortcutName()}
	s.add(fyne.KeyN, ctrl, u.onNewEntryShortcut)
	s.add(fyne.KeyF, ctrl, u.onSearchShortcut)
	s.add(fyne.KeyI, ctrl, func() { u.openImport() })
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9, fyne.Key0} {
		s.add(k, ctrl, func() { u.show(i) })
	}
	return s
}

func (s *shortcuts) add(key fyne.KeyName, mod fyne.KeyModifier, fn func()) {
	sc := &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	s.keys[sc.ShortcutName()] = fn
	s.list = append(s.list, sc)
}

// install registers the shortcuts on the window's canvas, for when no text field has focus.
func (s *shortcuts) install(c fyne.Canvas) {
	for _, sc := range s.list {
		c.AddShortcut(sc, func(fyne.Shortcut) { s.handle(sc) })
	}
}

// handle runs the shortcut's action, reporting whether it is one of ours. While a dialog
// shows, Ctrl+Enter submits it and the others do nothing: the screen behind it waits. While
// a popup list is open (a select's, a picker's), every one of them does nothing.
func (s *shortcuts) handle(sc fyne.Shortcut) bool {
	name := sc.ShortcutName()
	fn, ok := s.keys[name]
	if !ok {
		return false
	}
	if s.u.popupOpen() {
		// A list or menu is open: its keys are for it, and the timer or dialog behind waits.
		return true
	}
	if m := s.u.topModal(); m != nil {
		if name == s.submit[0] || name == s.submit[1] {
			if m.submit != nil {
				m.submit()
			}
		}
		return true
	}
	if s.u.timer == nil {
		return false
	}
	fn()
	return true
}

func (u *UI) onToggleShortcut() { u.timer.onToggle() }

func (u *UI) onNewEntryShortcut() { u.editEntry(nil) }

func (u *UI) onSearchShortcut() {
	u.show(1)
	u.win.Canvas().Focus(u.entries.search)
}
