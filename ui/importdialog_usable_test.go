//go:build !headless

package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// TestImportDialogKeys: Escape closed the dialog from its text field only: on its
// buttons, selects, check box or problem list (Tab lands there, a click leaves the focus
// there) Fyne dropped it. Escape now closes the dialog from every one of them, and
// Ctrl+Enter imports from any field without starting the timer behind the dialog.
func TestImportDialogKeys(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	c := h.u.win.Canvas()
	for _, w := range []struct {
		name string
		of   func(d *importDialog) fyne.Focusable
	}{
		{"Choose file", func(d *importDialog) fyne.Focusable { return d.choose }},
		{"Format", func(d *importDialog) fyne.Focusable { return d.format }},
		{"Time zone", func(d *importDialog) fyne.Focusable { return d.zone }},
		{"People", func(d *importDialog) fyne.Focusable { return d.people }},
		{"Member", func(d *importDialog) fyne.Focusable { return d.member.button }},
		{"Skip problems", func(d *importDialog) fyne.Focusable { return d.skip }},
		{"Problems", func(d *importDialog) fyne.Focusable { return d.problems }},
		{"Cancel", func(d *importDialog) fyne.Focusable { return d.closeBtn }},
	} {
		d := h.openImportFile("toggl.csv", togglFile)
		if w.name == "Member" {
			d.people.SetSelected(peopleMember) // the member's picker shows
			h.wait()
		}
		c.Focus(w.of(d))
		if c.Focused() != w.of(d) {
			t.Fatalf("%s: cannot take the focus", w.name)
		}
		c.Focused().TypedKey(escape)
		h.wait()
		if h.dialogOpen() || len(h.u.modals) != 0 {
			t.Errorf("Escape on %s left the dialog open", w.name)
			h.u.closeModal()
			h.wait()
		}
	}

	// Ctrl+Enter from the zone field and from the check box imports; the timer stays off.
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	d := h.openImportFile("toggl.csv", togglFile)
	c.Focus(d.skip)
	h.u.shortcuts.handle(ctrlEnter) // a check box takes no shortcuts: the window's get it
	h.wait()
	if h.entryCount() != 0 {
		t.Fatal("Ctrl+Enter imported a file with problems")
	}
	test.Tap(d.skip)
	h.wait()
	d.zone.TypedShortcut(ctrlEnter)
	h.wait()
	if n := h.entryCount(); n != 3 || h.running() != nil {
		t.Fatalf("Ctrl+Enter in the zone field: %d entries, timer running %v", n, h.running() != nil)
	}
}

// failingFile is a chosen file whose reading fails.
type failingFile struct{ uri fyne.URI }

func (f failingFile) Read([]byte) (int, error) { return 0, errors.New("input/output error") }
func (f failingFile) Close() error             { return nil }
func (f failingFile) URI() fyne.URI            { return f.uri }

// TestImportDialogErrorsSayWhatToDo: a file that could not be read opened a second dialog
// saying only that something did not work, and a file read in the wrong format said
// why but not what to do. Both say it in the dialog now, with what to try.
func TestImportDialogErrorsSayWhatToDo(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	d := h.u.openImport()
	h.wait()
	d.read(failingFile{uri: storage.NewFileURI("/media/usb/hours.csv")})
	h.wait()
	if len(h.u.modals) != 1 {
		t.Errorf("%d dialogs open, want the Import dialog alone", len(h.u.modals))
	}
	if msg := d.errs.label.Text; d.errs.label.Hidden || !strings.Contains(msg, "hours.csv cannot be read (input/output error)") ||
		!strings.Contains(msg, "choose it again") || !d.importBtn.Disabled() {
		t.Errorf("unreadable file: %q (hidden %v), Import disabled %v", msg, d.errs.label.Hidden, d.importBtn.Disabled())
	}
	d.useFile("kimai.csv", []byte(togglFile))
	h.wait()
	d.format.SetSelected("Kimai (CSV)")
	h.wait()
	if msg := d.errs.label.Text; !strings.Contains(msg, "cannot be read as Kimai (CSV)") || !strings.Contains(msg, "choose another format under Format") {
		t.Errorf("wrong format: %q", msg)
	}
	d.format.SetSelectedIndex(0)
	h.wait()
	if !d.errs.label.Hidden || d.plan == nil {
		t.Errorf("detected again: error %q, plan %v", d.errs.label.Text, d.plan)
	}
}

// longTogglFile is a Toggl Track export with 90-character names and no zone.
func longTogglFile(project, client, desc string) string {
	return "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n" +
		fmt.Sprintf("Ada,ada@example.com,%s,%s,,%s,Yes,2026-03-02,09:00:00,2026-03-02,10:30:00,01:30:00,\n", client, project, desc) +
		"Ada,ada@example.com,,Internal,,Standup,No,2026-03-03,23:30:00,2026-03-04,00:15:00,00:45:00,\n"
}

// sampleTexts are the preview's rows.
func sampleTexts(d *importDialog) []string {
	var out []string
	for _, o := range d.sample.Objects {
		out = append(out, o.(*tip).content.(*widget.Label).Text)
	}
	return out
}

