//go:build !headless

package ui

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// reportsHarness is a workspace on Thursday 2026-11-26 (Berlin) with time this week on a
// client's project (billable), on a project of no client, and last week.
func reportsHarness(t *testing.T) (*harness, *reportsScreen) {
	t.Helper()
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	a := h.actor()
	client, err := h.svc.CreateClient(h.ctx, a, app.ClientInput{Name: "Łódź Café"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: "Website", ClientID: &client.ID, Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	admin := h.project("Admin")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, berlin) }
	h.entryAt("design", &web, at(23, 9), 3*time.Hour)
	h.entryAt("copy", &web, at(25, 9), 2*time.Hour+30*time.Minute)
	h.entryAt("mail", &admin, at(25, 14), 45*time.Minute)
	h.entryAt("old", &admin, at(17, 9), time.Hour)
	h.external()
	s := h.reports()
	return h, s
}

// reports shows the Reports screen and returns it.
func (h *harness) reports() *reportsScreen {
	h.t.Helper()
	for i, sc := range h.u.screens {
		if r, ok := sc.(*reportsScreen); ok {
			h.u.show(i)
			h.wait()
			return r
		}
	}
	h.t.Fatal("no Reports screen in the sidebar")
	return nil
}

// TestReportsScreen: the week's bars per day, the table by project with its shares and a
// total that adds up the rows, and the filters: group by client, billable only, last week,
// a custom range, one project.
func TestReportsScreen(t *testing.T) {
	h, s := reportsHarness(t)
	if got := h.u.win.Title(); got != "Reports – Stint" {
		t.Errorf("title %q", got)
	}
	bar := func(label string, secs int64) export.Bar {
		return export.Bar{Label: label, Seconds: secs, Text: app.FormatMinuteCount(secs / 60)}
	}
	wantBars := []export.Bar{bar("Mon 23", 3*3600), bar("Tue 24", 0), bar("Wed 25", 3*3600+15*60), bar("Thu 26", 0), bar("Fri 27", 0),
		bar("Sat 28", 0), bar("Sun 29", 0)}
	if !reflect.DeepEqual(s.bars, wantBars) {
		t.Errorf("bars %v, want %v", s.bars, wantBars)
	}
	check := func(what string, want [][]string) {
		t.Helper()
		if !reflect.DeepEqual(s.cells, want) {
			t.Errorf("%s: table %q, want %q", what, s.cells, want)
		}
	}
	check("by project", [][]string{{"Website", "5:30", "88%"}, {"Admin", "0:45", "12%"}, {"Total", "6:15", ""}})
	if len(s.dots) != 3 || !s.dots[0].circle.Visible() || s.dots[2].circle.Visible() {
		t.Errorf("dots: want the rows' colours and none beside the total")
	}
	if s.rangeLabel.Text != "23 – 29 November 2026" || !strings.HasPrefix(s.total.Text, "Total 6:15") {
		t.Errorf("heading %q, total %q", s.rangeLabel.Text, s.total.Text)
	}

	s.group.SetSelected("By client")
	h.wait()
	check("by client", [][]string{{"Łódź Café", "5:30", "88%"}, {"(no client)", "0:45", "12%"}, {"Total", "6:15", ""}})
	if s.groupHead.Text != "By client" {
		t.Errorf("breakdown heading %q", s.groupHead.Text)
	}

	s.billable.SetSelectedIndex(1)
	h.wait()
	check("billable", [][]string{{"Łódź Café", "5:30", "100%"}, {"Total", "5:30", ""}})
	s.billable.SetSelectedIndex(0)
	s.group.SetSelected("By project")

	s.rangeSel.SetSelected("Last week")
	h.wait()
	check("last week", [][]string{{"Admin", "1:00", "100%"}, {"Total", "1:00", ""}})

	s.rangeSel.SetSelected("This month")
	h.wait()
	if len(s.bars) != 30 || s.query.From != "2026-11-01" || s.query.To != "2026-11-30" {
		t.Errorf("this month: %d bars, %s to %s", len(s.bars), s.query.From, s.query.To)
	}

	s.rangeSel.SetSelected("Custom")
	h.wait()
	if !s.custom.Visible() {
		t.Fatal("custom range shows no days to type")
	}
	h.typeInto(s.from, "2026-11-25")
	h.typeInto(s.to, "2026-11-25")
	h.enter(s.to)
	check("one day", [][]string{{"Website", "2:30", "77%"}, {"Admin", "0:45", "23%"}, {"Total", "3:15", ""}})

	h.pick(s.project, "Admin")
	check("one project", [][]string{{"Admin", "0:45", "100%"}, {"Total", "0:45", ""}})

	h.typeInto(s.to, "2026-11-01")
	h.enter(s.to)
	if !s.errs.label.Visible() || !strings.Contains(s.errs.label.Text, "before") {
		t.Errorf("a range ending before it starts: %q", s.errs.label.Text)
	}
}

