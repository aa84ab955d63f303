//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/stinthq/stint/app"
)

func TestIdleTimeIsAskedAboutAndDiscarded(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	s := h.u.timer
	if h.u.idle.threshold != 5*time.Minute {
		t.Fatalf("threshold %v", h.u.idle.threshold)
	}
	h.typeInto(s.desc, "deep work")
	h.tap(s.button)
	start := h.clock.Now()

	// 20 minutes of work, then 12 minutes away: nothing is asked while away.
	h.clock.Advance(20 * time.Minute)
	h.u.idle.observe(0, h.clock.Now())
	h.clock.Advance(6 * time.Minute)
	h.u.idle.observe(6*time.Minute, h.clock.Now())
	h.clock.Advance(6 * time.Minute)
	h.u.idle.observe(12*time.Minute, h.clock.Now())
	if h.u.idle.dialog != nil {
		t.Fatal("asked while still away")
	}
	// Back: asked once.
	h.clock.Advance(5 * time.Second)
	h.u.idle.observe(2*time.Second, h.clock.Now())
	if h.u.idle.dialog == nil || !h.dialogOpen() {
		t.Fatal("not asked on return")
	}
	h.tap(h.u.idle.discard)
	r := h.running()
	away, back := start.Add(20*time.Minute), start.Add(32*time.Minute+3*time.Second)
	if r == nil || !r.StartedAt.Equal(back) || r.Description != "deep work" {
		t.Fatalf("resumed entry %+v (want start %v)", r, back)
	}
	if got := rows(s.entries); len(got) != 2 {
		t.Fatalf("entries %v", got)
	}
	first := s.entries.items[1].entry
	if !first.StoppedAt.Equal(away) {
		t.Fatalf("first part stops %v, want %v", first.StoppedAt, away)
	}

	// Away again, then "Keep": nothing changes.
	h.clock.Advance(10 * time.Minute)
	h.u.idle.observe(9*time.Minute, h.clock.Now())
	h.clock.Advance(time.Second)
	h.u.idle.observe(0, h.clock.Now())
	h.tap(h.u.idle.keep)
	if got := h.running(); got.ID != r.ID {
		t.Fatal("keep changed the entry")
	}
	// Away, then "Discard and stop".
	h.clock.Advance(10 * time.Minute)
	h.u.idle.observe(9*time.Minute, h.clock.Now())
	h.clock.Advance(time.Second)
	h.u.idle.observe(0, h.clock.Now())
	h.tap(h.u.idle.discardStop)
	if h.running() != nil || s.button.Text != "Start" {
		t.Fatal("discard and stop left the timer running")
	}
	// No timer: no question, however long the absence.
	h.u.idle.observe(time.Hour, h.clock.Now())
	h.u.idle.observe(0, h.clock.Now())
	if h.u.idle.dialog != nil {
		t.Fatal("asked without a running timer")
	}
}

// awayAndBack makes the user leave for d while the timer runs and come back.
func (h *harness) awayAndBack(d time.Duration) {
	h.clock.Advance(d)
	h.u.idle.observe(d-time.Minute, h.clock.Now())
	h.clock.Advance(time.Second)
	h.u.idle.observe(0, h.clock.Now())
	h.wait()
}

func TestIdleAnsweredFromTheTray(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true})
	s := h.u.timer
	h.typeInto(s.desc, "deep work")
	h.tap(s.button)
	h.awayAndBack(20 * time.Minute)
	items := map[string]*fyne.MenuItem{}
	for _, it := range h.tray.menu.Items {
		items[it.Label] = it
	}
	var line string
	for l := range items {
		if strings.HasPrefix(l, "Away ") {
			line = l
		}
	}
	if line == "" || items["Discard it"] == nil || items["Keep the time away"] == nil || items["Discard it and stop"] == nil {
		t.Fatalf("tray lacks the idle question: %v", items)
	}
	// It is also in the data, for the CLI and the API.
	if p, err := h.svc.PendingIdle(h.ctx, h.u.actor); err != nil || p == nil {
		t.Fatalf("pending %+v, %v", p, err)
	}
	items["Discard it"].Action()
	h.wait()
	if h.u.idle.dialog != nil {
		t.Fatal("the dialog stayed open after the tray answered")
	}
	for _, it := range h.tray.menu.Items {
		if strings.HasPrefix(it.Label, "Away ") {
			t.Fatal("the tray still asks")
		}
	}
	if r := h.running(); r == nil || r.Description != "deep work" || len(rows(s.entries)) != 2 {
		t.Fatalf("after discarding from the tray: running %+v, %d rows", r, len(rows(s.entries)))
	}
	if p, _ := h.svc.PendingIdle(h.ctx, h.u.actor); p != nil {
		t.Fatalf("still pending: %+v", p)
	}
}

func TestIdleAnsweredElsewhereClosesTheDialog(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.typeInto(h.u.timer.desc, "deep work")
	h.tap(h.u.timer.button)
	h.awayAndBack(20 * time.Minute)
	if h.u.idle.dialog == nil {
		t.Fatal("not asked")
	}
	// `stint timer idle discard` from a terminal: the same service on the same data.
	if _, err := h.svc.ResolveIdle(h.ctx, h.u.actor, app.IdleDiscard); err != nil {
		t.Fatal(err)
	}
	h.u.idle.checkAnswered(h.ctx, h.u.who.Load())
	h.wait()
	if h.u.idle.dialog != nil || h.u.idle.pending != nil {
		t.Fatal("the dialog stayed open after the answer from elsewhere")
	}
}

func TestSleepCountsAsIdle(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.typeInto(h.u.timer.desc, "deep work")
	h.tap(h.u.timer.button)
	h.clock.Advance(time.Minute)
	h.u.idle.observe(time.Second, h.clock.Now())
	slept := h.clock.Now()
	// The machine sleeps 40 minutes: the screen saver's counter did not run meanwhile, so
	// the first sample after waking says the user was idle only a few seconds.
	h.clock.Advance(40 * time.Minute)
	h.u.idle.observe(2*time.Second, h.clock.Now())
	h.wait()
	if p := h.u.idle.pending; p == nil || !p.From.Equal(slept) || p.To.Before(slept.Add(39*time.Minute)) {
		t.Fatalf("after sleeping: pending %+v", p)
	}
}
