//go:build !headless

package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
)

func TestEditEntryShowsValidationNextToTheField(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	p := h.project("Acme")
	e := h.entryAt("draft", &p, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Hour)
	h.external()
	row := rowFor(t, h.u.timer.entries, "draft")
	h.tap(row.edit)
	ed := h.u.lastEntryEditor
	if ed == nil || !h.dialogOpen() {
		t.Fatal("edit dialog not open")
	}
	if ed.date.Text != "2026-11-23" || ed.start.Text != "08:00" || ed.end.Text != "09:00" || ed.project.button.Text != "Acme" {
		t.Fatalf("form: %q %q %q %q", ed.date.Text, ed.start.Text, ed.end.Text, ed.project.button.Text)
	}
	// A time the form cannot read: the message sits under End, the dialog stays.
	h.typeInto(ed.end, "25:00")
	h.tap(ed.save)
	if got := ed.form.fields["stopped_at"].label.Text; got == "" || !ed.form.fields["stopped_at"].label.Visible() {
		t.Fatal("no error under End")
	}
	if !h.dialogOpen() {
		t.Fatal("dialog closed on an error")
	}
	// A rule of the service: entries before 2000 are refused; its message lands under Start.
	h.typeInto(ed.end, "09:30")
	h.typeInto(ed.date, "1999-12-31")
	h.tap(ed.save)
	if got := ed.form.fields["started_at"].label.Text; got != "Must be in 2000 or later." {
		t.Fatalf("start error %q", got)
	}
	if ed.form.fields["stopped_at"].label.Visible() {
		t.Fatal("old End error still shown")
	}
	got, _ := h.svc.TimeEntry(h.ctx, h.actor(), e.ID)
	if got.Version != e.Version {
		t.Fatal("invalid edit was saved")
	}
	// Valid: saved, closed, shown.
	h.typeInto(ed.date, "2026-11-23")
	h.typeInto(ed.desc, "final copy")
	h.tap(ed.save)
	if h.dialogOpen() {
		t.Fatal("dialog still open after saving")
	}
	got, _ = h.svc.TimeEntry(h.ctx, h.actor(), e.ID)
	if got.Description != "final copy" || got.Duration(time.Time{}) != 90*time.Minute {
		t.Fatalf("saved %+v", got)
	}
	if r := rows(h.u.timer.entries); !slices.Equal(r, []string{"final copy"}) {
		t.Fatalf("list %v", r)
	}
}

func TestNewEntryFromTheEntriesScreen(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(1)
	h.wait()
	s := h.u.entries
	h.tap(s.newBtn)
	ed := h.u.lastEntryEditor
	h.typeInto(ed.desc, "late deploy")
	h.typeInto(ed.date, "2026-11-22")
	h.typeInto(ed.start, "23:00")
	h.typeInto(ed.end, "01:30") // ends the next day: asked once, then saved
	h.tap(ed.save)
	if !strings.Contains(ed.form.fields["stopped_at"].label.Text, "next day") {
		t.Fatalf("End says %q", ed.form.fields["stopped_at"].label.Text)
	}
	h.tap(ed.save)
	if h.dialogOpen() {
		t.Fatalf("dialog open: %q", ed.form.general.label.Text)
	}
	// Sunday 1h, Monday 1:30; the week of Monday 23 Nov shows only Monday's part, so widen.
	h.typeInto(s.from, "2026-11-22")
	h.enter(s.from)
	if got := rows(s.list); !slices.Equal(got, []string{"# Today 1:30:00", "late deploy", "# Yesterday 1:00:00", "late deploy"}) {
		t.Fatalf("entries by day %v", got)
	}
	if s.total.Text != "1 entry · 2:30:00" {
		t.Fatalf("total %q", s.total.Text)
	}
	// A range the service refuses is explained above the list.
	h.typeInto(s.to, "2026-11-01")
	h.enter(s.to)
	if s.errs.label.Text == "" {
		t.Fatal("no message for a reversed range")
	}
}

