//go:build !headless

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// modal is an open dialog and what the keyboard does while it shows: Ctrl+Enter submits it
// (never the timer behind it), Escape closes it, and the window's other shortcuts wait.
type modal struct {
	submit func() // nil: Ctrl+Enter does nothing here
	close  func()
	// overlay is the dialog's layer on the canvas: anything above it (a select's list, a
	// picker's search) is a popup the keys belong to, not the dialog.
	overlay fyne.CanvasObject
}

// showModal shows d as the top dialog. submit runs on Ctrl+Enter, dismiss on Escape (nil:
// d.Hide). Closing d in any way takes it off the stack.
func (u *UI) showModal(d dialog.Dialog, submit, dismiss func()) {
	if dismiss == nil {
		dismiss = d.Hide
	}
	m := &modal{submit: submit, close: dismiss}
	u.modals = append(u.modals, m)
	d.SetOnClosed(func() { u.dropModal(m) })
	d.Show()
	m.overlay = u.win.Canvas().Overlays().Top()
}

// popupOpen reports whether a popup (a select's or a picker's list, a menu) lies above the
// dialog in front, or above the window when no dialog shows.
func (u *UI) popupOpen() bool {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	m := u.topModal()
	return m == nil || top != m.overlay
}

func (u *UI) dropModal(m *modal) {
	for i, o := range u.modals {
		if o == m {
			u.modals = append(u.modals[:i], u.modals[i+1:]...)
			return
		}
	}
}

// topModal is the dialog in front, or nil.
func (u *UI) topModal() *modal {
	if len(u.modals) == 0 {
		return nil
	}
	return u.modals[len(u.modals)-1]
}

// closeModal closes the dialog in front, reporting whether there was one.
func (u *UI) closeModal() bool {
	m := u.topModal()
	if m == nil {
		return false
	}
	m.close()
	return true
}

// showErrorDialog shows msg; Ctrl+Enter and Escape dismiss it as OK does.
// Fyne's own error dialog has a stock OK button, which drops Escape once it has the focus.
func (u *UI) showErrorDialog(err error) {
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.ErrorIcon())
	body := container.NewBorder(nil, nil, container.NewCenter(icon), nil, msg)
	d := dialog.NewCustomWithoutButtons("Error", fixedWidth(min(400, u.win.Canvas().Size().Width-80), body), u.win)
	ok := newDialogButton(u, "OK", nil, d.Hide)
	ok.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{ok})
	u.showModal(d, d.Hide, nil)
}

// onWindowKey handles keys that reach the window itself: with no widget focused, or (with
// the patched Fyne, third_party/fyne) an Escape the focused widget did not use. Escape
// closes a popup list above the dialog in front first, then the dialog.
func (u *UI) onWindowKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyEscape {
		return
	}
	if u.popupOpen() {
		// A popup (widget.PopUp, a select's PopUpMenu) takes itself off the canvas on Hide.
		u.win.Canvas().Overlays().Top().Hide()
		return
	}
	u.closeModal()
}

// submitWith makes a dialog's Ctrl+Enter press b, as a click would (nothing when disabled).
func submitWith(b *widget.Button) func() {
	return func() {
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	}
}