// TestImportDialogPreviewsTimesInTheUsersZone: the preview named no time at all, so a
// user could not see in which zone a file's naive times were read, nor check them. It
// now says which zone reads them and shows the first rows in the user's time zone, with
// the clock and duration settings.
func TestImportDialogPreviewsTimesInTheUsersZone(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	file := longTogglFile("Website", "Acme", "Header")
	d := h.openImportFile("toggl.csv", file)
	if got := d.zoneNote.Text; !strings.Contains(got, "read as times in Europe/Berlin, your time zone") {
		t.Errorf("zone note %q", got)
	}
	want := []string{"Mon 2 Mar 09:00–10:30 · 1:30 · Website · Header", "Tue 3 Mar 23:30–00:15 · 0:45 · Internal · Standup"}
	if got := sampleTexts(d); strings.Join(got, "\n") != strings.Join(want, "\n") || !strings.Contains(d.sampleHead.Text, "Europe/Berlin") {
		t.Errorf("preview %q under %q, want %q", got, d.sampleHead.Text, want)
	}
	// Read as New York times and shown in Berlin's, on a 12-hour clock with decimal hours.
	h.fyne.Preferences().SetString(prefClock, "12")
	h.fyne.Preferences().SetString(prefDuration, "decimal")
	h.typeInto(d.zone, "America/New_York")
	if got := d.zoneNote.Text; !strings.Contains(got, "read as times in America/New_York") || !strings.Contains(got, "your time zone, Europe/Berlin") {
		t.Errorf("zone note %q", got)
	}
	want = []string{"Mon 2 Mar 3:00 PM–4:30 PM · 1.50 · Website · Header", "Wed 4 Mar 5:30 AM–6:15 AM · 0.75 · Internal · Standup"}
	if got := sampleTexts(d); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("preview in New York times %q, want %q", got, want)
	}
	// A file whose times name their zone (Timewarrior's are UTC) asks for none, and says so.
	d = h.openImportFile("timew.json", `[{"id":1,"start":"20260302T080000Z","end":"20260302T093000Z","tags":["Website"],"annotation":"Header"}]`)
	if d.zoneRow.Visible() || !strings.HasPrefix(d.sampleHead.Text, "The file names the zone of its times") || !strings.Contains(d.sampleHead.Text, "Europe/Berlin") {
		t.Errorf("a file with zones: zone asked %v, preview under %q", d.zoneRow.Visible(), d.sampleHead.Text)
	}
	if got := sampleTexts(d); len(got) != 1 || !strings.HasPrefix(got[0], "Mon 2 Mar 9:00 AM–10:30 AM · 1.50") {
		t.Errorf("a file with zones: preview %q", got)
	}
}

// TestImportDialogLongNamesInANarrowWindow: with 90-character names (file, client,
// project, description) the dialog stays inside a 480 px window; the names end in an
// ellipsis, and the preview's rows and the file's name show whole on hover.
func TestImportDialogLongNamesInANarrowWindow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	long := func(s string) string { return strings.Repeat(s+" ", 90/len(s)+1)[:90] }
	project, client, desc := long("Quarterly planning"), long("Client"), long("Reconcile invoices")
	fileName := long("export") + ".csv"
	h.u.win.Resize(fyne.NewSize(480, 680))
	h.wait()
	d := h.openImportFile(fileName, longTogglFile(project, client, desc))
	top := h.u.win.Canvas().Overlays().Top()
	if w := top.MinSize().Width; w > 480 {
		t.Errorf("the dialog needs %v px in a 480 px window", w)
	}
	if strings.Contains(d.creates.Text, project) || !strings.Contains(d.creates.Text, ellipsize(project, nameMaxRunes)) || !strings.Contains(d.createsFull, project) {
		t.Errorf("creates %q", d.creates.Text)
	}
	hover := func(what string, tp *tip, want string) {
		t.Helper()
		tp.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{AbsolutePosition: fyne.NewPos(100, 200)}})
		if got := d.tips.showing(); !strings.Contains(got, want) {
			t.Errorf("%s: tip %q, want %q", what, got, want)
		}
		tp.MouseOut()
	}
	relayout(top)
	row := d.sample.Objects[0].(*tip)
	if l := row.content.(*widget.Label); !labelCut(l) || l.Size().Width > 440 {
		t.Errorf("the preview's row is %v px and not cut", l.Size().Width)
	}
	hover("preview row", row, project+" · "+desc)
	for _, o := range test.LaidOutObjects(top) {
		if tp, ok := o.(*tip); ok && tp.content == d.fileName {
			hover("file name", tp, fileName)
		}
	}
	// A member with a long name, given every row: the picker cuts the name, and shows it
	// whole when it has the focus.
	name := long("Bartholomew Fitzwilliam")
	if _, err := h.svc.AddMember(h.ctx, h.actor(), app.MemberInput{Name: name, Email: "bart@example.com", Role: app.RoleMember, Password: "correct horse battery staple"}); err != nil {
		t.Fatal(err)
	}
	d = h.openImportFile(fileName, longTogglFile(project, client, desc))
	d.people.SetSelected(peopleMember)
	h.wait()
	h.pick(d.member, "Bartholomew")
	top = h.u.win.Canvas().Overlays().Top()
	relayout(top)
	if w := top.MinSize().Width; w > 480 {
		t.Errorf("with a long member's name the dialog needs %v px", w)
	}
	if b := d.member.button; !strings.HasSuffix(b.Text, "…") || b.MinSize().Width > b.Size().Width {
		t.Errorf("the member's picker reads %q, needs %v px of %v", b.Text, b.MinSize().Width, b.Size().Width)
	}
	h.u.win.Canvas().Focus(d.member.button)
	if got := d.tips.showing(); got != name {
		t.Errorf("the focused member's picker: tip %q, want %q", got, name)
	}
}

// relayout lays o out again from the top, as a window does each frame when sizes change
// (Fyne's test canvas does not).
func relayout(o fyne.CanvasObject) {
	switch x := o.(type) {
	case *fyne.Container:
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
		for _, c := range x.Objects {
			relayout(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		r.Layout(x.Size())
		for _, c := range r.Objects() {
			relayout(c)
		}
	}
}
