//go:build !headless

package ui

import (
	"image"
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

// shotSource is a fake activity source that also captures a screen.
type shotSource struct{ *fakeActivity }

func (s shotSource) CaptureScreen() (image.Image, error) {
	return testScreen(color.RGBA{40, 90, 160, 255}), nil
}

// testScreen is a 1920×1080 picture: a dark bar on top of a coloured desk.
func testScreen(c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for y := range 1080 {
		for x := range 1920 {
			p := c
			if y < 40 {
				p = color.RGBA{20, 20, 20, 255}
			}
			img.SetRGBA(x, y, p)
		}
	}
	return img
}

func (h *harness) setActivity(p app.ActivitySettingsPatch) {
	h.t.Helper()
	org, err := h.svc.UpdateOrganization(h.ctx, h.u.actor, h.u.org.ID, app.OrganizationPatch{Activity: p}, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	h.u.setOrg(org)
}

func (h *harness) activityScreen() *activityScreen {
	h.t.Helper()
	for i, sc := range h.u.screens {
		if a, ok := sc.(*activityScreen); ok {
			h.u.show(i)
			h.wait()
			return a
		}
	}
	h.t.Fatal("no Activity screen")
	return nil
}

// thumbs finds the thumbnails the screen shows.
func thumbs(o fyne.CanvasObject) []*thumbButton {
	var out []*thumbButton
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*thumbButton); ok {
			out = append(out, b)
		}
	}
	return out
}