// TestReportsEmptyAndCharts: a range with no time shows the empty state; the charts draw
// bars in the theme's primary colour, the longer day's bar the taller.
func TestReportsEmptyAndCharts(t *testing.T) {
	h, s := reportsHarness(t)
	img := s.drawPeriods(700, 180)
	mon, wed := columnInk(img, 0.12, 0.2), columnInk(img, 0.36, 0.46)
	if mon == 0 || wed <= mon {
		t.Errorf("bar ink: Monday %d, Wednesday %d; want Wednesday's (3:15) above Monday's (3:00)", mon, wed)
	}
	if b, want := s.drawBreakdown(500, 60), export.BreakdownHeight(2, s.chartStyle()); b.Bounds().Dy() != want {
		t.Errorf("breakdown %v high, want %d for two bars", b.Bounds(), want)
	}
	s.rangeSel.SetSelected("Custom")
	h.typeInto(s.from, "2026-10-01")
	h.typeInto(s.to, "2026-10-07")
	h.enter(s.to)
	if !s.empty.Visible() || s.body.Visible() {
		t.Errorf("no time: empty state %v, body %v", s.empty.Visible(), s.body.Visible())
	}
}

// columnInk counts the opaque pixels in a band of an image's columns (from and to as shares
// of its width): how much a bar there paints.
func columnInk(img image.Image, from, to float64) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X + int(from*float64(b.Dx())); x < b.Min.X+int(to*float64(b.Dx())); x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0xf000 {
				n++
			}
		}
	}
	return n
}

