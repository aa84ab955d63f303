//go:build !headless

package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestTimesheetCellEdit types durations into the grid: raising a cell adds time, lowering one
// takes it away, Undo puts the entries back, a bad duration is explained and changes nothing.
func TestTimesheetCellEdit(t *testing.T) {
	// Wednesday 25 November 2026.
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme := h.project("Acme")
	h.entryAt("a", &acme, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 2*time.Hour)
	h.external()
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	set := func(row, day int, text string) {
		t.Helper()
		ed := ts.editors[row][day]
		test.Tap(ed)
		if !ed.input.Visible() {
			t.Fatal("tapping a cell did not open its field")
		}
		test.Type(&ed.input.entry, text) // replaces the selected value, as a user's typing does
		h.enter(&ed.input.entry)
	}
	check := func(want string) {
		t.Helper()
		if got := labelTexts(ts.cells[1]); got != want {
			t.Fatalf("row\n got %s\nwant %s", got, want)
		}
	}
	check("Acme | 2:00 | – | – | – | – | – | – | 2:00")

	set(0, 1, "1.5") // Tuesday: 1.5 hours
	check("Acme | 2:00 | 1:30 | – | – | – | – | – | 3:30")
	if !ts.undoBar.Visible() || ts.undoLabel.Text != "Acme on Tue 24 set to 1:30." {
		t.Fatalf("undo bar %v %q", ts.undoBar.Visible(), ts.undoLabel.Text)
	}
	set(0, 0, "0:45") // Monday down from 2:00
	check("Acme | 0:45 | 1:30 | – | – | – | – | – | 2:15")
	h.tap(ts.undoBtn)
	check("Acme | 2:00 | 1:30 | – | – | – | – | – | 3:30")
	if ts.undoBar.Visible() {
		t.Fatal("undo bar still shown after Undo")
	}
	set(0, 2, "soon")
	if !h.dialogOpen() {
		t.Fatal("a bad duration showed no message")
	}
	check("Acme | 2:00 | 1:30 | – | – | – | – | – | 3:30")
}
