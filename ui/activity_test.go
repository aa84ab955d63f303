//go:build !headless

package ui

import (
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

func TestActivityScreenShowsTheDaysSlots(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	loc := h.u.loc
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	stop := start.Add(25 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	for i, pct := range []int{90, 45, 10} {
		tracked := 10 * time.Minute
		if i == 2 {
			tracked = 5 * time.Minute
		}
		if _, err := h.svc.RecordActivity(h.ctx, h.u.actor, app.ActivitySlot{EntryID: e.ID, Start: start.Add(time.Duration(i) * app.SlotLength),
			Tracked: tracked, Active: tracked * time.Duration(pct) / 100, Keys: 100,
			Apps: []app.AppUsage{{Name: "Editor", Time: tracked * 3 / 5}, {Name: "Browser", Time: tracked * 2 / 5}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	var s *activityScreen
	for i, sc := range h.u.screens {
		if a, ok := sc.(*activityScreen); ok {
			s = a
			h.u.show(i)
		}
	}
	h.wait()
	if len(s.slots) != 3 || len(s.rows.Objects) != 3 || s.empty.Visible() {
		t.Fatalf("%d slots, %d rows", len(s.slots), len(s.rows.Objects))
	}
	if s.dayLabel.Text != "Monday 23 November 2026" || !strings.Contains(s.summary.seg.Text, "Tracked 0:25") ||
		!strings.Contains(s.summary.seg.Text, "active 56%") || !strings.Contains(s.apps.seg.Text, "Editor 0:15") {
		t.Fatalf("day %q, summary %q, apps %q", s.dayLabel.Text, s.summary.seg.Text, s.apps.seg.Text)
	}
	if s.next.Disabled() != true {
		t.Fatal("next day offered from today")
	}
	// The day before has nothing; the hint says why.
	h.tap(s.prev)
	h.wait()
	if len(s.slots) != 0 || !s.empty.Visible() || !strings.Contains(s.emptyMsg.Text, "While a timer runs") {
		t.Fatalf("previous day: %d slots, hint %q", len(s.slots), s.emptyMsg.Text)
	}
	if err := h.svc.SetActivityEnabled(h.ctx, false); err != nil {
		t.Fatal(err)
	}
	h.tap(s.today)
	h.tap(s.prev)
	h.wait()
	if !strings.Contains(s.emptyMsg.Text, "turned off in Settings") {
		t.Fatalf("hint when off: %q", s.emptyMsg.Text)
	}
}

// TestActivityShortcut: Ctrl+0 opens the Activity screen, the sidebar's tenth entry.
func TestActivityShortcut(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if _, ok := h.u.screens[h.u.current].(*activityScreen); !ok {
		t.Errorf("Ctrl+0 shows %q", h.u.win.Title())
	}
}

// TestActivityThumbnailsFitAndLineUp: a slot with ten screenshots (taken every minute)
// showed five thumbnails and a "+5" button in one row 680 px wide, which held the window
// wider than its narrow arrangement; each 1920×1080 picture floated in a 120×56 box with
// uneven gaps, and the row began under the slot's time instead of under its bar. Now the
// thumbnails have the screenshot's shape, start where the bar starts and wrap, so the
// screen fits a 480 px window.
func TestActivityThumbnailsFitAndLineUp(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true), ScreenshotMinutes: ptrTo(1)})
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, h.u.loc)
	stop := start.Add(10 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RecordActivity(h.ctx, h.u.actor, app.ActivitySlot{EntryID: e.ID, Start: start, Tracked: 10 * time.Minute, Active: 5 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := h.svc.SaveScreenshot(h.ctx, h.u.actor, e.ID, start.Add(time.Duration(i)*time.Minute+30*time.Second),
			testScreen(color.RGBA{uint8(20 * i), 120, 200, 255})); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s := h.activityScreen()
	abs := func(o fyne.CanvasObject) fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	}
	for _, size := range []fyne.Size{fyne.NewSize(1040, 680), fyne.NewSize(480, 680)} {
		h.u.win.Resize(size)
		h.wait()
		if got, limit := h.u.win.Content().MinSize().Width, min(size.Width, narrowBelow); got > limit {
			t.Errorf("in a %v px window the Activity screen needs %v px", size.Width, got)
		}
		row := s.rows.Objects[0]
		shown := thumbs(row)
		var bar *activityBar
		for _, o := range test.LaidOutObjects(row) {
			if b, ok := o.(*activityBar); ok {
				bar = b
			}
		}
		if len(shown) != maxSlotThumbs || bar == nil {
			t.Fatalf("%d thumbnails, bar %v", len(shown), bar)
		}
		first := shown[0]
		if abs(first).X != abs(bar).X {
			t.Errorf("%v px window: the thumbnails start at x %v, the bar at %v", size.Width, abs(first).X, abs(bar).X)
		}
		if sz := first.Size(); sz.Height != thumbHeight || math.Abs(float64(sz.Width/sz.Height)-1920.0/1080) > 0.01 {
			t.Errorf("%v px window: a 1920×1080 screenshot's thumbnail is %v", size.Width, sz)
		}
	}
	// "+5" shows all ten, in their shape too, under the slot's times.
	var more *widget.Button
	for _, o := range test.LaidOutObjects(s.rows.Objects[0]) {
		if b, ok := o.(*widget.Button); ok && b.Text == "+5" {
			more = b
		}
	}
	if more == nil {
		t.Fatal("no +5 button for the screenshots past five")
	}
	h.tap(more)
	all := thumbs(h.u.win.Canvas().Overlays().Top())
	if len(all) != 10 || !strings.Contains(h.overlayText(), "Screenshots 09:00–09:10") {
		t.Fatalf("the dialog of all shows %d thumbnails, text %q", len(all), h.overlayText())
	}
	if sz := all[0].Size(); math.Abs(float64(sz.Width/sz.Height)-1920.0/1080) > 0.01 {
		t.Errorf("in the dialog of all a 1920×1080 screenshot's thumbnail is %v", sz)
	}
}

// TestActivityPersonPicker: managers and above pick whose day the Activity screen shows,
// members never see the picker. Before, the screen showed only the signed-in user's day.
func TestActivityPersonPicker(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	owner := h.actor()
	add := func(name string, role app.Role) app.Actor {
		m, err := h.svc.AddMember(h.ctx, owner, app.MemberInput{Name: name, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com",
			Role: role, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		a := owner
		a.UserID, a.Role = m.UserID, role
		return a
	}
	mia := add("Mia Manager", app.RoleManager)
	bob := add("Bob Bartholomew-Fitzwilliam Longname", app.RoleMember)
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true)})
	// Seed two users' days: Mia's one slot at 09:00, Bob's two at 11:00 with a screenshot.
	seed := func(a app.Actor, start time.Time, n int) app.TimeEntry {
		stop := start.Add(time.Duration(n) * app.SlotLength)
		e, err := h.svc.CreateTimeEntry(h.ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "work"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if _, err := h.svc.RecordActivity(h.ctx, a, app.ActivitySlot{EntryID: e.ID, Start: start.Add(time.Duration(i) * app.SlotLength),
				Tracked: app.SlotLength, Active: app.SlotLength / 2, Apps: []app.AppUsage{{Name: string(a.Role) + "App", Time: app.SlotLength}}}); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	seed(mia, time.Date(2026, 11, 23, 9, 0, 0, 0, h.u.loc), 1)
	e := seed(bob, time.Date(2026, 11, 23, 11, 0, 0, 0, h.u.loc), 2)
	shot, err := h.svc.SaveScreenshot(h.ctx, bob, e.ID, e.StartedAt.Add(3*time.Minute), testScreen(color.RGBA{200, 120, 20, 255}))
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	signIn := func(a app.Actor) {
		h.u.actor = a
		h.u.who.Store(&a)
	}
	shown := func(s *activityScreen) []*thumbButton {
		var out []*thumbButton
		for _, r := range s.rows.Objects {
			out = append(out, thumbs(r)...)
		}
		return out
	}
	starts := func(s *activityScreen) []string {
		var out []string
		for _, sl := range s.slots {
			out = append(out, sl.Start.In(h.u.loc).Format("15:04"))
		}
		return out
	}

	t.Run("a member sees no picker", func(t *testing.T) {
		signIn(bob)
		s := h.activityScreen()
		if s.personBox.Visible() {
			t.Error("a member sees the person picker")
		}
		if got := starts(s); !slices.Equal(got, []string{"11:00", "11:10"}) {
			t.Errorf("a member's own day shows slots %v", got)
		}
	})
	t.Run("a manager picks a member", func(t *testing.T) {
		signIn(mia)
		s := h.activityScreen()
		if !s.personBox.Visible() {
			t.Fatal("a manager sees no person picker")
		}
		if s.person.button.Text != "Mia Manager" {
			t.Errorf("the picker shows %q, want the signed-in manager", s.person.button.Text)
		}
		if got := starts(s); !slices.Equal(got, []string{"09:00"}) || len(shown(s)) != 0 {
			t.Errorf("the manager's own day shows slots %v and %d thumbnails", got, len(shown(s)))
		}
		if len(s.person.options()) != 3 {
			t.Errorf("the picker lists %d people, want the organization's 3", len(s.person.options()))
		}
		// By keyboard: Tab to the picker, Space opens it, type and Enter picks.
		c := h.u.win.Canvas()
		for range 60 {
			if c.Focused() == fyne.Focusable(s.person.button) {
				break
			}
			c.FocusNext()
		}
		if c.Focused() != fyne.Focusable(s.person.button) {
			t.Fatal("Tab never reaches the person picker")
		}
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if s.person.popup == nil || c.Focused() != fyne.Focusable(s.person.search) {
			t.Fatal("Space on the picker opens no search")
		}
		test.Type(s.person.search, "bob")
		h.enter(s.person.search)
		h.wait()
		if got := starts(s); !slices.Equal(got, []string{"11:00", "11:10"}) {
			t.Errorf("after picking Bob the slots are %v", got)
		}
		if !strings.Contains(s.apps.seg.Text, "memberApp") {
			t.Errorf("top applications %q, want Bob's", s.apps.seg.Text)
		}
		th := shown(s)
		if len(th) != 1 || th[0].shot.ID != shot.ID {
			t.Fatalf("%d thumbnails, want Bob's screenshot", len(th))
		}
		if _, ok := th[0].img.(*canvas.Image); !ok {
			t.Error("Bob's thumbnail shows a placeholder, want its image")
		}
		// The manager opens it and reads it; only Bob may delete it.
		test.Tap(th[0])
		h.wait()
		if s.viewer == nil || s.viewer.image == nil || strings.Contains(h.overlayText(), "Delete") {
			t.Errorf("Bob's screenshot opened for the manager: %q", h.overlayText())
		}
		s.viewer.dialog.Hide()
		h.u.win.Content().Refresh()
		if got := s.person.button.Text; !strings.HasPrefix(got, "Bob") || !strings.HasSuffix(got, "…") {
			t.Errorf("the picker's button reads %q, want Bob's name cut short", got)
		}
		// Another day stays Bob's; his empty day says so.
		h.tap(s.prev)
		h.wait()
		if len(s.slots) != 0 || !strings.Contains(s.emptyMsg.Text, "Bob") {
			t.Errorf("Bob's day before: %d slots, hint %q", len(s.slots), s.emptyMsg.Text)
		}
		h.tap(s.today)
		h.wait()
		if got := starts(s); !slices.Equal(got, []string{"11:00", "11:10"}) {
			t.Errorf("back to today the slots are %v", got)
		}
		// In a 480 px window the screen still fits.
		h.u.win.Resize(fyne.NewSize(480, 680))
		h.wait()
		if got := h.u.win.Content().MinSize().Width; got > 480 {
			t.Errorf("in a 480 px window the Activity screen needs %v px", got)
		}
		// The picker takes its own line, so the day's name keeps all the room it had
		// without one.
		abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
		with := s.dayLabel.Size().Width
		s.personBox.Hide()
		h.u.win.Content().Refresh()
		without := s.dayLabel.Size().Width
		s.personBox.Show()
		h.u.win.Content().Refresh()
		if abs(s.person.button).Y <= abs(s.dayLabel).Y || with < without {
			t.Errorf("in a 480 px window the picker is at y %v, the day at y %v with %v px (%v without the picker)",
				abs(s.person.button).Y, abs(s.dayLabel).Y, with, without)
		}
		h.pick(s.person, "mia")
		h.wait()
		if got := starts(s); !slices.Equal(got, []string{"09:00"}) {
			t.Errorf("back to the manager the slots are %v", got)
		}
	})
}