func TestEntriesAcrossMidnightAndDST(t *testing.T) {
	// Today is Monday 30 March 2026; Sunday 29 March had the spring-forward change in Berlin.
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	p := h.project("Ops")
	// Saturday 23:00 CET to Sunday 04:00 CEST: 4 hours, 1 on Saturday and 3 on Sunday.
	h.entryAt("night migration", &p, time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), 4*time.Hour)
	// Sunday 01:30 to 03:30 local is one hour of real time (02:00-03:00 does not exist).
	h.entryAt("dst hour", nil, time.Date(2026, 3, 29, 1, 30, 0, 0, berlin), time.Hour)
	h.u.show(1)
	h.wait()
	s := h.u.entries
	h.typeInto(s.from, "2026-03-23")
	h.typeInto(s.to, "2026-03-29")
	h.enter(s.to)
	want := []string{"# Yesterday 4:00:00", "dst hour", "night migration", "# Saturday, 28 Mar 1:00:00", "night migration"}
	if got := rows(s.list); !slices.Equal(got, want) {
		t.Fatalf("days\n got %v\nwant %v", got, want)
	}
	sunday := s.list.items[2].entry
	if sunday.Seconds != 3*3600 || entrySpan(sunday, h.u.loc) != "Sat 23:00 – 04:00" {
		t.Fatalf("Sunday part %d %q", sunday.Seconds, entrySpan(sunday, h.u.loc))
	}
	saturday := s.list.items[4].entry
	if saturday.Seconds != 3600 || entrySpan(saturday, h.u.loc) != "23:00 – Sun 04:00" {
		t.Fatalf("Saturday part %d %q", saturday.Seconds, entrySpan(saturday, h.u.loc))
	}
	dst := s.list.items[1].entry
	if entrySpan(dst, h.u.loc) != "01:30 – 03:30" || dst.Seconds != 3600 {
		t.Fatalf("DST entry %q %d", entrySpan(dst, h.u.loc), dst.Seconds)
	}

	// The timesheet puts the same time on the same days.
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	h.tap(ts.prev)
	if ts.sheet.Days[0] != "2026-03-23" {
		t.Fatalf("previous week starts %s", ts.sheet.Days[0])
	}
	if got := labelTexts(ts.cells[len(ts.cells)-1]); got != "Total | – | – | – | – | – | 1:00 | 4:00 | 5:00" {
		t.Fatalf("totals row %q", got)
	}
}

func TestDeleteWithUndo(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("keep", nil, time.Date(2026, 11, 23, 7, 0, 0, 0, berlin), time.Hour)
	gone := h.entryAt("oops", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 30*time.Minute)
	h.external()
	s := h.u.timer
	h.tap(rowFor(t, s.entries, "oops").del)
	if got := rows(s.entries); !slices.Equal(got, []string{"keep"}) || !h.u.undoBar.Visible() || s.today.Text != "1:00" {
		t.Fatalf("after delete: %v bar %v today %q", got, h.u.undoBar.Visible(), s.today.Text)
	}
	test.Tap(h.u.undoBtn)
	h.wait()
	if got := rows(s.entries); !slices.Equal(got, []string{"oops", "keep"}) || h.u.undoBar.Visible() {
		t.Fatalf("after undo: %v", got)
	}
	if _, err := h.svc.TimeEntry(h.ctx, h.actor(), gone.ID); err != nil {
		t.Fatalf("undone entry: %v", err)
	}
	// Delete for real: the undo window closes.
	h.tap(rowFor(t, s.entries, "oops").del)
	h.u.commitDelete()
	h.wait()
	if _, err := h.svc.TimeEntry(h.ctx, h.actor(), gone.ID); err == nil {
		t.Fatal("entry not deleted after the undo window")
	}
	if got := rows(s.entries); !slices.Equal(got, []string{"keep"}) {
		t.Fatalf("after commit: %v", got)
	}
}

func TestDeletingTheRunningEntry(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	s := h.u.timer
	h.typeInto(s.desc, "mistake")
	h.tap(s.button)
	h.tap(rowFor(t, s.entries, "mistake").del)
	if s.button.Text != "Start" || len(s.entries.items) != 0 {
		t.Fatal("deleted running entry still shown")
	}
	h.u.Close() // quitting inside the undo window deletes it
	if _, err := h.svc.RunningEntry(h.ctx, h.actor()); err != nil {
		t.Fatal(err)
	}
	if r := h.running(); r != nil {
		t.Fatalf("still running: %+v", r)
	}
	page, _ := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{})
	if len(page.Items) != 0 {
		t.Fatalf("entries left: %+v", page.Items)
	}
}

