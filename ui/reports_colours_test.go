//go:build !headless

package ui

import (
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// countColour counts img's pixels of colour c.
func countColour(img image.Image, c color.Color) int {
	r0, g0, b0, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a == 0xffff && r == r0 && g == g0 && bl == b0 {
				n++
			}
		}
	}
	return n
}

// TestReportsUseProjectColours: by project, the breakdown's bars and the table's dots are
// each project's own colour (as in the timer and the entries), not the palette's in turn;
// time without a project has no colour; by client the palette's colours stay.
func TestReportsUseProjectColours(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	palette := app.Palette()
	a := h.actor()
	web, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Website", Color: palette[6]})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Admin", Color: palette[3]})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, berlin) }
	h.entryAt("design", &web, at(23, 9), 3*time.Hour)
	h.entryAt("mail", &admin, at(25, 14), 2*time.Hour)
	h.entryAt("loose", nil, at(25, 17), time.Hour)
	h.external()
	s := h.reports()
	if len(s.groups) != 3 || s.groups[0].label != "Website" || s.groups[1].label != "Admin" {
		t.Fatalf("rows %+v", s.groups)
	}
	wantHex := []string{palette[6], palette[3], ""}
	for i, want := range wantHex {
		if got := s.dots[i].hex; got != want {
			t.Errorf("row %d (%s): dot %q, want %q", i, s.groups[i].label, got, want)
		}
	}
	img := s.drawBreakdown(400, 0)
	for i, hex := range wantHex[:2] {
		if countColour(img, parseHex(hex)) == 0 {
			t.Errorf("breakdown: no bar in %s's colour %s", s.groups[i].label, hex)
		}
	}
	if countColour(img, parseHex(palette[0])) != 0 {
		t.Errorf("breakdown: a bar in the palette's first colour, which no project has")
	}

	s.group.SetSelected("By client")
	h.wait()
	if got := s.dots[0].hex; got != palette[0] {
		t.Errorf("by client: dot %q, want the palette's first %q", got, palette[0])
	}
}
