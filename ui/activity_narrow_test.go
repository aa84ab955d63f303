//go:build !headless

package ui

import (
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// seedSlots records an entry from start with one slot per usage list, 10 minutes each.
func (h *harness) seedSlots(a app.Actor, start time.Time, pct int, apps ...[]app.AppUsage) {
	h.t.Helper()
	stop := start.Add(time.Duration(len(apps)) * app.SlotLength)
	e, err := h.svc.CreateTimeEntry(h.ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "work"})
	if err != nil {
		h.t.Fatal(err)
	}
	for i, us := range apps {
		if _, err := h.svc.RecordActivity(h.ctx, a, app.ActivitySlot{EntryID: e.ID, Start: start.Add(time.Duration(i) * app.SlotLength),
			Tracked: app.SlotLength, Active: app.SlotLength * time.Duration(pct) / 100, Keys: 10, Apps: us}); err != nil {
			h.t.Fatal(err)
		}
	}
}

// slotTexts are the texts of a slot row's labels.
func slotTexts(row fyne.CanvasObject) []string {
	var out []string
	for _, o := range test.LaidOutObjects(row) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// slotAppsTip is the tip over a slot row's applications.
func slotAppsTip(t *testing.T, row fyne.CanvasObject) *tip {
	t.Helper()
	for _, o := range test.LaidOutObjects(row) {
		if tp, ok := o.(*tip); ok {
			return tp
		}
	}
	t.Fatal("the slot row has no tip over its applications")
	return nil
}

// TestActivityFitsANarrowWindow: in a 480 px window the day's name was cut
// ("Wednesday 30 Septe…") and long application names and window titles could only be
// guessed. Now the day shows whole in the form that fits (in full when the window is
// wide), nothing on the screen needs more than the window, and the applications' long
// names end in an ellipsis with the whole names and window titles on hover.
func TestActivityFitsANarrowWindow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	longApp := strings.Repeat("Integrated development environment ", 3)[:90]
	longTitle := strings.Repeat("main.go — a window title far too long for any row ", 2)[:90]
	loc := h.u.loc
	day := time.Date(2026, 9, 30, 9, 0, 0, 0, loc) // a Wednesday in September: the longest name
	h.seedSlots(h.actor(), day, 80,
		[]app.AppUsage{{Name: longApp, Title: longTitle, Time: 6 * time.Minute}, {Name: "Browser", Time: 4 * time.Minute}},
		[]app.AppUsage{{Name: longApp, Title: longTitle, Time: 4 * time.Minute}, {Name: "Terminal emulator", Time: 3 * time.Minute},
			{Name: "Spreadsheet calculator", Time: 2 * time.Minute}, {Name: "Mail and calendar client", Time: time.Minute}})
	m, err := h.svc.AddMember(h.ctx, h.actor(), app.MemberInput{Name: strings.Repeat("Bartholomew Fitzwilliam ", 4)[:90], Email: "bart@example.com",
		Role: app.RoleMember, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	s := h.activityScreen()
	s.date = "2026-09-30"
	s.refresh()
	h.wait()
	if len(s.rows.Objects) != 2 {
		t.Fatalf("%d slot rows, want 2", len(s.rows.Objects))
	}
	c := h.u.win.Canvas()
	for _, width := range []float32{1040, 480} {
		h.u.win.Resize(fyne.NewSize(width, 680))
		h.wait()
		h.u.win.Content().Refresh()
		// Also the wide arrangement: a window shrinks from it straight to 480 px.
		if got := h.u.win.Content().MinSize().Width; got > 480 {
			t.Errorf("%v px: the Activity screen needs %v px", width, got)
		}
		if labelCut(&s.dayLabel.Label) || s.dayLabel.Size().Width <= 0 {
			t.Errorf("%v px: the day %q is cut in %v px", width, s.dayLabel.Text, s.dayLabel.Size().Width)
		}
		want := "Wednesday 30 September 2026"
		if width == 480 {
			want = "Wed 30 Sep 2026"
		}
		if s.dayLabel.Text != want {
			t.Errorf("%v px: the day reads %q, want %q", width, s.dayLabel.Text, want)
		}
		// A slot's applications: cut, whole on hover with the window's title.
		tp := slotAppsTip(t, s.rows.Objects[0])
		if tp.Size().Width <= 0 || tp.Position().X+tp.Size().Width > c.Size().Width {
			t.Errorf("%v px: the slot's applications are %v px at %v", width, tp.Size().Width, tp.Position())
		}
		test.MoveMouse(c, middle(tp))
		if got := h.u.tips.showing(); !strings.Contains(got, longApp+" — "+longTitle) || !strings.Contains(got, "Browser") {
			t.Errorf("%v px: the slot's tip %q", width, got)
		}
		test.MoveMouse(c, fyne.NewPos(2, c.Size().Height-2))
		// The day's top applications: one line inside the window, whole on hover.
		var apps *tip
		for _, o := range test.LaidOutObjects(h.u.win.Content()) {
			if tp, ok := o.(*tip); ok && tp.content == s.apps {
				apps = tp
			}
		}
		if apps == nil {
			t.Fatalf("%v px: no tip over the top applications", width)
		}
		if abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(apps); abs.X+apps.Size().Width > c.Size().Width || s.apps.MinSize().Height > apps.Size().Height+1 {
			t.Errorf("%v px: the top applications take %v at %v and need %v", width, apps.Size(), abs, s.apps.MinSize())
		}
		test.MoveMouse(c, middle(apps))
		if got := h.u.tips.showing(); got != s.appsFull {
			t.Errorf("%v px: the top applications' tip %q, want %q", width, got, s.appsFull)
		}
		test.MoveMouse(c, fyne.NewPos(2, c.Size().Height-2))
	}
	// The day's top applications name each at most nameMaxRunes long, whole on hover.
	if got := s.apps.seg.Text; strings.Contains(got, longApp) || !strings.Contains(got, ellipsize(longApp, nameMaxRunes)) {
		t.Errorf("top applications %q", got)
	}
	if !strings.Contains(s.appsFull, longApp) {
		t.Errorf("top applications in full %q", s.appsFull)
	}
	// A long person's name picked in the narrow window keeps the screen in the window.
	h.pick(s.person, "Bartholomew")
	h.u.win.Content().Refresh()
	if s.who != m.UserID {
		t.Fatalf("picked %v, want %v", s.who, m.UserID)
	}
	if got := h.u.win.Content().MinSize().Width; got > 480 {
		t.Errorf("with a long name picked the Activity screen needs %v px", got)
	}
	if got := s.emptyMsg.Text; !strings.Contains(got, ellipsize(m.Name, nameMaxRunes)+" on this day") {
		t.Errorf("the empty day's hint %q, want the name cut short", got)
	}
	if b := s.person.button; b.Position().X+b.Size().Width > c.Size().Width || !strings.HasSuffix(b.Text, "…") {
		t.Errorf("the person picker reads %q, %v px at %v", b.Text, b.Size().Width, b.Position())
	}
}

// TestActivityFollowsTheDisplaySettings: slot times were always on a 24-hour clock and
// totals always h:mm, whatever Settings said. They follow the clock and duration settings
// now, in the user's time zone.
func TestActivityFollowsTheDisplaySettings(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, timezone: "America/New_York"})
	ny, _ := time.LoadLocation("America/New_York")
	h.clock.Set(time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)) // 18:00 in New York
	h.seedSlots(h.actor(), time.Date(2026, 11, 23, 14, 0, 0, 0, ny), 50,
		[]app.AppUsage{{Name: "Editor", Time: 6 * time.Minute}, {Name: "Browser", Time: 4 * time.Minute}},
		[]app.AppUsage{{Name: "Editor", Time: 10 * time.Minute}},
		[]app.AppUsage{{Name: "Editor", Time: 5 * time.Minute}})
	for _, c := range []struct {
		clock, durations string
		times            []string
		tracked, editor  string
	}{
		{"24", "hmm", []string{"14:00", "14:10", "14:20"}, "Tracked 0:30", "Editor 0:21"},
		{"12", "decimal", []string{"2:00 PM", "2:10 PM", "2:20 PM"}, "Tracked 0.50", "Editor 0.35"},
	} {
		h.fyne.Preferences().SetString(prefClock, c.clock)
		h.fyne.Preferences().SetString(prefDuration, c.durations)
		s := h.activityScreen()
		s.refresh()
		h.wait()
		if len(s.rows.Objects) != 3 {
			t.Fatalf("%s: %d slot rows", c.clock, len(s.rows.Objects))
		}
		for i, want := range c.times {
			if got := slotTexts(s.rows.Objects[i]); !slices.Contains(got, want) {
				t.Errorf("%s-hour clock: slot %d reads %q, want %q", c.clock, i, got, want)
			}
		}
		if got := s.summary.seg.Text; !strings.HasPrefix(got, c.tracked) {
			t.Errorf("%s: summary %q, want %q", c.durations, got, c.tracked)
		}
		if got := s.apps.seg.Text; !strings.Contains(got, c.editor) {
			t.Errorf("%s: top applications %q, want %q", c.durations, got, c.editor)
		}
		if s.dayLabel.Text != "Monday 23 November 2026" {
			t.Errorf("the day in New York reads %q", s.dayLabel.Text)
		}
		// The longer 12-hour times still fit a 480 px window.
		h.u.win.Resize(fyne.NewSize(480, 680))
		h.wait()
		if got := h.u.win.Content().MinSize().Width; got > 480 {
			t.Errorf("%s-hour clock: the Activity screen needs %v px", c.clock, got)
		}
		h.u.win.Resize(fyne.NewSize(1040, 680))
		h.wait()
	}
}

