//go:build !headless

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// modal is an open dialog and what the keyboard does while it shows: Ctrl+Enter submits it
// (never the timer behind it), Escape closes it, and the window's other shortcuts wait.
type modal struct {
	submit func() // nil: Ctrl+Enter does nothing here
	close  func()
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
func (u *UI) showErrorDialog(err error) {
	d := dialog.NewError(err, u.win)
	u.showModal(d, d.Hide, nil)
}

// onWindowKey handles keys that reach the window itself (no text field has focus).
func (u *UI) onWindowKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		u.closeModal()
	}
}

// submitWith makes a dialog's Ctrl+Enter press b, as a click would (nothing when disabled).
func submitWith(b *widget.Button) func() {
	return func() {
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	}
}