// TestReportsExport: Export opens a dialog with the formats and a path named for the
// range; Ctrl+Enter exports (never starting the timer behind it) and the file gets the
// report shown (or its entries), read back here format by format; a name still as
// suggested follows the format.
func TestReportsExport(t *testing.T) {
	h, s := reportsHarness(t)
	h.tap(s.exportBtn)
	d := s.exporting
	if d == nil || !h.dialogOpen() {
		t.Fatal("Export opened no dialog")
	}
	for i, k := range exportKinds {
		if d.format.Options[i] != k.label {
			t.Errorf("format %d is %q, want %q", i, d.format.Options[i], k.label)
		}
	}
	if got := filepath.Base(d.path.Text); got != "stint-report-2026-11-23-2026-11-29.pdf" || !filepath.IsAbs(d.path.Text) {
		t.Errorf("suggested path %q", d.path.Text)
	}
	if d.path.CursorColumn != len([]rune(d.path.Text)) {
		t.Errorf("cursor at %d of %q: the file's name is out of view", d.path.CursorColumn, d.path.Text)
	}
	d.format.SetSelectedIndex(5)
	if got := filepath.Base(d.path.Text); got != "stint-entries-2026-11-23-2026-11-29.csv" {
		t.Errorf("the suggestion for entries as CSV is %q", got)
	}
	d.dialog.Hide()

	dir := t.TempDir()
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	for i, k := range exportKinds {
		t.Run(k.label, func(t *testing.T) {
			h.tap(s.exportBtn)
			d := s.exporting
			d.format.SetSelectedIndex(i)
			name := s.fileName(k)
			if !strings.HasPrefix(name, "stint-") || !strings.HasSuffix(name, "-2026-11-23-2026-11-29."+string(k.format)) {
				t.Errorf("suggested name %q", name)
			}
			path := filepath.Join(dir, name)
			h.typeInto(d.path, path)
			d.path.TypedShortcut(ctrlEnter)
			h.wait()
			if s.saved != path || s.exporting != nil || h.dialogOpen() {
				t.Fatalf("saved %q, want %q; dialog still open %v: %q", s.saved, path, h.dialogOpen(), d.errs.label.Text)
			}
			if h.u.running != nil || h.running() != nil {
				t.Fatal("Ctrl+Enter in the Export dialog started the timer")
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkExported(t, k, b)
			if want := "Saved " + path; s.note.Text != want || !s.noteBox.Visible() || s.total.Text != "Total 6:15" {
				t.Errorf("note %q (shown %v), total %q; want %q", s.note.Text, s.note.Visible(), s.total.Text, want)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// checkExported reads an exported file back.
func checkExported(t *testing.T, k exportKind, b []byte) {
	t.Helper()
	text := string(b)
	switch {
	case k.format == export.PDF:
		if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 5000 {
			t.Errorf("PDF of %d bytes", len(b))
		}
	case k.format == export.XLSX:
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet, rows := export.SummarySheet, 4 // heading, Website, Admin, total
		if k.detailed {
			sheet, rows = export.DetailedSheet, 5 // heading, three entries, total
		}
		got, err := f.GetRows(sheet)
		if err != nil || len(got) != rows || got[len(got)-1][0] != "Total" {
			t.Errorf("%s: %q, %v", sheet, got, err)
		}
	case k.format == export.CSV && !k.detailed:
		if text != "Project,Duration,Seconds\r\nAdmin,0:45,2700\r\nWebsite,5:30,19800\r\nTotal,6:15,22500\r\n" {
			t.Errorf("CSV:\n%s", text)
		}
	case k.format == export.CSV:
		if !strings.HasPrefix(text, "Date,Start,End") || strings.Count(text, "\r\n") != 4 || !strings.Contains(text, "Łódź Café") {
			t.Errorf("entries CSV:\n%s", text)
		}
	case k.format == export.JSON:
		if !strings.Contains(text, `"total_seconds": 22500`) {
			t.Errorf("JSON:\n%s", text)
		}
	case k.format == export.ICS:
		if strings.Count(text, "BEGIN:VEVENT") != 3 || !strings.Contains(text, "SUMMARY:design (Website)") {
			t.Errorf("calendar:\n%s", text)
		}
	}
}

// TestReportsNarrow: a window laid out wide shrinks to 480 px as a window manager shrinks
// it (never below the content's minimum), the filters then stack two by two and nothing
// needs more than the window.
func TestReportsNarrow(t *testing.T) {
	h, s := reportsHarness(t)
	h.u.win.Resize(fyne.NewSize(1040, 680))
	test.LaidOutObjects(h.u.win.Content()) // lay the wide arrangement out
	// Shrink as a window manager does: never below the content's minimum, which is asked
	// again after each layout.
	for range 5 {
		h.u.win.Resize(fyne.NewSize(max(480, h.u.win.Content().MinSize().Width), 680))
		test.LaidOutObjects(h.u.win.Content())
	}
	h.wait()
	if !h.u.narrow {
		t.Fatal("not narrow at 480 px")
	}
	if w := h.u.win.Content().MinSize().Width; w > 480 {
		t.Errorf("Reports needs %v px at 480", w)
	}
	if s.periods.Size().Width <= 0 || s.periods.Size().Width > 480 {
		t.Errorf("chart %v wide in a 480 px window", s.periods.Size().Width)
	}
}

// TestReportsShortcut: Ctrl+9 opens Reports.
func TestReportsShortcut(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.Key9, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if _, ok := h.u.screens[h.u.current].(*reportsScreen); !ok || h.u.win.Title() != "Reports – Stint" {
		t.Errorf("Ctrl+9 shows %q", h.u.win.Title())
	}
}