// TestEndBeforeStartIsAskedAbout: editing 14:00–15:30 to end at 13:00 used to save a 23-hour
// entry without a word. The form says at once that the end is on the next day, and the first
// Save asks; saving again keeps it.
func TestEndBeforeStartIsAskedAbout(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	e := h.entryAt("meeting", nil, time.Date(2026, 11, 22, 14, 0, 0, 0, berlin), 90*time.Minute)
	ed := h.u.editEntry(&e)
	if ed.note.Visible() {
		t.Fatalf("note on a same-day entry: %q", ed.note.Text)
	}
	h.typeInto(ed.end, "13:00")
	if !ed.note.Visible() || ed.note.Text != "Ends the next day, Mon 23 Nov at 13:00: 23:00 in total." {
		t.Fatalf("note %q (visible %v)", ed.note.Text, ed.note.Visible())
	}
	h.tap(ed.save)
	if got := ed.form.fields["stopped_at"].label.Text; got != "Is on the next day." {
		t.Fatalf("End says %q", got)
	}
	if !ed.note.Visible() || !strings.Contains(ed.note.Text, "Save again") {
		t.Fatalf("the line under the times says %q", ed.note.Text)
	}
	if got, _ := h.svc.TimeEntry(h.ctx, h.actor(), e.ID); got.Version != e.Version || !h.dialogOpen() {
		t.Fatal("an end before the start was saved without asking")
	}
	h.tap(ed.save)
	got, _ := h.svc.TimeEntry(h.ctx, h.actor(), e.ID)
	if h.dialogOpen() || got.Duration(time.Time{}) != 23*time.Hour {
		t.Fatalf("saving again: open %v, %v", h.dialogOpen(), got.Duration(time.Time{}))
	}
	// Fixing the end instead clears the note.
	ed = h.u.editEntry(&got)
	if !ed.note.Visible() {
		t.Fatal("no note on an entry that ends the next day")
	}
	h.typeInto(ed.end, "15:00")
	if ed.note.Visible() {
		t.Fatalf("note after fixing the end: %q", ed.note.Text)
	}
	h.tap(ed.save)
	if got, _ := h.svc.TimeEntry(h.ctx, h.actor(), e.ID); got.Duration(time.Time{}) != time.Hour {
		t.Fatalf("fixed entry lasts %v", got.Duration(time.Time{}))
	}
}

// TestOverlapIsAskedAbout: an entry that overlaps another of the same user is saved only
// after a warning naming it; another user's entries and unchanged times raise none.
func TestOverlapIsAskedAbout(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	standup := h.entryAt("standup", nil, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), time.Hour)
	count := func() int {
		page, err := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Items)
	}
	ed := h.u.editEntry(nil)
	h.typeInto(ed.desc, "review")
	h.typeInto(ed.date, "2026-11-23")
	h.typeInto(ed.start, "09:30")
	h.typeInto(ed.end, "10:30")
	h.tap(ed.save)
	if got := ed.form.general.label.Text; !strings.Contains(got, "overlaps “standup” (Mon 23 Nov 09:00 – 10:00)") || !h.dialogOpen() || count() != 1 {
		t.Fatalf("warning %q, open %v, %d entries", got, h.dialogOpen(), count())
	}
	h.tap(ed.save)
	if h.dialogOpen() || count() != 2 {
		t.Fatalf("saving again: open %v, %d entries", h.dialogOpen(), count())
	}
	// Editing the description of an entry that already overlaps saves at once.
	ed = h.u.editEntry(&standup)
	h.typeInto(ed.desc, "standup and planning")
	h.tap(ed.save)
	if h.dialogOpen() {
		t.Fatalf("unchanged times asked about: %q", ed.form.general.label.Text)
	}
	// Back to back is no overlap.
	ed = h.u.editEntry(nil)
	h.typeInto(ed.date, "2026-11-23")
	h.typeInto(ed.start, "10:30")
	h.typeInto(ed.end, "11:00")
	h.tap(ed.save)
	if h.dialogOpen() || count() != 3 {
		t.Fatalf("back to back: open %v (%q), %d entries", h.dialogOpen(), ed.form.general.label.Text, count())
	}
}