// TestActivityDialogsCloseOnEscape: the screenshot's viewer, its delete confirmation and
// the slot's "all screenshots" dialog closed on Escape only while nothing had the focus:
// once Tab (or a click) put it on one of their buttons, Fyne gave Escape to the button,
// which dropped it. Each closes from its buttons now, the confirmation alone first. The
// viewer, 800 px wide whatever the window, fits a 480 px window too.
func TestActivityDialogsCloseOnEscape(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true)})
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, h.u.loc)
	stop := start.Add(10 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxSlotThumbs + 1 {
		if _, err := h.svc.SaveScreenshot(h.ctx, h.u.actor, e.ID, start.Add(time.Duration(i)*time.Minute), testScreen(color.RGBA{uint8(40 * i), 120, 200, 255})); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s := h.activityScreen()
	c := h.u.win.Canvas()
	escapeOn := func(what string, f fyne.Focusable) {
		t.Helper()
		c.Focus(f)
		if c.Focused() != f {
			t.Fatalf("%s: cannot take the focus", what)
		}
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		h.wait()
	}
	button := func(text string) fyne.Focusable {
		t.Helper()
		for _, o := range test.LaidOutObjects(c.Overlays().Top()) {
			if b, ok := o.(*dialogButton); ok && b.Text == text {
				return b
			}
		}
		t.Fatalf("the dialog in front has no %q button", text)
		return nil
	}
	open := func() *shotViewer {
		t.Helper()
		test.Tap(thumbs(s.rows.Objects[0])[0])
		h.wait()
		if s.viewer == nil || len(h.u.modals) != 1 {
			t.Fatal("the screenshot did not open")
		}
		return s.viewer
	}
	// In a 480 px window the viewer, its confirmation and the slot's screenshots fit.
	h.u.win.Resize(fyne.NewSize(480, 680))
	h.wait()
	fitsWindow := func(what string) {
		t.Helper()
		if w := c.Overlays().Top().MinSize().Width; w > 480 {
			t.Errorf("%s needs %v px in a 480 px window", what, w)
		}
	}
	open()
	fitsWindow("the screenshot's viewer")
	h.tap(s.viewer.del)
	fitsWindow("the delete confirmation")
	h.u.closeModal()
	h.u.closeModal()
	h.wait()
	h.u.win.Resize(fyne.NewSize(1040, 680))
	h.wait()
	escapeOn("viewer's Close", open().close)
	if h.dialogOpen() {
		t.Error("Escape on the viewer's Close left it open")
	}
	escapeOn("viewer's Delete", open().del)
	if h.dialogOpen() {
		t.Error("Escape on the viewer's Delete left it open")
	}
	v := open()
	h.tap(v.del)
	escapeOn("confirmation's Cancel", button("Cancel"))
	if len(h.u.modals) != 1 || s.viewer.confirm.dialog == nil {
		t.Errorf("Escape on the confirmation's Cancel: %d dialogs open, want the viewer", len(h.u.modals))
	}
	h.u.closeModal()
	h.wait()
	var more *widget.Button
	for _, o := range test.LaidOutObjects(s.rows.Objects[0]) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "+") {
			more = b
		}
	}
	if more == nil {
		t.Fatal("no button for all the slot's screenshots")
	}
	h.tap(more)
	escapeOn("all screenshots' Close", button("Close"))
	if h.dialogOpen() {
		t.Error("Escape on Close left the slot's screenshots open")
	}
	if n := len(h.allEntries()); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
}
