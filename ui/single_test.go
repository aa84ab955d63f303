//go:build !headless

package ui

import (
	"testing"
	"time"
)

// TestSecondInstanceShowsTheWindow: a second start on the same data asks the first to show
// its window (hidden here, as in the tray) and learns that it did, so it can exit.
func TestSecondInstanceShowsTheWindow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	w := h.window()
	w.Hide()
	answered := make(chan bool, 1)
	go func() { answered <- ActivateRunning(h.u.opts.DataDir) }()
	deadline := time.After(5 * time.Second)
	for {
		h.wait() // runs the first instance's UI callbacks, as its event loop would
		select {
		case ok := <-answered:
			if !ok {
				t.Fatal("the running instance did not answer")
			}
			if !w.visible {
				t.Fatal("the window was not shown")
			}
			return
		case <-deadline:
			t.Fatal("no answer within 5 s")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestNoInstanceNoAnswer: with nothing running on a data directory, a start goes ahead.
func TestNoInstanceNoAnswer(t *testing.T) {
	if ActivateRunning(t.TempDir()) {
		t.Fatal("an answer from nobody")
	}
}
