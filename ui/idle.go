//go:build !headless

package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
)

// idleBack is how fresh input must be to count as "the user is back".
const idleBack = 10 * time.Second

// idleWatch asks, when the user comes back after more than the idle threshold with a timer
// running, whether to keep the time away, discard it, or discard it and stop. It runs on the
// UI thread: the loop samples the idle time off it and hands the figure over.
type idleWatch struct {
	u         *UI
	threshold time.Duration
	away      time.Time // when the current absence began; zero when none
	entry     uuid.UUID // the running entry the absence belongs to
	dialog    *dialog.CustomDialog
	// buttons of the open question, for tests
	keep, discard, discardStop *widget.Button
}

// observe takes an idle sample taken at now.
func (w *idleWatch) observe(idle time.Duration, now time.Time) {
	r := w.u.running
	if r == nil || w.threshold <= 0 || w.dialog != nil {
		w.away = time.Time{}
		return
	}
	switch {
	case w.away.IsZero() && idle >= w.threshold:
		w.away = now.Add(-idle)
		w.entry = r.ID
	case !w.away.IsZero() && idle < idleBack:
		back := now.Add(-idle)
		away := w.away
		w.away = time.Time{}
		if w.entry != r.ID || !back.After(away) {
			return
		}
		if away.Before(r.StartedAt) {
			away = r.StartedAt
		}
		w.ask(r.ID, away, back)
	}
}

// ask shows the question about the time between away and back.
func (w *idleWatch) ask(entry uuid.UUID, away, back time.Time) {
	u := w.u
	loc := u.loc
	text := widget.NewLabel(fmt.Sprintf("You were away for %s, from %s to %s, while the timer ran.\nWhat should happen to that time?",
		shortDuration(int64(back.Sub(away)/time.Second)), clock(away, loc), clock(back, loc)))
	text.Wrapping = fyne.TextWrapWord
	w.dialog = dialog.NewCustomWithoutButtons("Welcome back", fixedWidth(420, text), u.win)
	answer := func(discard, stop bool) func() {
		return func() {
			w.dialog.Hide()
			w.dialog = nil
			if !discard {
				return
			}
			a := u.actor
			u.bg(func(ctx context.Context) (func(), error) {
				_, resumed, err := u.svc.DiscardIdle(ctx, a, entry, away, back, stop)
				if err != nil {
					return nil, err
				}
				return func() {
					u.running = resumed
					u.timer.showRunning()
					u.changed()
				}, nil
			})
		}
	}
	w.keep = widget.NewButton("Keep", answer(false, false))
	w.discard = widget.NewButton("Discard", answer(true, false))
	w.discard.Importance = widget.HighImportance
	w.discardStop = widget.NewButton("Discard and stop", answer(true, true))
	w.dialog.SetButtons([]fyne.CanvasObject{container.NewHBox(w.keep, w.discardStop, w.discard)})
	// Three answers and none is the obvious one: Ctrl+Enter picks none, Escape keeps the time.
	u.showModal(w.dialog, nil, w.keep.OnTapped)
	u.showWindow()
}
