//go:build !headless

package ui

import (
	"testing"
	"time"
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
	var projects []string
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		p := h.project(n)
		projects = append(projects, p.Name)
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
	want := []string{"● 0:01  f", "Stop timer", "--", "f", "e", "d", "c", "b", "--", "Open Stint", "Quit Stint"}
	if len(got) != len(want) {
		t.Fatalf("menu %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("menu %q, want %q", got, want)
		}
	}
	if h.tray.icon != tray.iconOn || !h.tray.menu.Items[3].Checked {
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
	h.tray.menu.Items[5].Action() // d
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
	// Closing the window hides it when there is a tray.
	h.u.win.Close()
	_ = projects
}
