//go:build !headless

package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// fakeActivity is an activity source the test drives.
type fakeActivity struct {
	mu sync.Mutex
	s  app.ActivitySample
}

func (f *fakeActivity) open() (app.ActivitySource, error) { return f, nil }

func (f *fakeActivity) Sample(bool) (app.ActivitySample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.s, nil
}

func (f *fakeActivity) Close() error { return nil }

// second advances the clock a second, with a key press when typing, and ticks the tracker
// as the loop does.
func (h *harness) second(f *fakeActivity, typing bool) {
	h.clock.Advance(time.Second)
	f.mu.Lock()
	f.s.Counted = true
	if typing {
		f.s.Keys++
		f.s.Idle = 0
	} else {
		f.s.Idle += time.Second
	}
	f.mu.Unlock()
	h.u.opts.Tracker.Tick(h.ctx, h.u.who.Load())
}

func TestTimerShowsTheSlotsActivity(t *testing.T) {
	f := &fakeActivity{}
	h := newHarness(t, harnessOpts{workspace: true, activity: f})
	s := h.u.timer
	h.typeInto(s.desc, "deep work")
	h.tap(s.button)
	if s.activity.Text != "" {
		t.Fatalf("activity shown before a minute was measured: %q", s.activity.Text)
	}
	// 45 s of typing, then 45 s of reading: 50% of the 1:30 measured.
	for i := 0; i < 90; i++ {
		h.second(f, i < 45)
	}
	s.tick()
	if !strings.Contains(s.activity.Text, "Activity 50%") {
		t.Fatalf("activity label %q, want 50%%", s.activity.Text)
	}
	h.tap(s.button) // stop
	h.second(f, true)
	s.tick()
	if s.activity.Text != "" {
		t.Fatalf("activity label %q after the timer stopped", s.activity.Text)
	}
	slots, err := h.svc.Activity(h.ctx, h.u.actor, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"})
	if err != nil || len(slots) != 1 || slots[0].Tracked != 90*time.Second || slots[0].Active != 45*time.Second {
		t.Fatalf("stored slots %+v, %v", slots, err)
	}
}

func TestSettingsTurnActivityOff(t *testing.T) {
	f := &fakeActivity{}
	h := newHarness(t, harnessOpts{workspace: true, activity: f})
	h.u.show(7)
	h.wait()
	s := h.u.settings
	if !s.activity.Checked {
		t.Fatal("activity is off by default")
	}
	h.tap(s.activity)
	h.wait()
	if on, err := h.svc.ActivityEnabled(h.ctx); err != nil || on {
		t.Fatalf("after unticking: on %v, %v", on, err)
	}
	h.tap(h.u.timer.button)
	for i := 0; i < 90; i++ {
		h.second(f, true)
	}
	if _, ok := h.u.opts.Tracker.Current(); ok {
		t.Fatal("measured while turned off")
	}
	// The screen shows the stored choice when it is shown again.
	h.u.show(7)
	h.wait()
	if s.activity.Checked {
		t.Fatal("the setting shows on again")
	}
}
