//go:build !headless

package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// TestReportsAddUpAsTheTimesheet: the Reports screen counts time as the timer and the
// timesheet do (a project's whole minutes on each day), so its week by project has the
// timesheet's totals; and its rows add up to its total in h:mm and in decimal hours (three
// 0:20 show 0.33 each and 0.99 together, as the timesheet has it), the charts writing
// durations the same way.
func TestReportsAddUpAsTheTimesheet(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, berlin) }
	a, b, c := h.project("Alpha"), h.project("Beta"), h.project("Gamma")
	h.entryAt("one", &a, at(23, 9), 20*time.Minute+30*time.Second)
	h.entryAt("two", &a, at(24, 9), 20*time.Minute+30*time.Second)
	h.entryAt("three", &b, at(25, 9), 20*time.Minute)
	h.entryAt("four", &c, at(25, 10), 20*time.Minute)
	h.external()

	for _, tc := range []struct {
		duration string
		table    [][]string
		wed      string // Wednesday's bar
	}{
		{"hmm", [][]string{{"Alpha", "0:40", "50%"}, {"Beta", "0:20", "25%"}, {"Gamma", "0:20", "25%"}, {"Total", "1:20", ""}}, "0:40"},
		{"decimal", [][]string{{"Alpha", "0.66", "50%"}, {"Beta", "0.33", "25%"}, {"Gamma", "0.33", "25%"}, {"Total", "1.32", ""}}, "0.66"},
	} {
		t.Run(tc.duration, func(t *testing.T) {
			h.fyne.Preferences().SetString(prefDuration, tc.duration)
			h.u.show(2) // the timesheet
			h.wait()
			sheet := h.u.timesheet.cells
			sheetTotal := sheet[len(sheet)-1][len(sheet[0])-1].Text
			s := h.reports()
			if !reflect.DeepEqual(s.cells, tc.table) {
				t.Errorf("table %q, want %q", s.cells, tc.table)
			}
			want := tc.table[len(tc.table)-1][1]
			if sheetTotal != want || s.total.Text != "Total "+want {
				t.Errorf("timesheet's total %s, Reports' %q; want both %s", sheetTotal, s.total.Text, want)
			}
			if len(s.bars) != 7 || s.bars[2].Text != tc.wed {
				t.Errorf("bars %v; want Wednesday's written %s", s.bars, tc.wed)
			}
			if bars := groupBars(s.groups, s.colours, h.u.display()); len(bars) != 3 || bars[0].Text != tc.table[0][1] {
				t.Errorf("breakdown bars %v; want Alpha's written %s", bars, tc.table[0][1])
			}
		})
	}
}

// TestReportsDisplayWeek: the first day of the week in Settings sets This week, Last week
// and the weeks of a long range's chart.
func TestReportsDisplayWeek(t *testing.T) {
	h, s := reportsHarness(t)
	h.fyne.Preferences().SetString(prefWeek, "sunday")
	s.rangeSel.SetSelected("Last week")
	s.rangeSel.SetSelected("This week")
	h.wait()
	if s.query.From != "2026-11-22" || s.query.To != "2026-11-28" || s.rangeLabel.Text != "22 – 28 November 2026" {
		t.Errorf("this week from Sunday: %s to %s, %q", s.query.From, s.query.To, s.rangeLabel.Text)
	}
	if len(s.bars) != 7 || s.bars[0].Label != "Sun 22" {
		t.Errorf("bars %v, want Sun 22 first", s.bars)
	}
	s.rangeSel.SetSelected("Custom")
	h.typeInto(s.from, "2026-10-01")
	h.typeInto(s.to, "2026-11-28")
	h.enter(s.to)
	if s.period != app.GroupWeek || len(s.bars) == 0 || s.bars[0].Label != "27 Sep" {
		t.Fatalf("weeks from Sunday: %s, %v", s.period, s.bars)
	}
	var sum int64
	for _, b := range s.bars {
		sum += b.Seconds
	}
	if want := int64(7*3600 + 15*60); sum != want || s.bars[len(s.bars)-1] != (export.Bar{Label: "22 Nov", Seconds: 6*3600 + 15*60, Text: "6:15"}) {
		t.Errorf("weeks %v (%d s), want the last 22 Nov at 6:15 and %d s in all", s.bars, sum, want)
	}
}

