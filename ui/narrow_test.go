//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"github.com/google/uuid"

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
			// The window's minimum is the narrow arrangement's whatever the arrangement now,
			// or a window shrunk from 1040 to 480 px would stop at the wide one's minimum and
			// need a second resize.
			if got := h.u.win.Content().MinSize().Width + h.u.windowPadding(); got > 480 || !h.u.win.Padded() && h.u.windowPadding() != 0 {
				t.Errorf("%s in a %v px window: the window needs %v px", h.u.screens[i].title(), c.window.Width, got)
			}
			// The screen fits beside the sidebar: the wide one from narrowBelow up.
			root := h.u.win.Content().(*fyne.Container).Objects[0].(*fyne.Container) // under the tip layer
			side := float32(sideNarrow)
			if !c.narrow {
				side = sideWide
			}
			if got := side + root.Objects[1].MinSize().Width + root.Objects[2].MinSize().Width; got > min(c.window.Width, narrowBelow) {
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

// TestNarrowRowsShowTheTags: a narrow window has no room for the project and span columns
// nor for the tags beside the description, which were cut to nothing. The row then shows a
// second line with the project, the span and the tags in short ("#alpha +3 $"), all of it
// inside the row. In a wide window the tags follow the description without running into
// the project column, also in a recycled row.
func TestNarrowRowsShowTheTags(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	var tags []uuid.UUID
	for _, n := range []string{"alpha", "beta", "gamma", "delta"} {
		tg, err := h.svc.CreateTag(h.ctx, h.actor(), app.TagInput{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tg.ID)
	}
	p := h.project("Acme website")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start, stop, yes := time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), true
	desc := "Landing page copy for the spring campaign and its three variants"
	if _, err := h.svc.CreateTimeEntry(h.ctx, h.actor(), app.TimeEntryInput{Description: desc, ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop,
		Billable: &yes, TagIDs: tags}); err != nil {
		t.Fatal(err)
	}
	h.entryAt("Standup", &p, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 15*time.Minute)
	h.external()
	h.u.show(0)
	h.wait()
	abs := func(o fyne.CanvasObject) fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	}
	h.u.win.Resize(fyne.NewSize(480, 680))
	h.wait()
	win := h.u.win.Canvas().Size()
	if !h.u.narrow {
		t.Fatal("a 480 px window is not narrow")
	}
	r := entryRowFor(t, h.u.timer.entries, desc)
	if !r.second.Visible() || r.second.Size().Height <= 0 {
		t.Fatal("no second line in a narrow row")
	}
	if got, want := r.shortMarks.seg.Text, "#alpha +3 $"; got != want {
		t.Fatalf("narrow row tags %q, want %q", got, want)
	}
	m := r.shortMarks
	if m.Size().Width < m.MinSize().Width || abs(m).X+m.Size().Width > win.Width || abs(m).X < abs(r.desc).X {
		t.Fatalf("narrow row tags at %v size %v (min %v) in a %v window", abs(m), m.Size(), m.MinSize(), win)
	}
	if !strings.HasPrefix(r.info.seg.Text, "Acme website · ") || r.info.Size().Width <= 0 {
		t.Fatalf("narrow row second line %q, %v wide", r.info.seg.Text, r.info.Size().Width)
	}
	if r.desc.Size().Width < 120 {
		t.Fatalf("narrow row description only %v wide", r.desc.Size().Width)
	}

	h.u.win.Resize(fyne.NewSize(1040, 680))
	h.wait()
	if h.u.narrow {
		t.Fatal("a 1040 px window is narrow")
	}
	for _, want := range []struct{ desc, marks string }{{desc, "#alpha #beta #gamma +1 $"}, {"Standup", ""}} {
		r := entryRowFor(t, h.u.timer.entries, want.desc)
		if r.second.Visible() {
			t.Fatalf("%s: second line in a wide row", want.desc)
		}
		if got := r.marks.seg.Text; got != want.marks {
			t.Fatalf("%s: wide row tags %q, want %q", want.desc, got, want.marks)
		}
		col := r.columns[0] // the project column
		if end := abs(r.marks).X + r.marks.Size().Width; end > abs(col).X+1 {
			t.Fatalf("%s: tags end at %v, into the project column at %v", want.desc, end, abs(col).X)
		}
		if want.marks != "" && r.marks.Size().Width < 40 {
			t.Fatalf("%s: tags only %v wide", want.desc, r.marks.Size().Width)
		}
	}
	// A recycled row takes the next entry's split: swap the rows' entries and look again.
	l := h.u.timer.entries
	l.items[0], l.items[1] = l.items[1], l.items[0]
	l.list.Refresh()
	h.wait()
	r = entryRowFor(t, l, desc)
	if end := abs(r.marks).X + r.marks.Size().Width; r.marks.Size().Width < 40 || end > abs(r.columns[0]).X+1 {
		t.Fatalf("recycled row: tags %v wide, ending at %v, project column at %v", r.marks.Size().Width, end, abs(r.columns[0]).X)
	}
}
