//go:build !headless

package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// togglFile is a Toggl Track export of three rows by one person without a zone, and a row
// whose start date does not exist (line 5).
const togglFile = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n" +
	"Ada,ada@example.com,Acme,Website,Design,Header,Yes,2026-03-02,09:00:00,2026-03-02,10:30:00,01:30:00,\"design, web\"\n" +
	"Ada,ada@example.com,,Internal,,Standup,No,2026-03-03,09:00:00,2026-03-03,09:15:00,00:15:00,\n" +
	"Ada,ada@example.com,Acme,Website,,Review,Yes,2026-03-04,14:00:00,2026-03-04,15:00:00,01:00:00,web\n" +
	"Ada,ada@example.com,Acme,Website,,Broken,Yes,2026-02-30,14:00:00,2026-02-30,15:00:00,01:00:00,web\n"

// entryCount is how many entries the organization has.
func (h *harness) entryCount() int {
	h.t.Helper()
	return len(h.allEntries())
}

// allEntries are the organization's entries.
func (h *harness) allEntries() []app.TimeEntry {
	h.t.Helper()
	es, err := app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return h.svc.TimeEntries(h.ctx, h.actor(), app.EntryQuery{ListParams: lp})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

// openImportFile opens the Import dialog and hands it a file, as the file dialog would.
func (h *harness) openImportFile(name, data string) *importDialog {
	h.t.Helper()
	d := h.u.openImport()
	h.wait()
	d.useFile(name, []byte(data))
	h.wait()
	return d
}

// problemRows are the problem list's rows as shown.
func problemRows(d *importDialog) []string {
	var out []string
	for i := range d.problems.Length() {
		o := d.problems.CreateItem()
		d.problems.UpdateItem(i, o)
		out = append(out, o.(*tip).content.(*widget.Label).Text)
	}
	return out
}

// TestImportDialogPreview: a file without a zone asks for one (the user's by default),
// the preview counts the entries and names what the import creates and each problem with
// its line, and nothing is written; Import stays off while the file has problems, and
// comes on for the other rows when the user chooses to skip them.
func TestImportDialogPreview(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	d := h.openImportFile("toggl.csv", togglFile)
	if d.zoneRow.Hidden || d.zone.Text != "Europe/Berlin" {
		t.Errorf("zone row hidden %v, zone %q; want it shown with the user's zone", d.zoneRow.Hidden, d.zone.Text)
	}
	if got := d.format.Selected; got != "Detected: Toggl Track (CSV)" {
		t.Errorf("format choice %q", got)
	}
	if want := "Toggl Track (CSV), 4 rows: 3 new entries (2:45) to import."; d.summary.Text != want {
		t.Errorf("summary %q, want %q", d.summary.Text, want)
	}
	for _, want := range []string{"1 new client: Acme", "2 new projects: Website, Internal", "1 new task: Website / Design", "2 new tags: design, web"} {
		if !strings.Contains(d.creates.Text, want) {
			t.Errorf("creates %q lacks %q", d.creates.Text, want)
		}
	}
	if !d.problemsBox.Visible() || !strings.HasPrefix(d.problemsHead.Text, "1 problem:") {
		t.Errorf("problems shown %v, head %q", d.problemsBox.Visible(), d.problemsHead.Text)
	}
	if rows := problemRows(d); len(rows) != 1 || !strings.HasPrefix(rows[0], "Line 5: ") || !strings.Contains(rows[0], "2026-02-30") {
		t.Errorf("problem rows %q", rows)
	}
	if !d.importBtn.Disabled() {
		t.Error("Import is on while the file has problems")
	}
	if n := h.entryCount(); n != 0 {
		t.Fatalf("the preview wrote %d entries", n)
	}

	test.Tap(d.skip)
	h.wait()
	if d.importBtn.Disabled() || d.importBtn.Text != "Import 3 entries" {
		t.Errorf("with problems skipped: Import disabled %v, %q", d.importBtn.Disabled(), d.importBtn.Text)
	}
	if !strings.Contains(d.problemsHead.Text, "skipped") {
		t.Errorf("problems head %q", d.problemsHead.Text)
	}

	// Another zone moves the entries; a zone that does not exist keeps the last preview
	// until it is one, and Enter on it says what is wrong.
	h.typeInto(d.zone, "Nowhere/Atlantis")
	h.enter(d.zone)
	if d.errs.label.Hidden || !d.importBtn.Disabled() {
		t.Errorf("an unknown zone: error %q (hidden %v), Import disabled %v", d.errs.label.Text, d.errs.label.Hidden, d.importBtn.Disabled())
	}
	h.typeInto(d.zone, "America/New_York")
	if !d.errs.label.Hidden || d.importBtn.Disabled() {
		t.Errorf("a known zone: error %q, Import disabled %v", d.errs.label.Text, d.importBtn.Disabled())
	}
}

// TestImportDialogImports: Import writes the entries with the progress bar following each
// batch, says what it did, and reloads the window; the same file again creates nothing.
func TestImportDialogImports(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	d := h.openImportFile("toggl.csv", togglFile)
	test.Tap(d.skip)
	h.wait()
	d.batchSize = 1
	test.Tap(d.importBtn)
	// Run the background import to its end, then its UI callbacks one by one: each batch
	// moves the bar before the result replaces it.
	h.u.wg.Wait()
	h.mu.Lock()
	queued := h.queue
	h.queue = nil
	h.mu.Unlock()
	var bar []float64
	for _, f := range queued {
		f()
		if d.progress.Visible() {
			bar = append(bar, d.progress.Value)
		}
	}
	h.wait()
	if len(bar) != 3 || bar[0] != 1 || bar[2] != 3 || d.progress.Max != 3 {
		t.Errorf("progress %v of %v, want 1, 2, 3 of 3", bar, d.progress.Max)
	}
	if d.progress.Visible() || d.importBtn.Visible() || d.closeBtn.Text != "Close" {
		t.Errorf("after the import: bar shown %v, Import shown %v, close %q", d.progress.Visible(), d.importBtn.Visible(), d.closeBtn.Text)
	}
	if want := "Imported 3 entries (2:45)."; d.summary.Text != want {
		t.Errorf("result %q, want %q", d.summary.Text, want)
	}
	if !strings.Contains(d.creates.Text, "Created 2 projects: Website, Internal") || !strings.HasPrefix(d.problemsHead.Text, "Skipped 1 row") {
		t.Errorf("result creates %q, problems %q", d.creates.Text, d.problemsHead.Text)
	}
	if n := h.entryCount(); n != 3 {
		t.Fatalf("%d entries written, want 3", n)
	}
	if !slices.ContainsFunc(h.u.cat.projects, func(p app.Project) bool { return p.Name == "Website" }) {
		t.Error("the window's catalog was not reloaded: no Website project")
	}
	h.tap(d.closeBtn)
	if h.dialogOpen() {
		t.Error("Close left the dialog open")
	}

	again := h.openImportFile("toggl.csv", togglFile)
	test.Tap(again.skip)
	h.wait()
	if want := "Toggl Track (CSV), 4 rows: 0 new entries to import; 3 entries were already imported."; again.summary.Text != want {
		t.Errorf("second preview %q, want %q", again.summary.Text, want)
	}
	if !again.creates.Hidden || !again.importBtn.Disabled() {
		t.Errorf("second preview: creates %q, Import disabled %v", again.creates.Text, again.importBtn.Disabled())
	}
	if n := h.entryCount(); n != 3 {
		t.Fatalf("%d entries after the second preview, want 3", n)
	}
}

// TestImportDialogCancel: Cancel during an import stops it after the batch being written;
// the dialog says how many were written and that importing again adds the rest.
func TestImportDialogCancel(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	d := h.openImportFile("toggl.csv", togglFile)
	test.Tap(d.skip)
	h.wait()
	d.batchSize = 1
	// Cancel is pressed while the first batch's progress is on its way to the window: the
	// import stops before the next batch, and the press is handled before the result shows.
	queue := h.u.do
	pressed := false
	h.u.do = func(f func()) {
		if !pressed {
			pressed = true
			d.cancel()
			queue(d.closeBtn.OnTapped)
		}
		queue(f)
	}
	test.Tap(d.importBtn)
	h.wait()
	h.u.do = queue
	if n := h.entryCount(); n != 1 {
		t.Fatalf("%d entries written, want the first batch's 1", n)
	}
	if want := "Cancelled after 1 entry (1:30); importing the file again adds the rest and creates nothing twice."; d.summary.Text != want {
		t.Errorf("after Cancel %q, want %q", d.summary.Text, want)
	}
	if d.closeBtn.Text != "Close" || d.closeBtn.Disabled() || d.errs.label.Visible() {
		t.Errorf("after Cancel: close %q (disabled %v), error %q", d.closeBtn.Text, d.closeBtn.Disabled(), d.errs.label.Text)
	}
	h.tap(d.closeBtn)
	if h.dialogOpen() {
		t.Error("Close after Cancel left the dialog open")
	}

	again := h.openImportFile("toggl.csv", togglFile)
	test.Tap(again.skip)
	h.wait()
	if want := "Toggl Track (CSV), 4 rows: 2 new entries (1:15) to import; 1 entry was already imported."; again.summary.Text != want {
		t.Errorf("preview after Cancel %q, want %q", again.summary.Text, want)
	}
}

// TestImportDialogFormatAndPeople: a file Stint cannot place says so and the format can be
// named; a manager can give every row to one member.
func TestImportDialogFormatAndPeople(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	bob, err := h.svc.AddMember(h.ctx, h.actor(), app.MemberInput{Name: "Bob", Email: "bob@example.com", Role: app.RoleMember, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	d := h.openImportFile("hours.txt", "what,when\nthis,then\n")
	if d.errs.label.Hidden || !strings.Contains(d.errs.label.Text, "cannot tell") || !d.importBtn.Disabled() {
		t.Errorf("unknown format: %q, Import disabled %v", d.errs.label.Text, d.importBtn.Disabled())
	}
	d.format.SetSelected("Toggl Track (CSV)")
	h.wait()
	if !strings.Contains(d.errs.label.Text, "cannot be read as Toggl Track (CSV)") {
		t.Errorf("read as Toggl: %q", d.errs.label.Text)
	}
	d.useFile("toggl.csv", []byte(togglFile))
	h.wait()
	if !d.errs.label.Hidden || d.plan == nil || d.plan.Format != "toggl" {
		t.Errorf("a Toggl file read as Toggl: %q, plan %v", d.errs.label.Text, d.plan)
	}

	d = h.openImportFile("toggl.csv", togglFile)
	if d.people.Selected != peopleByEmail {
		t.Errorf("a team's default %q, want %q", d.people.Selected, peopleByEmail)
	}
	// By e-mail, ada@example.com is nobody here: the owner's import adds her.
	if !strings.Contains(d.creates.Text, "1 new member: ada@example.com") {
		t.Errorf("creates %q", d.creates.Text)
	}
	d.people.SetSelected(peopleMember)
	h.wait()
	if !d.member.button.Visible() || !d.memberRow.Visible() || !d.errs.label.Visible() {
		t.Fatalf("one member: member choice shown %v, error %q", d.member.button.Visible(), d.errs.label.Text)
	}
	h.pick(d.member, "bob")
	d.skip.SetChecked(true)
	h.wait()
	if strings.Contains(d.creates.Text, "member") || d.importBtn.Disabled() {
		t.Fatalf("as Bob's: creates %q, Import disabled %v", d.creates.Text, d.importBtn.Disabled())
	}
	h.tap(d.importBtn)
	es := h.allEntries()
	for _, e := range es {
		if e.UserID != bob.UserID {
			t.Errorf("entry %q is %v's, want Bob's", e.Description, e.UserID)
		}
	}
	if len(es) != 3 {
		t.Errorf("%d entries, want 3", len(es))
	}
}

// TestImportDialogNarrow: the dialog fits a 480 px window, reached from the Reports screen
// and Ctrl+I.
func TestImportDialogNarrow(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.win.Resize(fyne.NewSize(480, 680))
	for i, s := range h.u.screens {
		if s.title() == "Reports" {
			h.u.show(i)
		}
	}
	h.wait()
	var importBtn *widget.Button
	for _, o := range test.LaidOutObjects(h.u.content) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Import" {
			importBtn = b
		}
	}
	if importBtn == nil {
		t.Fatal("the Reports screen has no Import button")
	}
	h.tap(importBtn)
	if !h.dialogOpen() {
		t.Fatal("Import opened no dialog")
	}
	top := h.u.win.Canvas().Overlays().Top()
	if w := top.MinSize().Width; w > 480 {
		t.Errorf("the dialog needs %v px in a 480 px window", w)
	}
	h.u.closeModal()
	h.wait()
	h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if !h.dialogOpen() {
		t.Error("Ctrl+I opened no dialog")
	}
}
