//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// prefExportDir is the folder the last report file went to, offered for the next.
const prefExportDir = "reports.export_dir"

// exportKind is one format Export offers.
type exportKind struct {
	label    string
	format   export.Format
	detailed bool
}

// exportKinds are what Export offers: the report as shown, or its entries.
var exportKinds = []exportKind{
	{"PDF report", export.PDF, false},
	{"Excel workbook (.xlsx)", export.XLSX, false},
	{"CSV", export.CSV, false},
	{"JSON", export.JSON, false},
	{"Entries as Excel workbook", export.XLSX, true},
	{"Entries as CSV", export.CSV, true},
	{"Entries as calendar (.ics)", export.ICS, true},
}

// exportDialog asks what to export and where: a format, and the file's path (typed, or a
// folder chosen with Browse). Export (or Ctrl+Enter, from any field) writes the file and
// closes it; Escape closes it. A file that cannot be written keeps the dialog open with
// what went wrong and what to do, until the path or format changes.
type exportDialog struct {
	s      *reportsScreen
	dialog *dialog.CustomDialog
	format *selectBox
	path   *entry
	errs   *fieldError
	browse *dialogButton
	save   *dialogButton
	// suggested is the file name last suggested: a name still as suggested follows the
	// format, one the user typed stays.
	suggested string
	// replace is the path the user was told exists: exporting to it again replaces it.
	replace string
	// folderDialog is the folder chooser opened last (tests look at it).
	folderDialog *dialog.FileDialog
}

// onExport opens the Export dialog.
func (s *reportsScreen) onExport() {
	u := s.u
	d := &exportDialog{s: s, errs: newFieldError()}
	labels := make([]string, len(exportKinds))
	for i, k := range exportKinds {
		labels[i] = k.label
	}
	d.format = newSelectBox(u, labels, nil)
	d.path = newEntry(u.shortcuts, "Path of the file")
	d.browse = newDialogButton(u, "Browse…", theme.FolderOpenIcon(), d.onBrowse)
	d.save = newDialogButton(u, "Export", theme.DownloadIcon(), d.onSave)
	d.save.Importance = widget.HighImportance
	cancel := newDialogButton(u, "Cancel", nil, func() { d.dialog.Hide() })
	d.format.SetSelectedIndex(0)
	d.setPath(filepath.Join(s.exportDir(), s.fileName(exportKinds[0])))
	d.suggested = s.fileName(exportKinds[0])
	d.format.OnChanged = func(string) { d.onFormat() }
	d.path.OnChanged = func(string) { d.errs.set(""); d.replace = "" }
	d.path.OnSubmitted = func(string) { d.onSave() }

	width := min(560, u.win.Canvas().Size().Width-60)
	form := container.NewVBox(formRow("Format", d.format),
		formRow("Save as", container.NewBorder(nil, nil, nil, d.browse, d.path)), d.errs.label)
	d.dialog = dialog.NewCustomWithoutButtons("Export "+rangeTitle(s.query.From, s.query.To), fixedWidth(width, form), u.win)
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, d.save})
	d.dialog.SetOnClosed(func() {
		if s.exporting == d {
			s.exporting = nil
		}
	})
	s.exporting = d
	u.showModal(d.dialog, submitWith(&d.save.Button), nil)
	u.win.Canvas().Focus(d.path)
}

// exportDir is the folder offered: the last one a report went to, else Documents in the
// home folder when there is one, else the home folder.
func (s *reportsScreen) exportDir() string {
	if dir := s.u.fyne.Preferences().String(prefExportDir); dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return os.TempDir()
	}
	if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

// fileName is the name suggested for a format: stint-report-FROM-TO.EXT.
func (s *reportsScreen) fileName(k exportKind) string {
	kind := "report"
	if k.detailed {
		kind = "entries"
	}
	return fmt.Sprintf("stint-%s-%s-%s.%s", kind, s.query.From, s.query.To, k.format)
}

// kind is the format chosen.
func (d *exportDialog) kind() exportKind { return exportKinds[max(d.format.SelectedIndex(), 0)] }

// onFormat follows the format: a suggested name becomes the new format's suggestion, a
// typed one takes its extension.
func (d *exportDialog) onFormat() {
	k := d.kind()
	dir, name := filepath.Split(d.path.Text)
	switch {
	case name == d.suggested || name == "":
		name = d.s.fileName(k)
		d.suggested = name
	default:
		name = strings.TrimSuffix(name, filepath.Ext(name)) + "." + string(k.format)
	}
	d.setPath(filepath.Join(dir, name))
}

// setPath shows a path with the cursor at its end, so the file's name is in view.
func (d *exportDialog) setPath(p string) {
	d.path.SetText(p)
	d.path.CursorColumn = len([]rune(p))
	d.path.Refresh()
}

// onBrowse picks the folder the file goes to.
func (d *exportDialog) onBrowse() {
	u := d.s.u
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.errs.set(fmt.Sprintf("That folder cannot be opened (%v). Choose another, or type the path.", errText(err)))
			return
		}
		if dir != nil {
			d.setPath(filepath.Join(dir.Path(), filepath.Base(d.path.Text)))
		}
	}, u.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(d.path.Text))); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width-20, 800), min(u.win.Canvas().Size().Height-20, 560)))
	d.folderDialog = fd
	u.showModal(fd, nil, nil)
}