// TestReportsMemberFilterFollowsTheRole: the member filter shows for the role the user has
// now, not the one the screen was built with: a member sees only their own time and no
// filter; promoted (as a sync brings it), the filter appears with the members and the
// report covers everyone's time; demoted again, it goes, with any member chosen.
func TestReportsMemberFilterFollowsTheRole(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	ada := h.actor()
	boss, err := h.svc.AddMember(h.ctx, ada, app.MemberInput{Name: "Bea Boss", Email: "bea@example.com", Role: app.RoleOwner,
		Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	bea := ada
	bea.UserID, bea.Role = boss.UserID, app.RoleOwner
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, berlin)
	stop := start.Add(2 * time.Hour)
	if _, err := h.svc.CreateTimeEntry(h.ctx, bea, app.TimeEntryInput{Description: "Bea's", StartedAt: start, StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	h.entryAt("Ada's", nil, start.Add(3*time.Hour), time.Hour)
	setRole := func(r app.Role) {
		t.Helper()
		m, err := h.svc.Member(h.ctx, bea, ada.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.UpdateMember(h.ctx, bea, ada.UserID, app.MemberPatch{Role: &r}, m.Version); err != nil {
			t.Fatal(err)
		}
		h.external() // the poll notices the change, as after a sync round
	}
	setRole(app.RoleMember)
	s := h.reports()
	if s.userBox.Visible() || s.total.Text != "Total 1:00" {
		t.Fatalf("member: filter shown %v, %q; want no filter and their own hour", s.userBox.Visible(), s.total.Text)
	}

	setRole(app.RoleManager)
	if !s.userBox.Visible() || s.total.Text != "Total 3:00" {
		t.Fatalf("promoted: filter shown %v, %q; want the filter and everyone's 3:00", s.userBox.Visible(), s.total.Text)
	}
	h.pick(s.user, "Bea")
	if s.query.UserID == nil || *s.query.UserID != boss.UserID || s.total.Text != "Total 2:00" {
		t.Fatalf("Bea picked: %v, %q", s.query.UserID, s.total.Text)
	}

	setRole(app.RoleMember)
	if s.userBox.Visible() || s.user.selected != nil || s.total.Text != "Total 1:00" {
		t.Errorf("demoted: filter shown %v, picked %v, %q; want their own hour", s.userBox.Visible(), s.user.selected, s.total.Text)
	}
	if !s.errs.label.Hidden || h.dialogOpen() {
		t.Errorf("demoted: error %q, dialog %q", s.errs.label.Text, h.overlayText())
	}
}

// longNamesHarness is a week with 90-character names everywhere a report shows one: a
// project of a client, a task, a tag and a member, each with time.
func longNamesHarness(t *testing.T) (*harness, *reportsScreen, string) {
	t.Helper()
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	h.u.tipDelay = 0
	long := strings.Repeat("Quarterly planning ", 5)[:90]
	a := h.actor()
	client, err := h.svc.CreateClient(h.ctx, a, app.ClientInput{Name: "Client " + long})
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.svc.CreateProject(h.ctx, a, app.ProjectInput{Name: long, ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	task, err := h.svc.CreateTask(h.ctx, a, app.TaskInput{ProjectID: p.ID, Name: "Task " + long})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := h.svc.CreateTag(h.ctx, a, app.TagInput{Name: "tag-" + long})
	if err != nil {
		t.Fatal(err)
	}
	m, err := h.svc.AddMember(h.ctx, a, app.MemberInput{Name: "Member " + long, Email: "m@example.com", Role: app.RoleMember,
		Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, berlin)
	stop := start.Add(2 * time.Hour)
	if _, err := h.svc.CreateTimeEntry(h.ctx, a, app.TimeEntryInput{Description: long, ProjectID: &p.ID, TaskID: &task.ID,
		TagIDs: []uuid.UUID{tag.ID}, StartedAt: start, StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	other := a
	other.UserID, other.Role = m.UserID, app.RoleMember
	if _, err := h.svc.CreateTimeEntry(h.ctx, other, app.TimeEntryInput{Description: "short", ProjectID: &p.ID, StartedAt: stop,
		StoppedAt: &[]time.Time{stop.Add(time.Hour)}[0]}); err != nil {
		t.Fatal(err)
	}
	h.external()
	return h, h.reports(), long
}

// TestReportsLongNames: 90-character names, in every group and picked in every filter,
// never make the screen wider than the window, at 1040 px and in the 480 px arrangement;
// the table cuts them with an ellipsis and shows the whole name on hover, and the filters'
// buttons shorten them. A file saved under a long name does not widen it either.
func TestReportsLongNames(t *testing.T) {
	h, s, long := longNamesHarness(t)
	c := h.u.win.Canvas()
	fits := func(what string) {
		t.Helper()
		for _, w := range []float32{1040, 480} {
			h.u.win.Resize(fyne.NewSize(w, 680))
			h.wait()
			test.LaidOutObjects(h.u.win.Content())
			if got := h.u.win.Content().MinSize().Width; got > min(w, narrowBelow) {
				t.Errorf("%s: Reports needs %v px in a %v px window", what, got, w)
			}
		}
		h.u.win.Resize(fyne.NewSize(1040, 680))
		h.wait()
		test.LaidOutObjects(h.u.win.Content())
	}
	names := map[string]string{"By project": long, "By client": "Client " + long, "By task": "Task " + long, "By tag": "tag-" + long,
		"By user": "Member " + long}
	for _, g := range groupChoices {
		s.group.SetSelected(g)
		h.wait()
		fits(g)
		h.u.win.Resize(fyne.NewSize(480, 1400)) // too narrow for the whole name, tall enough for the table
		h.wait()
		test.LaidOutObjects(h.u.win.Content())
		var cut *widget.Label
		for _, o := range test.LaidOutObjects(s.table) {
			if l, ok := o.(*widget.Label); ok && l.Text == names[g] {
				cut = l
			}
		}
		if cut == nil || !labelCut(cut) {
			t.Fatalf("%s: the table shows %q in full or not at all: %q", g, names[g], s.cells)
		}
		test.MoveMouse(c, middle(cut))
		if got := h.u.tips.showing(); got != names[g] {
			t.Errorf("%s: hovering the cut name shows %q", g, got)
		}
		test.MoveMouse(c, fyne.NewPos(1, 1))
		h.u.win.Resize(fyne.NewSize(1040, 680))
		h.wait()
	}
	s.group.SetSelected("By project")
	h.pick(s.project, "Quarterly")
	h.pick(s.client, "Client")
	h.pick(s.tag, "tag-")
	h.pick(s.user, "Member")
	for _, p := range []*picker{s.project, s.client, s.tag, s.user} {
		if p.selected == nil {
			t.Errorf("filter %q: picked %v, button %q", p.noneLabel, p.selected, p.button.Text)
		}
	}
	fits("every filter set")

	// No line is kept for the note before there is one.
	before := s.top.MinSize().Height
	path := filepath.Join(t.TempDir(), "stint-report-"+strings.ReplaceAll(long, " ", "-")+".csv")
	s.exportTo(exportKinds[2], path, func(err error) {
		if err != nil {
			t.Errorf("export: %v", err)
		}
	})
	h.wait()
	if s.saved != path {
		t.Fatalf("saved %q, want %q", s.saved, path)
	}
	fits("a file saved under a long name")
	if !s.noteBox.Visible() || s.note.Text != "Saved "+path || !labelCut(s.note) {
		t.Errorf("note %q shown %v, cut %v", s.note.Text, s.noteBox.Visible(), labelCut(s.note))
	}
	if after := s.top.MinSize().Height; after <= before {
		t.Errorf("the heading is %v high before a file is saved and %v after: an empty line waits for the note", before, after)
	}
}

// TestReportsExportDialogKeys: in the Export dialog Escape closes it from the path and from
// the format; Ctrl+Enter from the format exports, and while the folder chooser is open it
// neither exports nor starts the timer behind; Escape closes the chooser first.
func TestReportsExportDialogKeys(t *testing.T) {
	h, s := reportsHarness(t)
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	for _, from := range []string{"path", "format"} {
		h.tap(s.exportBtn)
		d := s.exporting
		if from == "path" {
			d.path.TypedKey(escape)
		} else {
			d.format.TypedKey(escape)
		}
		h.wait()
		if s.exporting != nil || h.dialogOpen() {
			t.Errorf("Escape in the %s left the dialog open", from)
		}
	}

	h.tap(s.exportBtn)
	d := s.exporting
	path := filepath.Join(t.TempDir(), "week.csv")
	h.typeInto(d.path, path)
	h.tap(d.browse)
	if d.folderDialog == nil || len(h.u.modals) != 2 {
		t.Fatalf("Browse opened no folder chooser (%d dialogs)", len(h.u.modals))
	}
	h.u.shortcuts.handle(ctrlEnter) // the window's shortcut: nothing is focused in the chooser
	h.wait()
	if h.running() != nil || s.saved != "" {
		t.Fatalf("Ctrl+Enter over the folder chooser: timer %v, saved %q", h.running(), s.saved)
	}
	h.u.onWindowKey(escape)
	if len(h.u.modals) != 1 || s.exporting != d {
		t.Fatalf("Escape closed %d dialogs of 2", 2-len(h.u.modals))
	}
	d.format.SetSelectedIndex(2)
	h.u.win.Canvas().Focus(d.format)
	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if s.saved != path || s.exporting != nil || h.running() != nil {
		t.Errorf("Ctrl+Enter from the format: saved %q, dialog %v, timer %v", s.saved, s.exporting != nil, h.running())
	}
}

// TestReportsExportProblems: a path that cannot be written says what went wrong and what
// to do, next to the path, with the dialog still open (never "Something went wrong" nor a
// dialog over it); the message goes as soon as the path changes. An existing file is
// replaced only when asked again.
func TestReportsExportProblems(t *testing.T) {
	h, s := reportsHarness(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.tap(s.exportBtn)
	d := s.exporting
	for _, tc := range []struct {
		path string
		want []string
	}{
		{filepath.Join(dir, "missing", "r.pdf"), []string{"does not exist", "Browse"}},
		{filepath.Join(file, "r.pdf"), []string{"is a file, not a folder", "Browse"}},
		{"r.pdf", []string{"whole path"}},
		{dir, []string{"is a folder", "Add a file name"}},
		{"", []string{"Type where the file goes"}},
	} {
		h.typeInto(d.path, tc.path)
		h.tap(d.save)
		msg := d.errs.label.Text
		for _, w := range tc.want {
			if !strings.Contains(msg, w) || !d.errs.label.Visible() {
				t.Errorf("%q: message %q lacks %q", tc.path, msg, w)
			}
		}
		if s.exporting != d || len(h.u.modals) != 1 || strings.Contains(msg, "Something went wrong") {
			t.Errorf("%q: dialog open %v, %d dialogs, %q", tc.path, s.exporting == d, len(h.u.modals), msg)
		}
		test.Type(d.path, "x")
		h.wait()
		if d.errs.label.Visible() {
			t.Errorf("%q: the message outlives the edit: %q", tc.path, d.errs.label.Text)
		}
	}
	if os.Geteuid() != 0 { // root writes anywhere
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		h.typeInto(d.path, filepath.Join(locked, "r.pdf"))
		h.tap(d.save)
		if msg := d.errs.label.Text; !strings.Contains(msg, "permission denied") || !strings.Contains(msg, "Choose a folder") {
			t.Errorf("unwritable folder: %q", msg)
		}
	}

	h.typeInto(d.path, file)
	h.tap(d.save)
	if !strings.Contains(d.errs.label.Text, "exists") || s.saved != "" {
		t.Fatalf("existing file: %q, saved %q", d.errs.label.Text, s.saved)
	}
	h.tap(d.save)
	if b, _ := os.ReadFile(file); s.saved != file || string(b) == "x" || s.exporting != nil {
		t.Errorf("replacing: saved %q, %d bytes, dialog open %v", s.saved, len(b), s.exporting != nil)
	}
	if p := exportProblem("/srv/r.pdf", &os.PathError{Op: "open", Path: "/srv/.r.pdf.1", Err: syscall.EACCES}); !strings.Contains(p, "/srv") ||
		!strings.Contains(p, "permission denied") || !strings.Contains(p, "Choose a folder") {
		t.Errorf("permission denied says %q", p)
	}
	if p := exportProblem("/srv/r.pdf", &os.PathError{Op: "write", Path: "/srv/.r.pdf.1", Err: syscall.ENOSPC}); !strings.Contains(p, "full") {
		t.Errorf("a full disk says %q", p)
	}
}

// TestReportsOneTimeZone: the range, its days and the bars are cut in the user's time zone,
// the workspace's by default, never the machine's: with the machine in Los Angeles and the
// workspace in Tokyo, early Monday in Tokyo is already this week's first day; once the user
// sets New York as their own zone, the same moment is Sunday of the week before.
func TestReportsOneTimeZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	machine := time.Local
	time.Local = la
	t.Cleanup(func() { time.Local = machine })
	h := newHarness(t, harnessOpts{workspace: true, timezone: "Asia/Tokyo", now: time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)})
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	p := h.project("Night shift")
	h.entryAt("early", &p, time.Date(2026, 11, 30, 1, 0, 0, 0, tokyo), 2*time.Hour)
	h.external()
	s := h.reports()
	if s.query.From != "2026-11-30" || s.rangeLabel.Text != "30 Nov – 6 Dec 2026" || s.total.Text != "Total 2:00" ||
		len(s.bars) != 7 || s.bars[0] != (export.Bar{Label: "Mon 30", Seconds: 7200, Text: "2:00"}) {
		t.Errorf("Tokyo: from %s, %q, %q, bars %v; want the week of Mon 30 Nov with 2:00 on Monday", s.query.From, s.rangeLabel.Text, s.total.Text, s.bars)
	}

	if _, err := h.svc.SetMyTimezone(h.ctx, h.actor(), "America/New_York"); err != nil {
		t.Fatal(err)
	}
	// Until the window takes the new zone, the report keeps the one its days were cut in,
	// as the timer and the timesheet do.
	s.refresh()
	h.wait()
	if s.query.From != "2026-11-30" || s.total.Text != "Total 2:00" || s.byGroup.Timezone != "Asia/Tokyo" {
		t.Errorf("before the reload: from %s, %q in %s; want the Tokyo week throughout", s.query.From, s.total.Text, s.byGroup.Timezone)
	}
	h.u.reload()
	h.wait()
	if s.query.From != "2026-11-23" || s.total.Text != "Total 2:00" || len(s.bars) != 7 || s.bars[6] != (export.Bar{Label: "Sun 29", Seconds: 7200, Text: "2:00"}) {
		t.Errorf("New York: from %s, %q, bars %v; want the week of Mon 23 Nov with 2:00 on Sunday", s.query.From, s.total.Text, s.bars)
	}
	if s.byGroup.Timezone != "America/New_York" {
		t.Errorf("the report (and its files) in %q", s.byGroup.Timezone)
	}
}

// TestReportsRangeMessages: a custom range that cannot be reported says which day is wrong
// and how; the message goes with the edit that fixes it, and two whole dates apply without
// Enter.
func TestReportsRangeMessages(t *testing.T) {
	h, s := reportsHarness(t)
	s.rangeSel.SetSelected("Custom")
	h.wait()
	h.typeInto(s.from, "2026-11-25")
	h.typeInto(s.to, "2026-11-01")
	h.enter(s.to)
	if msg := s.errs.label.Text; !s.errs.label.Visible() || msg != "The last day must not be before the first." {
		t.Errorf("a range ending before it starts: %q", msg)
	}
	h.typeInto(s.to, "2026-11-25")
	if s.errs.label.Visible() || s.query.To != "2026-11-25" || s.total.Text != "Total 3:15" {
		t.Errorf("fixed: message %q (shown %v), to %s, %q", s.errs.label.Text, s.errs.label.Visible(), s.query.To, s.total.Text)
	}
	h.typeInto(s.from, "25.11.2026")
	h.enter(s.from)
	if msg := s.errs.label.Text; msg != "The first day must be a date like 2026-11-23." {
		t.Errorf("a day not written as a date: %q", msg)
	}
	test.Type(s.from, "x")
	h.wait()
	if s.errs.label.Visible() {
		t.Errorf("the message outlives the edit: %q", s.errs.label.Text)
	}
}

// TestReportsTwiceByTag: grouped by tag, an entry with two tags counts in both rows; the
// screen says so, with the time tracked, when it makes the total exceed it.
func TestReportsTwiceByTag(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	a := h.actor()
	var tags []uuid.UUID
	for _, n := range []string{"design", "review"} {
		tag, err := h.svc.CreateTag(h.ctx, a, app.TagInput{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tag.ID)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, berlin)
	stop := start.Add(90 * time.Minute)
	if _, err := h.svc.CreateTimeEntry(h.ctx, a, app.TimeEntryInput{Description: "both", TagIDs: tags, StartedAt: start, StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	h.external()
	s := h.reports()
	if s.twice.Visible() {
		t.Errorf("by project: %q", s.twice.Text)
	}
	s.group.SetSelected("By tag")
	h.wait()
	if !s.twice.Visible() || !strings.Contains(s.twice.Text, "several tags") || !strings.Contains(s.twice.Text, "1:30 tracked") || s.total.Text != "Total 3:00" {
		t.Errorf("by tag: note %q (shown %v), %q", s.twice.Text, s.twice.Visible(), s.total.Text)
	}
}

// TestReportsImportDialogEscape: the Import dialog, which the Reports screen opens, closes on
// Escape from its choices too (a focused stock Select swallowed it).
func TestReportsImportDialogEscape(t *testing.T) {
	h, _ := reportsHarness(t)
	for _, which := range []string{"format", "people"} {
		d := h.u.openImport()
		h.wait()
		sel := d.format
		if which == "people" {
			sel = d.people
		}
		h.u.win.Canvas().Focus(sel)
		sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		h.wait()
		if len(h.u.modals) != 0 {
			t.Errorf("Escape on the %s choice left %d dialogs open", which, len(h.u.modals))
			h.u.closeModal()
		}
	}
}
