//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

func TestTrayMenu(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true})
	tray := h.u.tray
	if tray == nil || h.tray.menu == nil {
		t.Fatal("no tray menu")
	}
	if h.tray.icon != tray.iconOff || tray.status.Label != "Not tracking" || tray.toggle.Label != "Start timer" {
		t.Fatalf("idle tray: %q %q", tray.status.Label, tray.toggle.Label)
	}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		p := h.project(n)
		if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStartProject(p.ID)); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Minute)
	}
	h.external()
	labels := func() []string {
		var out []string
		for _, it := range h.tray.menu.Items {
			if it.IsSeparator {
				out = append(out, "--")
				continue
			}
			out = append(out, it.Label)
		}
		return out
	}
	got := labels()
	want := []string{"● 0:01  f", "Today 0:06", "Stop timer", "--", "f", "e", "d", "c", "b", "--", "Open Stint", "Quit Stint"}
	if len(got) != len(want) {
		t.Fatalf("menu %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("menu %q, want %q", got, want)
		}
	}
	if h.tray.icon != tray.iconOn || !h.tray.menu.Items[4].Checked {
		t.Fatal("running icon or current project mark missing")
	}
	// A reload that changes nothing in the menu keeps the menu the tray has (a new one
	// would give its items new ids under a tray host's feet).
	before := h.tray.menu
	h.u.reload()
	h.wait()
	if h.tray.menu != before {
		t.Fatal("an unchanged menu was handed to the tray again")
	}
	// Switch to a recent project from the menu.
	h.tray.menu.Items[6].Action() // d
	h.wait()
	if r := h.running(); r == nil || *r.ProjectID != h.u.cat.projects[3].ID {
		t.Fatalf("switch from tray: %+v", r)
	}
	// The elapsed time in the menu follows the minute.
	h.clock.Advance(2 * time.Minute)
	h.u.tick()
	if tray.status.Label != "● 0:02  d" {
		t.Fatalf("tray status %q", tray.status.Label)
	}
	// Stop from the tray.
	tray.toggle.Action()
	h.wait()
	if h.running() != nil || h.tray.icon != tray.iconOff {
		t.Fatal("tray stop")
	}
}

// TestCloseWindow presses the window's close button: with a tray host showing the icon the
// window hides and the app keeps running (the tray opens it again); without a host, or
// without a tray, nothing could bring the window back, so closing it quits.
func TestCloseWindow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tray       bool
		noTrayHost bool
		hides      bool
	}{
		{name: "tray host", tray: true, hides: true},
		{name: "tray without host", tray: true, noTrayHost: true},
		{name: "no tray", tray: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{workspace: true, tray: tc.tray, noTrayHost: tc.noTrayHost})
			w := h.window()
			if !w.visible || h.apps.quit {
				t.Fatalf("before close: visible %t, quit %t", w.visible, h.apps.quit)
			}
			w.pressClose()
			h.wait()
			if !tc.hides {
				if !h.apps.quit || !w.closed {
					t.Fatalf("close without a tray host: quit %t, window closed %t; want the app to quit", h.apps.quit, w.closed)
				}
				return
			}
			if h.apps.quit || w.closed || w.visible {
				t.Fatalf("close with a tray host: quit %t, window closed %t, visible %t; want it hidden and the app running",
					h.apps.quit, w.closed, w.visible)
			}
			// The tray brings the window back, and quits.
			item := func(label string) *fyne.MenuItem {
				for _, it := range h.tray.menu.Items {
					if it.Label == label {
						return it
					}
				}
				t.Fatalf("no %q in the tray menu", label)
				return nil
			}
			item("Open Stint").Action()
			h.wait()
			if !w.visible || h.apps.quit {
				t.Fatalf("Open Stint: visible %t, quit %t", w.visible, h.apps.quit)
			}
			item("Quit Stint").Action()
			h.wait()
			if !h.apps.quit {
				t.Fatal("Quit Stint did not quit")
			}
		})
	}
}

// TestTrayShowsTodaysTotal: the tray menu shows today's total as the timer screen does (the
// running entry counted to now, the same rounding), and the icon's tooltip the running entry
// and that total, both following the minute and a stop.
func TestTrayShowsTodaysTotal(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true}) // 10:00 in Berlin
	tray := h.u.tray
	var tip string
	tray.setTip = func(s string) { tip = s }
	tray.tip = ""
	p := h.project("Acme")
	h.entryAt("earlier", &p, h.clock.Now().Add(-2*time.Hour), 90*time.Minute+40*time.Second)
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("Pricing page")); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(4*time.Minute + 30*time.Second)
	h.external()
	h.u.tick()
	item := func() string {
		for _, it := range h.tray.menu.Items {
			if strings.HasPrefix(it.Label, "Today ") {
				return it.Label
			}
		}
		t.Fatalf("no today's total in the tray menu %q", labels(h.tray.menu))
		return ""
	}
	if got, want := item(), "Today "+h.u.timer.today.Text; got != want || got != "Today 1:34" {
		t.Fatalf("tray %q, timer screen %q; want Today 1:34 in both (1:30 on Acme, 0:04 running)", got, want)
	}
	if tip != "Stint: 0:04  Pricing page\nToday 1:34" {
		t.Fatalf("tooltip %q", tip)
	}
	// The next minute reaches the menu and the tooltip without a reload.
	h.clock.Advance(time.Minute)
	h.u.tick()
	if got := item(); got != "Today 1:35" || !strings.HasSuffix(tip, "Today 1:35") {
		t.Fatalf("after a minute: menu %q, tooltip %q", got, tip)
	}
	tray.toggle.Action() // stop
	h.wait()
	if got := item(); got != "Today 1:35" || tip != "Stint: Not tracking\nToday 1:35" {
		t.Fatalf("after stopping: menu %q, tooltip %q", got, tip)
	}
}

func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Label)
	}
	return out
}
