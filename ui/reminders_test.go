//go:build !headless

package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
)

// berlin is a wall-clock time in the workspace's zone (the harness's default).
func berlin(t *testing.T, d, h, m int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, d, h, m, 0, 0, loc)
}

// tickAt moves the clock to at and runs the window's tick there, as the loop does.
func (h *harness) tickAt(at time.Time) {
	h.t.Helper()
	h.clock.Set(at)
	h.u.tick()
	h.wait()
}

func TestReminderFiresOnceInWorkingHours(t *testing.T) {
	// The machine's zone is not the user's: working hours are Berlin's.
	t.Setenv("TZ", "America/Los_Angeles")
	h := newHarness(t, harnessOpts{workspace: true, now: berlin(t, 23, 8, 0)}) // Monday
	h.u.show(7)
	c := h.u.settings.reminder
	reminder := fyne.NewNotification("No timer is running",
		"Nothing has been tracked for 30 minutes. Start a timer in Stint to keep your day complete.")

	// Off by default: nothing, even well into working hours.
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 23, 10, 0)) })
	test.Tap(c.remind)
	h.wait()
	if !h.u.reminders().Remind {
		t.Fatal("the setting was not stored")
	}

	test.AssertNotificationSent(t, reminder, func() { h.tickAt(berlin(t, 23, 10, 1)) })
	if got := h.u.status.Text; got != "Not tracking (reminded at 10:01)" {
		t.Fatalf("status line %q", got)
	}
	// Once per idle stretch, not every minute.
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 23, 10, 2)) })
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 23, 12, 0)) })

	// A timer ran 12:00–13:00: a new stretch, reminded of 30 minutes after its stop.
	h.entryAt("design", nil, berlin(t, 23, 12, 0), time.Hour)
	h.external()
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 23, 13, 29)) })
	test.AssertNotificationSent(t, reminder, func() { h.tickAt(berlin(t, 23, 13, 30)) })

	// Outside working hours: neither in the evening (after a timer that stopped at 16:50),
	// nor before 09:30 the next day, nor at the weekend.
	h.entryAt("review", nil, berlin(t, 23, 14, 0), 170*time.Minute)
	h.external()
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 23, 17, 30)) })
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 24, 9, 20)) })
	test.AssertNotificationSent(t, reminder, func() { h.tickAt(berlin(t, 24, 9, 30)) })
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 28, 11, 0)) })

	// While a timer runs, no reminder.
	h.u.reminderWatch.reminded = time.Time{}
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("call")); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(berlin(t, 30, 11, 0))
	h.external()
	test.AssertNotificationSent(t, nil, func() { h.tickAt(berlin(t, 30, 11, 1)) })
}

func TestAutoStopAtTheSetTime(t *testing.T) {
	t.Setenv("TZ", "UTC")
	h := newHarness(t, harnessOpts{workspace: true, now: berlin(t, 23, 10, 0)})
	h.u.show(7)
	test.Tap(h.u.settings.reminder.stop)
	h.wait()
	if r := h.u.reminders(); !r.Stop || r.StopAt != 18*60 {
		t.Fatalf("stored %+v, want a stop at 18:00", r)
	}
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("report")); err != nil {
		t.Fatal(err)
	}
	h.external()

	h.tickAt(berlin(t, 23, 17, 59))
	if h.running() == nil {
		t.Fatal("stopped before the set time")
	}
	stopped := fyne.NewNotification("Timer stopped", "Stopped at 18:00 as set in Settings.")
	test.AssertNotificationSent(t, stopped, func() { h.tickAt(berlin(t, 23, 18, 0)) })
	if h.running() != nil || h.u.running != nil {
		t.Fatal("still running at the set time")
	}
	if got := h.u.status.Text; got != "Stopped at 18:00 as set in Settings" {
		t.Fatalf("status line %q", got)
	}
	wantStop(t, h, "report", berlin(t, 23, 18, 0))

	// A timer found running hours later (the computer slept) stops at the set time too.
	h.clock.Set(berlin(t, 24, 9, 0))
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("slept")); err != nil {
		t.Fatal(err)
	}
	h.external()
	h.tickAt(berlin(t, 24, 23, 40))
	if h.running() != nil {
		t.Fatal("still running hours after the set time")
	}
	wantStop(t, h, "slept", berlin(t, 24, 18, 0))
}

// wantStop checks the stored stop of the newest entry.
func wantStop(t *testing.T, h *harness, desc string, want time.Time) {
	t.Helper()
	page, err := h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{ListParams: app.ListParams{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Description != desc {
		t.Fatalf("newest entry %+v, want %q", page.Items, desc)
	}
	if got := page.Items[0].StoppedAt; got == nil || !got.Equal(want) {
		t.Fatalf("%q stopped at %v, want %v", desc, got, want.UTC())
	}
}
