//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// idleBack is how fresh input must be to count as "the user is back".
const idleBack = 10 * time.Second

// idleWatch asks, when the user comes back after more than the idle threshold with a timer
// running, whether to keep the time away, discard it, or discard it and stop. The question
// is also noted in the data (app.NoteIdle), so the tray, `stint timer idle` and the local API
// can answer it too; an answer given elsewhere closes the dialog. Unanswered, the time is
// kept. It runs on the UI thread: the loop samples the idle time off it and hands the
// figure over.
type idleWatch struct {
	u         *UI
	threshold time.Duration
	away      time.Time // when the current absence began; zero when none
	entry     uuid.UUID // the running entry the absence belongs to
	last      time.Time // when the previous sample was taken
	dialog    *dialog.CustomDialog
	// pending is the question shown (in the dialog and the tray), nil when none.
	pending *app.IdlePeriod
	// noted is set once the question is in the data, so the loop may look for an answer
	// given elsewhere (before that, its absence means nothing).
	noted atomic.Bool
	// buttons of the open question, for tests
	keep, discard, discardStop *dialogButton
}

// observe takes an idle sample taken at now. A gap since the previous sample longer than
// the threshold (the computer slept, the wall clock jumped) counts as time away: the
// screen saver's idle counter does not run while the machine sleeps.
func (w *idleWatch) observe(idle time.Duration, now time.Time) {
	last := w.last
	w.last = now
	r := w.u.running
	if r == nil || w.threshold <= 0 || w.pending != nil {
		w.away = time.Time{}
		return
	}
	if !last.IsZero() && now.Sub(last) > w.threshold && w.away.IsZero() {
		w.away = last
		w.entry = r.ID
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

// ask shows the question about the time between away and back, and notes it in the data.
func (w *idleWatch) ask(entry uuid.UUID, away, back time.Time) {
	u := w.u
	w.pending = &app.IdlePeriod{EntryID: entry, UserID: u.actor.UserID, From: away, To: back}
	w.noted.Store(false)
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		_, err := u.svc.NoteIdle(ctx, a, entry, away, back)
		if err != nil {
			return nil, err
		}
		return func() { w.noted.Store(true) }, nil
	})
	d := u.display()
	text := widget.NewLabel(fmt.Sprintf("You were away for %s, from %s to %s, while the timer ran.\nWhat should happen to that time?",
		d.Duration(back.Sub(away)), d.Clock(away, u.loc), d.Clock(back, u.loc)))
	text.Wrapping = fyne.TextWrapWord
	w.dialog = dialog.NewCustomWithoutButtons("Welcome back", fixedWidth(420, text), u.win)
	w.keep = newDialogButton(u, "Keep", nil, func() { w.answer(app.IdleKeep) })
	w.discard = newDialogButton(u, "Discard", nil, func() { w.answer(app.IdleDiscard) })
	w.discard.Importance = widget.HighImportance
	w.discardStop = newDialogButton(u, "Discard and stop", nil, func() { w.answer(app.IdleStop) })
	w.dialog.SetButtons([]fyne.CanvasObject{container.NewHBox(w.keep, w.discardStop, w.discard)})
	// Three answers and none is the obvious one: Ctrl+Enter picks none, Escape keeps the time.
	u.showModal(w.dialog, nil, w.keep.OnTapped)
	u.showWindow()
	u.trayChanged()
}

// answer takes the user's choice from the dialog or the tray.
func (w *idleWatch) answer(choice app.IdleChoice) {
	p := w.pending
	if p == nil {
		return
	}
	noted := w.noted.Load()
	w.close()
	u := w.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		// The note may still be on its way: an answer never overtakes it.
		if !noted {
			if _, err := u.svc.NoteIdle(ctx, a, p.EntryID, p.From, p.To); err != nil && !errors.Is(err, app.ErrNotFound) {
				return nil, err
			}
		}
		_, err := u.svc.ResolveIdle(ctx, a, choice)
		if errors.Is(err, app.ErrNotFound) {
			return nil, nil // answered elsewhere meanwhile, or the entry is gone
		}
		if err != nil {
			return nil, err
		}
		running, err := u.svc.RunningEntry(ctx, a)
		if err != nil {
			return nil, err
		}
		return func() {
			u.running = running
			u.timer.showRunning()
			u.changed()
		}, nil
	})
}

// close hides the question.
func (w *idleWatch) close() {
	if w.dialog != nil {
		w.dialog.Hide()
		w.dialog = nil
	}
	w.pending = nil
	w.noted.Store(false)
	w.u.trayChanged()
}

// checkAnswered runs off the UI thread (in the loop): when the question in the data is
// gone (answered from the tray's process, the CLI or the API), the dialog closes.
func (w *idleWatch) checkAnswered(ctx context.Context, a *app.Actor) {
	if a == nil || !w.noted.Load() {
		return
	}
	p, err := w.u.svc.PendingIdle(ctx, *a)
	if err != nil || p != nil {
		return
	}
	w.u.do(func() {
		if w.noted.Load() {
			w.close()
			w.u.reload()
		}
	})
}
