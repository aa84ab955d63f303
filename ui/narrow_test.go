//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"github.com/stinthq/stint/app"
)

// TestLongNamesNeverWidenTheWindow: a 90-character project name (with a client) picked in
// the timer used to widen the window from 1040 to 1415 px. Every screen now fits the window
// it is in, the narrow arrangement fits 480 px, and the tray menu and catalog rows shorten
// long names instead of drawing them over their neighbours.
func TestLongNamesNeverWidenTheWindow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true})
	long := strings.Repeat("Quarterly planning ", 5)[:90]
	client, err := h.svc.CreateClient(h.ctx, h.actor(), app.ClientInput{Name: "A client whose name is also far too long to fit anywhere sensible"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.svc.CreateProject(h.ctx, h.actor(), app.ProjectInput{Name: long, ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt(long, &p, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Hour)
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStartProject(p.ID)); err != nil {
		t.Fatal(err)
	}
	h.external()
	for _, c := range []struct {
		window fyne.Size
		narrow bool
	}{{fyne.NewSize(1040, 680), false}, {fyne.NewSize(480, 680), true}} {
		for i := range h.u.screens {
			h.u.show(i)
			h.wait()
			h.u.win.Resize(c.window)
			if h.u.narrow != c.narrow {
				t.Fatalf("%v wide: narrow %v", c.window.Width, h.u.narrow)
			}
			// The wide arrangement must also fit below narrowBelow, or a window could
			// never shrink into the narrow one.
			limit := min(c.window.Width, narrowBelow)
			if got := h.u.win.Content().MinSize().Width; got > limit {
				t.Errorf("%s in a %v px window needs %v px", h.u.screens[i].title(), c.window.Width, got)
			}
		}
	}
	for _, it := range h.tray.menu.Items {
		if n := utf8.RuneCountInString(it.Label); n > nameMaxRunes+12 {
			t.Errorf("tray item of %d characters: %q", n, it.Label)
		}
	}
	// A catalog row: the name and the client share the line, clear of the buttons.
	c := h.u.projects.list
	o := c.createRow()
	c.items = []catalogItem{{id: p.ID, title: long, subtitle: client.Name}}
	c.updateRow(0, o)
	o.Resize(fyne.NewSize(420, 40))
	row := o.(*fyne.Container)
	text, buttons := row.Objects[0], row.Objects[len(row.Objects)-1]
	r := c.rows[o]
	if text.Position().X+text.Size().Width > buttons.Position().X || r.title.Size().Width+r.subtitle.Size().Width > text.Size().Width+1 || r.subtitle.Size().Width <= 0 {
		t.Fatalf("row: text %v+%v, buttons at %v, title %v, client %v", text.Position(), text.Size(), buttons.Position(), r.title.Size(), r.subtitle.Size())
	}
}
