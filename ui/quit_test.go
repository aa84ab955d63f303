//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// TestTrayIsSetUpBeforeTheEventLoopOnFirstLaunch: Fyne starts the tray when its event loop
// starts and never later, and quitting with a tray menu that was set but never started panics.
// So on a first launch the tray gets its menu before onboarding is done (open and quit only),
// and the full menu once the workspace exists.
func TestTrayIsSetUpBeforeTheEventLoopOnFirstLaunch(t *testing.T) {
	h := newHarness(t, harnessOpts{tray: true})
	if h.u.onboarding == nil {
		t.Fatal("first launch should show onboarding")
	}
	if h.tray.menu == nil {
		t.Fatal("no tray menu before the event loop starts: Fyne would never start the tray")
	}
	if got := menuLabels(h.tray.menu.Items); got != "Open Stint | Quit Stint" {
		t.Fatalf("onboarding tray menu %q", got)
	}
	h.u.tray.onToggle() // nothing to toggle yet, and no panic
	h.enter(h.u.onboarding.name)
	if h.u.timer == nil {
		t.Fatal("onboarding did not finish")
	}
	if got := menuLabels(h.tray.menu.Items); got != "Not tracking | Today 0:00 | Start timer | -- | Open Stint | Quit Stint" {
		t.Fatalf("tray menu after onboarding %q", got)
	}
}

// TestClosingTheWindowCommitsAPendingDelete: the entry deleted while Undo shows is deleted
// when the window closes, before the driver shuts down, so no failure on the way out can
// bring it back.
func TestClosingTheWindowCommitsAPendingDelete(t *testing.T) {
	for _, how := range []string{"window", "tray quit"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, harnessOpts{workspace: true, tray: how == "tray quit"})
			berlin, _ := time.LoadLocation("Europe/Berlin")
			gone := h.entryAt("oops", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 30*time.Minute)
			h.external()
			h.tap(rowFor(t, h.u.timer.entries, "oops").del)
			if !h.u.undoBar.Visible() {
				t.Fatal("no undo bar")
			}
			if how == "window" {
				h.u.win.Close()
			} else {
				h.u.quit()
			}
			if _, err := h.svc.TimeEntry(h.ctx, h.actor(), gone.ID); err == nil {
				t.Fatal("the deleted entry is still in the store after quitting")
			}
		})
	}
}

func menuLabels(items []*fyne.MenuItem) string {
	var out []string
	for _, it := range items {
		if it.IsSeparator {
			out = append(out, "--")
			continue
		}
		out = append(out, it.Label)
	}
	return strings.Join(out, " | ")
}