func TestActivityScreenShowsAndDeletesScreenshots(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true)})
	loc := h.u.loc
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	stop := start.Add(25 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RecordActivity(h.ctx, h.u.actor, app.ActivitySlot{EntryID: e.ID, Start: start, Tracked: 10 * time.Minute, Active: 5 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	var shots []app.Screenshot
	for i, at := range []time.Duration{2 * time.Minute, 7 * time.Minute, 14 * time.Minute} {
		sh, err := h.svc.SaveScreenshot(h.ctx, h.u.actor, e.ID, start.Add(at), testScreen(color.RGBA{uint8(60 * i), 120, 200, 255}))
		if err != nil {
			t.Fatal(err)
		}
		shots = append(shots, sh)
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s := h.activityScreen()
	// Two screenshots in the 10:00 slot's row; the third in the 10:10 slot, which has no
	// activity row, gets a row of its own.
	if len(s.rows.Objects) != 2 {
		t.Fatalf("%d rows, want the slot's and one for the screenshots without a slot", len(s.rows.Objects))
	}
	first, second := thumbs(s.rows.Objects[0]), thumbs(s.rows.Objects[1])
	if len(first) != 2 || len(second) != 1 || first[0].shot.ID != shots[0].ID || second[0].shot.ID != shots[2].ID {
		t.Fatalf("thumbnails per row: %d, %d", len(first), len(second))
	}
	// A click opens the image; Delete asks first; the answer deletes it and only it.
	test.Tap(first[1])
	h.wait()
	v := s.viewer
	if v == nil || v.shot.ID != shots[1].ID || !h.dialogOpen() {
		t.Fatal("the screenshot did not open")
	}
	if sz := v.image.MinSize(); sz.Width != 760 || sz.Height < 427 || sz.Height > 428 {
		t.Errorf("the image is shown at %v", sz)
	}
	h.tap(v.del)
	if v.confirm == nil || !strings.Contains(h.overlayText(), "tracked time") {
		t.Fatalf("no confirmation before deleting: %q", h.overlayText())
	}
	h.tap(v.confirm.del)
	h.wait()
	left, err := h.svc.ListScreenshots(h.ctx, h.u.actor, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"})
	if err != nil || len(left) != 2 || left[0].ID != shots[0].ID || left[1].ID != shots[2].ID {
		t.Fatalf("screenshots after deleting one: %+v, %v", left, err)
	}
	if got := thumbs(s.rows.Objects[0]); len(got) != 1 {
		t.Errorf("the row shows %d thumbnails after the delete, want 1", len(got))
	}
	after, err := h.svc.TimeEntry(h.ctx, h.u.actor, e.ID)
	if err != nil || after.Version != e.Version || !after.StoppedAt.Equal(stop) {
		t.Errorf("the entry changed: %+v, %v", after, err)
	}
}

func TestScreenshotIndicator(t *testing.T) {
	f := &fakeActivity{}
	h := newHarness(t, harnessOpts{workspace: true, activity: f, tray: true})
	h.u.opts.Tracker = app.NewActivityTracker(h.svc, func() (app.ActivitySource, error) { return shotSource{f}, nil }, nil)
	s := h.u.timer
	h.tap(s.button) // start
	for range 3 {
		h.second(f, true)
	}
	s.tick()
	h.u.tray.tick()
	if s.shots.Text != "" || h.u.tray.shotLine.Label != "" {
		t.Fatalf("indicator %q, tray %q while the organization takes no screenshots", s.shots.Text, h.u.tray.shotLine.Label)
	}
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true), ScreenshotMinutes: ptrTo(1)})
	for range 11 { // the tracker reads the settings again within 10 s
		h.second(f, true)
	}
	s.tick()
	h.u.tray.tick()
	if !strings.Contains(s.shots.Text, "Screenshots on") || strings.Contains(s.shots.Text, "none taken") {
		t.Errorf("timer indicator %q", s.shots.Text)
	}
	found := false
	for _, it := range h.tray.menu.Items {
		if it.Label == "◉ Screenshots on" {
			found = true
		}
	}
	if !found {
		t.Errorf("no screenshot line in the tray menu (line %q)", h.u.tray.shotLine.Label)
	}
	list, err := h.svc.ListScreenshots(h.ctx, h.u.actor, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"})
	if err != nil || len(list) != 1 {
		t.Errorf("%d screenshots taken, %v", len(list), err)
	}
	h.tap(s.button) // stop
	h.second(f, true)
	s.tick()
	h.u.tray.tick()
	if s.shots.Text != "" || h.u.tray.shotLine.Label != "" {
		t.Errorf("indicator %q, tray %q after the timer stopped", s.shots.Text, h.u.tray.shotLine.Label)
	}
	for _, it := range h.tray.menu.Items {
		if strings.Contains(it.Label, "Screenshots") {
			t.Errorf("the tray menu still has %q", it.Label)
		}
	}
}

func TestSettingsShowTheOrganizationsActivityRules(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(7)
	h.wait()
	r := h.u.settings.rules
	if r.shots.Checked || r.titles.Checked || r.shots.Disabled() || !r.interval.Disabled() || r.interval.Selected != "Every 10 minutes" {
		t.Fatalf("owner's rules: shots %v (disabled %v), titles %v, interval %q (disabled %v)",
			r.shots.Checked, r.shots.Disabled(), r.titles.Checked, r.interval.Selected, r.interval.Disabled())
	}
	h.tap(r.shots)
	h.wait()
	r.interval.SetSelected("Every 3 minutes")
	h.wait()
	h.tap(r.titles)
	h.wait()
	set, err := h.svc.OrganizationActivity(h.ctx, h.u.actor)
	if err != nil || set != (app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 3, WindowTitles: true}) {
		t.Fatalf("saved settings %+v, %v", set, err)
	}
	if r.interval.Disabled() || r.random.Disabled() {
		t.Error("the interval stays disabled with screenshots on")
	}
	// A member reads them and cannot change them.
	h.u.actor.Role = app.RoleMember
	r.refresh()
	if !r.shots.Disabled() || !r.titles.Disabled() || !r.interval.Disabled() || !r.shots.Checked ||
		!strings.Contains(r.note.seg.Text, "owners and admins") {
		t.Errorf("member's view: shots disabled %v checked %v, note %q", r.shots.Disabled(), r.shots.Checked, r.note.seg.Text)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestActivityRowNamesAnApplicationOnce(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, h.u.loc)
	stop := start.Add(10 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RecordActivity(h.ctx, h.u.actor, app.ActivitySlot{EntryID: e.ID, Start: start, Tracked: 10 * time.Minute, Active: 5 * time.Minute,
		Apps: []app.AppUsage{{Name: "Editor", Title: "a.go", Time: 4 * time.Minute}, {Name: "Editor", Title: "b.go", Time: 3 * time.Minute},
			{Name: "Browser", Title: "Docs", Time: 3 * time.Minute}}}); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s := h.activityScreen()
	var texts []string
	for _, o := range test.LaidOutObjects(s.rows) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	if !slices.Contains(texts, "Editor, Browser") {
		t.Errorf("row labels %q, want the applications named once: Editor, Browser", texts)
	}
	if !strings.Contains(s.apps.seg.Text, "Editor 0:07") {
		t.Errorf("top applications %q, want Editor's titles summed", s.apps.seg.Text)
	}
}