// onSave checks the path and writes the file in the background; the dialog closes once it
// is written, or says what went wrong.
func (d *exportDialog) onSave() {
	if d.save.Disabled() {
		return
	}
	path := strings.TrimSpace(d.path.Text)
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	switch st, err := os.Stat(path); {
	case path == "":
		d.errs.set("Type where the file goes, or choose a folder with Browse.")
		return
	case !filepath.IsAbs(path):
		d.errs.set("Type the whole path of the file, starting with / (or ~/ for your home folder), or choose a folder with Browse.")
		return
	case err == nil && st.IsDir():
		d.errs.set("That is a folder. Add a file name, such as " + d.s.fileName(d.kind()) + ".")
		return
	case err == nil && d.replace != path:
		d.replace = path
		d.errs.set("A file of this name exists. Export again to replace it, or change the name.")
		return
	}
	d.save.Disable()
	d.s.exportTo(d.kind(), path, func(err error) {
		d.save.Enable()
		if err != nil {
			d.errs.set(exportProblem(path, err))
			return
		}
		d.s.u.fyne.Preferences().SetString(prefExportDir, filepath.Dir(path))
		d.dialog.Hide()
	})
}

// exportProblem says why a file could not be written and what to do.
func exportProblem(path string, err error) string {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("Stint may not write in %s (permission denied). Choose a folder of yours, such as your home folder, with Browse.", dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("The folder %s does not exist. Choose one that does with Browse, or correct the path.", dir)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Sprintf("The disk holding %s is full. Free some space or choose another disk, then export again.", dir)
	case errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("%s is on a read-only disk. Choose another folder with Browse.", dir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Sprintf("Part of %s is a file, not a folder. Correct the path or choose a folder with Browse.", dir)
	}
	return fmt.Sprintf("The file could not be written: %s. Check the path and try again.", errText(err))
}

// errText is an error's own words, without the operation and path a *fs.PathError adds.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// exportTo writes the report shown (or its entries) to path in the background, through a
// file beside it that takes its name only once complete (a failed export leaves no half
// file), says where it went, and calls done (nil: written) on the UI thread.
func (s *reportsScreen) exportTo(k exportKind, path string, done func(error)) {
	u := s.u
	a, q, loc := u.actor, s.query, u.loc
	// A file writes durations in h:mm, its charts as its tables.
	bars := slices.Clone(s.bars)
	for i := range bars {
		bars[i].Text = ""
	}
	doc := export.Document{Title: "Time report", From: q.From, To: q.To, Timezone: s.byGroup.Timezone, AsOf: s.byGroup.AsOf,
		Filters: s.filterLines(), Periods: bars, PeriodGroup: s.period}
	if l, err := time.LoadLocation(doc.Timezone); err == nil {
		loc = l
	}
	doc.Location = loc
	rep := s.byGroup
	if !k.detailed {
		doc.Summary = &rep
	}
	u.bg(func(ctx context.Context) (func(), error) {
		var err error
		if k.detailed {
			doc.Title = "Time entries"
			doc.Entries, doc.AsOf, err = detailedEntries(ctx, u.svc, a, q)
		}
		if err == nil {
			err = export.WriteFile(k.format, path, doc)
		}
		return func() {
			if err != nil {
				u.log.Error("export report", "format", string(k.format), "err", err)
				done(err)
				return
			}
			s.saved = path
			u.log.Info("report exported", "format", string(k.format))
			setText(s.note, "Saved "+path)
			s.noteBox.Show()
			done(nil)
		}, nil
	})
}

// detailedEntries reads every page of a detailed report.
func detailedEntries(ctx context.Context, svc *app.Service, a app.Actor, q app.ReportQuery) ([]app.DetailedEntry, time.Time, error) {
	dq := app.DetailedQuery{ListParams: app.ListParams{Limit: app.MaxPageLimit}, From: q.From, To: q.To, Timezone: q.Timezone,
		UserID: q.UserID, ProjectID: q.ProjectID, ClientID: q.ClientID, TaskID: q.TaskID, TagID: q.TagID, Billable: q.Billable}
	out := []app.DetailedEntry{}
	var asOf time.Time
	for {
		page, err := svc.DetailedReport(ctx, a, dq)
		if err != nil {
			return nil, asOf, err
		}
		out, asOf = append(out, page.Items...), page.AsOf
		if page.NextCursor == "" {
			return out, asOf, nil
		}
		dq.Cursor = page.NextCursor
	}
}

// filterLines are the filters set, as the PDF names them.
func (s *reportsScreen) filterLines() []export.Filter {
	var out []export.Filter
	add := func(name string, p *picker) {
		if p.selected == nil {
			return
		}
		for _, o := range p.options() {
			if o.id == *p.selected {
				out = append(out, export.Filter{Name: name, Value: o.label})
				return
			}
		}
	}
	add("Project", s.project)
	add("Client", s.client)
	add("Tag", s.tag)
	add("User", s.user)
	if i := s.billable.SelectedIndex(); i > 0 {
		out = append(out, export.Filter{Name: "Billable", Value: strings.ToLower(billableChoices[i]) + " only"})
	}
	return out
}
