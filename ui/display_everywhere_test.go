//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// overlayTexts lists the labels of the dialog on top of the window.
func overlayTexts(h *harness) []string {
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	var out []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// TestDisplaySettingsReachEveryDuration: with decimal hours and the 12-hour clock chosen,
// the catalog's tracked time, the idle dialog and the tray (its away line, today's total
// and tooltip) follow them, as the timer screen does.
func TestDisplaySettingsReachEveryDuration(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true}) // Monday 23 November, 10:00 in Berlin
	tray := h.u.tray
	var tip string
	tray.setTip = func(s string) { tip = s }
	a := h.actor()
	client, err := h.svc.CreateClient(h.ctx, a, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Web", ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("early", &web, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), 90*time.Minute)
	h.external()
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.durationSel }, durationChoices[1])
	setDisplay(h, func(s *settingsScreen) *widget.Select { return s.clockSel }, clockChoices[1])

	h.u.show(3)
	h.wait()
	if got := h.u.projects.list.all; len(got) != 1 || got[0].subtitle != "Acme · 1.50 tracked" {
		t.Errorf("projects %+v", got)
	}
	h.u.show(4)
	h.wait()
	if got := h.u.clients.list.items; len(got) != 1 || got[0].subtitle != "1 project · 1.50 tracked" {
		t.Errorf("clients %+v", got)
	}

	trayToday := func() string {
		for _, it := range h.tray.menu.Items {
			if strings.HasPrefix(it.Label, "Today ") {
				return it.Label
			}
		}
		return ""
	}
	if got := trayToday(); got != "Today 1.50" || tip != "Stint: Not tracking\nToday 1.50" {
		t.Errorf("stopped: tray %q, tooltip %q", got, tip)
	}

	// Away from 13:00 to 13:45 in Berlin while a timer runs.
	h.clock.Set(time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC))
	h.u.show(0)
	h.wait()
	h.typeInto(h.u.timer.desc, "deep work")
	h.tap(h.u.timer.button)
	h.clock.Advance(time.Hour)
	h.u.idle.observe(0, h.clock.Now())
	h.clock.Advance(45 * time.Minute)
	h.u.idle.observe(45*time.Minute, h.clock.Now())
	h.clock.Advance(5 * time.Second)
	h.u.idle.observe(time.Second, h.clock.Now())
	if h.u.idle.dialog == nil {
		t.Fatal("not asked on return")
	}
	want := "You were away for 0.75, from 1:00 PM to 1:45 PM, while the timer ran."
	if got := strings.Join(overlayTexts(h), "\n"); !strings.Contains(got, want) {
		t.Errorf("idle dialog %q, want %q", got, want)
	}
	var away, today string
	for _, it := range h.tray.menu.Items {
		switch {
		case strings.HasPrefix(it.Label, "Away "):
			away = it.Label
		case strings.HasPrefix(it.Label, "Today "):
			today = it.Label
		}
	}
	if away != "Away 1:00 PM–1:45 PM, 0.75" {
		t.Errorf("tray away line %q", away)
	}
	// 1:30 earlier and 1:45 running: 1.50 + 1.75.
	if today != "Today 3.25" {
		t.Errorf("tray %q, want Today 3.25", today)
	}
	if tip != "Stint: 1.75  deep work\nToday 3.25" {
		t.Errorf("tooltip %q", tip)
	}
}
