//go:build !headless

package ui

import (
	"testing"
	"time"
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
