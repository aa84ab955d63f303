//go:build !headless

package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
)

func TestTimesheetWeekGridTotals(t *testing.T) {
	// Wednesday 25 November 2026.
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme, web := h.project("Acme"), h.project("Website")
	h.entryAt("a", &acme, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 2*time.Hour)
	h.entryAt("b", &acme, time.Date(2026, 11, 24, 9, 0, 0, 0, berlin), 90*time.Minute)
	h.entryAt("c", &web, time.Date(2026, 11, 24, 23, 0, 0, 0, berlin), 2*time.Hour) // 1h Tue, 1h Wed
	h.entryAt("d", nil, time.Date(2026, 11, 25, 8, 0, 0, 0, berlin), 45*time.Minute)
	h.entryAt("last week", &web, time.Date(2026, 11, 20, 9, 0, 0, 0, berlin), time.Hour)
	h.external()
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	if ts.weekLabel.Text != "23 – 29 November 2026" || ts.zone.seg.Text != "Time zone Europe/Berlin" {
		t.Fatalf("header %q %q", ts.weekLabel.Text, ts.zone.seg.Text)
	}
	want := []string{
		"Project | Mon 23 | Tue 24 | Wed 25 | Thu 26 | Fri 27 | Sat 28 | Sun 29 | Total",
		"Acme | 2:00 | 1:30 | – | – | – | – | – | 3:30",
		"Website | – | 1:00 | 1:00 | – | – | – | – | 2:00",
		"No project | – | – | 0:45 | – | – | – | – | 0:45",
		"Total | 2:00 | 2:30 | 1:45 | – | – | – | – | 6:15",
	}
	check := func(want []string) {
		t.Helper()
		if len(ts.cells) != len(want) {
			t.Fatalf("%d rows, want %d", len(ts.cells), len(want))
		}
		for i, w := range want {
			if got := labelTexts(ts.cells[i]); got != w {
				t.Errorf("row %d\n got %s\nwant %s", i, got, w)
			}
		}
	}
	check(want)
	if ts.cells[0][3].Importance != widget.HighImportance {
		t.Fatal("today's column not highlighted")
	}
	// Previous week, then back.
	h.tap(ts.prev)
	check([]string{
		"Project | Mon 16 | Tue 17 | Wed 18 | Thu 19 | Fri 20 | Sat 21 | Sun 22 | Total",
		"Website | – | – | – | – | 1:00 | – | – | 1:00",
		"Total | – | – | – | – | 1:00 | – | – | 1:00",
	})
	h.tap(ts.next)
	check(want)
	// A timer running since 14:00 Berlin counts up to now.
	h.tap(ts.this)
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("live")); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(30 * time.Minute)
	h.external()
	if got := labelTexts(ts.cells[len(ts.cells)-1]); got != "Total | 2:00 | 2:30 | 2:15 | – | – | – | – | 6:45" {
		t.Fatalf("with a running entry: %s", got)
	}
}

// TestOneRoundingRule: the timer screen and the timesheet show the same h:mm for the same
// data, and the timesheet's cells add up to its totals. Two projects with 1:40 each today
// are 0:01 + 0:01 = 0:02 everywhere (the timer used to say 0:03 from the rounded-down sum,
// the timesheet 0:02 + 0:02 = 0:04 beside a total of 0:03), a running timer included.
func TestOneRoundingRule(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme, web := h.project("Acme"), h.project("Website")
	h.entryAt("a", &acme, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 100*time.Second)
	h.entryAt("b", &web, time.Date(2026, 11, 23, 8, 10, 0, 0, berlin), 100*time.Second)
	h.external()
	s := h.u.timer
	h.u.show(2)
	h.wait()
	ts := h.u.timesheet
	total := func() string { return labelTexts(ts.cells[len(ts.cells)-1]) }
	if got := labelTexts(ts.cells[1]) + " / " + labelTexts(ts.cells[2]); got != "Acme | 0:01 | – | – | – | – | – | – | 0:01 / Website | 0:01 | – | – | – | – | – | – | 0:01" {
		t.Fatalf("cells %s", got)
	}
	if got := total(); got != "Total | 0:02 | – | – | – | – | – | – | 0:02" {
		t.Fatalf("totals %s", got)
	}
	if s.today.Text != "0:02" || s.week.Text != "0:02" {
		t.Fatalf("timer today %q week %q, timesheet 0:02", s.today.Text, s.week.Text)
	}
	// A timer on Acme for 50 s: Acme's cell reaches 2:30, still 0:02 (+0:01 for Website).
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStartProject(acme.ID)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(50 * time.Second)
	h.external()
	h.u.tick()
	if got := total(); got != "Total | 0:03 | – | – | – | – | – | – | 0:03" {
		t.Fatalf("totals with a running timer %s", got)
	}
	if s.today.Text != "0:03" || s.week.Text != "0:03" {
		t.Fatalf("timer today %q week %q with a running timer, timesheet 0:03", s.today.Text, s.week.Text)
	}
}
