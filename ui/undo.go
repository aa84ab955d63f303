//go:build !headless

package ui

import (
	"context"
	"errors"
	"time"

	"github.com/stinthq/stint/app"
)

// undoWindow is how long a deleted entry can be brought back.
const undoWindow = 6 * time.Second

// pendingDelete is an entry the user deleted that is not deleted in the store yet: it is
// hidden at once and deleted when the undo window closes, so Undo restores it exactly.
type pendingDelete struct {
	entry app.TimeEntry
	timer *time.Timer
}

// deleteEntry hides e, offers Undo, and deletes it when the undo window closes.
func (u *UI) deleteEntry(e app.TimeEntry) {
	u.commitDelete()
	u.dropUndoOffer()
	d := &pendingDelete{entry: e}
	u.undo = d
	if u.running != nil && u.running.ID == e.ID {
		u.running = nil
		u.timer.showRunning()
	}
	u.undoLabel.SetText("Deleted “" + u.entryTitle(e) + "”.")
	u.undoBar.Show()
	d.timer = time.AfterFunc(u.undoAfter, func() {
		u.do(func() {
			if u.undo == d {
				u.commitDelete()
			}
		})
	})
	u.refreshViews()
}

// onUndo brings the pending entry back.
func (u *UI) onUndo() {
	if o := u.undoOffer; o != nil {
		o.timer.Stop()
		u.undoOffer = nil
		u.undoBar.Hide()
		o.run()
		return
	}
	d := u.undo
	if d == nil {
		return
	}
	d.timer.Stop()
	u.undo = nil
	u.undoBar.Hide()
	u.reload()
}

// commitDelete deletes the pending entry in the store now.
func (u *UI) commitDelete() {
	d := u.undo
	if d == nil {
		return
	}
	d.timer.Stop()
	u.undo = nil
	u.undoBar.Hide()
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		if err := u.svc.DeleteTimeEntry(ctx, a, d.entry.ID, 0); err != nil && !errors.Is(err, app.ErrNotFound) {
			return nil, err
		}
		return u.changed, nil
	})
}

// flushUndo deletes a pending entry right away, waiting for it: only when quitting (the
// window closes, Quit in the tray, or after the event loop has stopped).
func (u *UI) flushUndo() {
	d := u.undo
	if d == nil {
		return
	}
	d.timer.Stop()
	u.undo = nil
	if u.undoBar != nil {
		u.undoBar.Hide()
	}
	if err := u.svc.DeleteTimeEntry(u.ctx, u.actor, d.entry.ID, 0); err != nil && !errors.Is(err, app.ErrNotFound) {
		u.log.Error("delete entry", "err", err)
	}
}

// refreshViews redraws the timer and the current screen from what is loaded.
func (u *UI) refreshViews() {
	u.timer.refresh()
	if u.current != 0 {
		u.screens[u.current].refresh()
	}
	if u.tray != nil {
		u.tray.refresh()
	}
	u.updateStatus()
}

// offerUndo shows text in the undo bar for the undo window; Undo runs undo. A pending
// delete is committed first: the bar offers one thing at a time.
func (u *UI) offerUndo(text string, undo func()) {
	u.commitDelete()
	u.dropUndoOffer()
	o := &undoOffer{run: undo}
	u.undoOffer = o
	u.undoLabel.SetText(text)
	u.undoBar.Show()
	o.timer = time.AfterFunc(u.undoAfter, func() {
		u.do(func() {
			if u.undoOffer == o {
				u.undoOffer = nil
				u.undoBar.Hide()
			}
		})
	})
}

// undoOffer is an action the undo bar can take back (other than a delete).
type undoOffer struct {
	run   func()
	timer *time.Timer
}

// dropUndoOffer forgets an offered undo (the bar is about to show something else).
func (u *UI) dropUndoOffer() {
	if o := u.undoOffer; o != nil {
		o.timer.Stop()
		u.undoOffer = nil
	}
}
