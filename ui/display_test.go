//go:build !headless

package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// setDisplay picks a choice in one of Settings' Display selects, as a user would.
func setDisplay(h *harness, sel func(*settingsScreen) *widget.Select, choice string) {
	h.t.Helper()
	h.u.show(7)
	h.wait()
	s := sel(h.u.settings)
	s.SetSelected(choice)
	h.wait()
	if s.Selected != choice {
		h.t.Fatalf("could not pick %q", choice)
	}
}

// shownLabels lists the texts of the labels and rich texts the window shows now.
func shownLabels(h *harness) []string {
	var out []string
	for _, o := range test.LaidOutObjects(h.u.win.Canvas().Content()) {
		switch l := o.(type) {
		case *widget.Label:
			out = append(out, l.Text)
		case *widget.RichText:
			out = append(out, l.String())
		case *subtle:
			out = append(out, l.seg.Text)
		}
	}
	return out
}

// TestDisplayClock: the 12-hour clock shows in the entries list and stays chosen.
func TestDisplayClock(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true}) // Monday 23 November, 10:00 in Berlin
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("early", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 90*time.Minute)
	h.u.show(1)
	h.wait()
	if got := shownLabels(h); !slices.Contains(got, "08:00 – 09:30") {
		t.Fatalf("24-hour span not shown in %q", got)
	}
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.clockSel }, clockChoices[1])
	h.u.show(1)
	h.wait()
	if got := shownLabels(h); !slices.Contains(got, "8:00 AM – 9:30 AM") {
		t.Fatalf("12-hour span not shown in %q", got)
	}
	if h.fyne.Preferences().String(prefClock) != "12" {
		t.Fatal("the clock choice was not kept")
	}
}

// TestDisplayFirstDay: weeks from Sunday move the timesheet's columns and the timer's week.
func TestDisplayFirstDay(t *testing.T) {
	// Wednesday 25 November 2026.
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("sunday", nil, time.Date(2026, 11, 22, 9, 0, 0, 0, berlin), time.Hour)
	h.entryAt("today", nil, time.Date(2026, 11, 25, 9, 0, 0, 0, berlin), 30*time.Minute)
	h.external()
	if h.u.timer.week.Text != "0:30" {
		t.Fatalf("week from Monday %q", h.u.timer.week.Text)
	}
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.weekSel }, "Sunday")
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	if ts.weekLabel.Text != "22 – 28 November 2026" {
		t.Fatalf("week %q", ts.weekLabel.Text)
	}
	if got := labelTexts(ts.cells[1]); got != "No project | 1:00 | – | – | 0:30 | – | – | – | 1:30" {
		t.Fatalf("row %s", got)
	}
	h.u.show(0)
	h.wait()
	if h.u.timer.week.Text != "1:30" {
		t.Fatalf("week from Sunday %q", h.u.timer.week.Text)
	}
}

// TestDisplayDecimal: decimal hours in the timer, the timesheet and the running status.
func TestDisplayDecimal(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true}) // Monday 23 November, 10:00 in Berlin
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("early", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 90*time.Minute)
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.durationSel }, durationChoices[1])
	h.u.show(0)
	h.wait()
	if h.u.timer.today.Text != "1.50" {
		t.Fatalf("timer today %q", h.u.timer.today.Text)
	}
	h.u.show(2)
	h.wait()
	if got := labelTexts(h.u.timesheet.cells[1]); got != "No project | 1.50 | – | – | – | – | – | – | 1.50" {
		t.Fatalf("timesheet row %s", got)
	}
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("live")); err != nil {
		t.Fatal(err)
	}
	h.external()
	h.clock.Advance(45 * time.Minute)
	h.u.tick()
	if h.u.status.Text != "0.75  live" {
		t.Fatalf("status %q", h.u.status.Text)
	}
}

// TestDisplayDecimalEntryRows: in decimal hours the entries list shows each row as its share
// of its project's time that day, so rows, the day, the list and the timer's Today all agree:
// two entries of 20 min 30 s are 0.34 and 0.34 of the day's 41 minutes, 0.68 (each rounded
// alone they would read 0.33 and 0.33 under a Today of 0.68).
func TestDisplayDecimalEntryRows(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true}) // Monday 23 November, 10:00 in Berlin
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("one", nil, time.Date(2026, 11, 23, 7, 0, 0, 0, berlin), 20*time.Minute+30*time.Second)
	h.entryAt("two", nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 20*time.Minute+30*time.Second)
	h.u.show(1)
	h.wait()
	if got := shownLabels(h); !slices.Contains(got, "0:20:30") || !slices.Contains(got, "0:41:00") {
		t.Fatalf("h:mm:ss rows and day total not shown in %q", got)
	}
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.durationSel }, durationChoices[1])
	h.external()
	h.u.show(1)
	h.wait()
	got := shownLabels(h)
	if !slices.Contains(got, "0.34") || !slices.Contains(got, "0.68") || slices.Contains(got, "0.33") || slices.Contains(got, "0:20:30") {
		t.Errorf("decimal rows (0.34 twice) and the day's 0.68 not shown in %q", got)
	}
	if total := h.u.entries.total.Text; !strings.HasSuffix(total, "· 0.68") {
		t.Errorf("the list's total %q, want 0.68", total)
	}
	if today := h.u.timer.today.Text; today != "0.68" {
		t.Errorf("the timer's Today %q, want 0.68 as the rows", today)
	}
}

// TestDisplayClockInMessages: the 12-hour clock reaches the sync status and the refused
// changes' times, and the entry editor's next-day and overlap notes.
func TestDisplayClockInMessages(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	d := app.Display{Hour12: true}
	at := time.Date(2026, 11, 23, 14, 5, 0, 0, berlin)
	if got := refusedText([]app.SyncRejection{{Entity: app.EntityProject, Op: app.OpUpsert, Reason: app.RejectForbidden, At: at,
		Message: "member may not projects.manage"}}, berlin, d); !strings.Contains(got, "• 2:05 PM, saving a project") {
		t.Errorf("refused changes: %q", got)
	}
	stop := at.Add(23 * time.Hour)
	if got := nextDayNote(app.EntryTimes{End: "13:05"}, at, &stop, berlin, d); !strings.Contains(got, "at 1:05 PM") {
		t.Errorf("next-day note: %q", got)
	}
	o := app.TimeEntry{Description: "standup", StartedAt: at, StoppedAt: &stop}
	if got := overlapMessage([]app.TimeEntry{o}, berlin, d); !strings.Contains(got, "(Mon 23 Nov 2:05 PM – 1:05 PM)") {
		t.Errorf("overlap: %q", got)
	}
	h := newHarness(t, harnessOpts{workspace: true})
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.clockSel }, clockChoices[1])
	h.u.sync.set(app.SyncActivity{Phase: app.SyncOffline, OfflineSince: at, State: app.SyncState{URL: "https://stint.example.com"}})
	if got := h.u.sync.item.Text; got != "Offline since 2:05 PM" {
		t.Errorf("sync status %q", got)
	}
}
