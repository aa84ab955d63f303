//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
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

// TestTimesheetAddProjectRow: a project with no time this week gets a row through "Add a
// project row", with empty cells; typing a duration into one creates the entry, and the row
// is then the week's own (shown once). Projects that have a row are not offered, and a row
// added for one week does not follow to the next.
func TestTimesheetAddProjectRow(t *testing.T) {
	// Wednesday 25 November 2026.
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme := h.project("Acme")
	globex := h.project("Globex")
	h.entryAt("a", &acme, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 2*time.Hour)
	h.external()
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	offered := func() []string {
		var out []string
		for _, o := range ts.projectsWithoutRow() {
			out = append(out, o.label)
		}
		return out
	}
	if got := offered(); len(got) != 1 || got[0] != "Globex" {
		t.Fatalf("offered %v, want only Globex", got)
	}
	if ts.addProject.button.Text != "Add a project row" || ts.addProject.button.Disabled() {
		t.Fatalf("add button %q, disabled %v", ts.addProject.button.Text, ts.addProject.button.Disabled())
	}
	h.pick(ts.addProject, "glob")
	if got := labelTexts(ts.cells[2]); got != "Globex | – | – | – | – | – | – | – | –" {
		t.Fatalf("added row %s", got)
	}
	if ts.addProject.button.Text != "Add a project row" || !ts.addProject.button.Disabled() {
		t.Fatalf("with every project in a row: add button %q, disabled %v", ts.addProject.button.Text, ts.addProject.button.Disabled())
	}
	ed := ts.editors[1][3] // Globex, Thursday
	test.Tap(ed)
	if !ed.input.Visible() || ed.input.Text != "" {
		t.Fatalf("added row's cell: field shown %v with %q", ed.input.Visible(), ed.input.Text)
	}
	test.Type(&ed.input.entry, "1:30")
	h.enter(&ed.input.entry)
	sheet, err := h.svc.Timesheet(h.ctx, h.actor(), app.TimesheetQuery{Date: "2026-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range sheet.Rows {
		if r.ProjectID != nil && *r.ProjectID == globex.ID {
			found = r.Seconds[3] == 90*60 && r.TotalSeconds == 90*60
		}
	}
	if !found {
		t.Fatalf("no 1:30 on Globex on Thursday in the store: %+v", sheet.Rows)
	}
	var names []string
	for _, row := range ts.cells[1 : len(ts.cells)-1] {
		names = append(names, row[0].Text)
	}
	if got := strings.Join(names, ", "); got != "Acme, Globex" {
		t.Fatalf("rows after typing: %s", got)
	}
	if got := labelTexts(ts.cells[2]); got != "Globex | – | – | – | 1:30 | – | – | – | 1:30" {
		t.Fatalf("Globex row %s", got)
	}
	if len(ts.added) != 0 {
		t.Fatalf("still %d rows added by hand", len(ts.added))
	}

	// A row added to another week stays with it.
	h.project("Initech")
	h.external()
	h.tap(ts.prev)
	h.pick(ts.addProject, "initech")
	if len(ts.cells) != 3 || ts.cells[1][0].Text != "Initech" || ts.empty.Visible() {
		t.Fatalf("last week with an added row: %d rows, empty state %v", len(ts.cells), ts.empty.Visible())
	}
	h.tap(ts.next)
	if len(ts.cells) != 4 {
		t.Fatalf("this week: %d rows (%s)", len(ts.cells), labelTexts(ts.cells[len(ts.cells)-2]))
	}
	h.tap(ts.prev)
	if len(ts.cells) != 2 || !ts.empty.Visible() {
		t.Fatalf("last week again: %d rows, empty state %v", len(ts.cells), ts.empty.Visible())
	}
}
