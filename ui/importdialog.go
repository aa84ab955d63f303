//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/importer"
)

// importDialog brings another tracker's export into the workspace, as `stint import` does:
// the user picks a file, checks how it is read (format, the zone of its times, whose time
// the rows are) and sees a preview of what importing it does (the entries, what it
// creates, each problem with its line) before anything is written. Import then writes in
// the background with a progress bar and can be cancelled between batches; the result
// says what was written. Every figure comes from app.Service.Import, a dry run for the
// preview, so the dialog and the CLI never disagree.
type importDialog struct {
	u      *UI
	dialog *dialog.CustomDialog

	// tips shows cut names inside the dialog (the window's layer lies under it).
	tips     *tipLayer
	fileName *widget.Label
	choose   *dialogButton
	format   *selectBox
	zoneRow  *fyne.Container
	zone     *entry
	// zoneNote says in which zone the file's times are read, or that they carry their own.
	zoneNote *widget.Label
	people   *selectBox
	member   *picker
	// memberRow holds member, shown with the "one member" choice.
	memberRow *fyne.Container
	skip      *check
	errs      *fieldError

	summary *widget.Label
	// sampleHead and sample show the file's first rows as they will be entries, in the
	// user's time zone and display settings.
	sampleHead   *widget.Label
	sample       *fyne.Container
	creates      *widget.Label
	createsFull  string // creates with whole names (creates cuts them)
	problemsHead *widget.Label
	problems     *dialogList
	problemsBox  fyne.CanvasObject
	// problemsSize sets the list's height: its rows, up to problemRowsShown.
	problemsSize *canvas.Rectangle
	progress     *widget.ProgressBar
	importBtn    *dialogButton
	closeBtn     *dialogButton

	// The file read: its name, bytes and rows (nil until one is chosen and read).
	name string
	data []byte
	file *importer.File
	// members are the organization's, for a manager's "one member" choice.
	members []app.Member
	// plan is the preview shown, or the import's result once written.
	plan *app.ImportPlan
	// req numbers previews, so a slow old answer never replaces a newer one.
	req int
	// cancel stops the import under way (nil when none runs); done is set once it ended.
	cancel context.CancelFunc
	done   bool
	// cancelled is set when the user stopped the import.
	cancelled bool
	// batchSize is how many entries a transaction writes (0: app.ImportBatchSize).
	batchSize int
	// openDialog is the file dialog opened last (tests look at it).
	openDialog *dialog.FileDialog
}

// importFormats are the format choices: detection first, then each format by name.
var importFormats = []struct {
	format importer.Format
	label  string
}{
	{"", "Detect from the file"},
	{importer.Toggl, "Toggl Track (CSV)"},
	{importer.Clockify, "Clockify (CSV)"},
	{importer.Kimai, "Kimai (CSV)"},
	{importer.Solidtime, "solidtime (ZIP)"},
	{importer.Timewarrior, "Timewarrior (JSON)"},
	{importer.Stint, "Stint (CSV)"},
}

// formatLabel names a format as the choices do.
func formatLabel(f importer.Format) string {
	for _, c := range importFormats[1:] {
		if c.format == f {
			return c.label
		}
	}
	return string(f)
}

// The people choices: whose time each row is.
const (
	peopleByEmail = "Match people by e-mail"
	peopleMine    = "All rows are my time"
	peopleMember  = "All rows are one member's time"
)

// problemRowsShown is how many problems the list shows before it scrolls.
const problemRowsShown = 5

// sampleRows is how many of the file's rows the preview shows.
const sampleRows = 5

// importDialogWidth is the dialog's width in a wide window; a narrow one gets what it has.
const importDialogWidth = 560

// openImport opens the Import dialog.
func (u *UI) openImport() *importDialog {
	d := &importDialog{u: u, tips: newTipLayer(u, true)}
	d.fileName = widget.NewLabel("No file chosen")
	d.fileName.Truncation = fyne.TextTruncateEllipsis
	d.choose = newDialogButton(u, "Choose file…", theme.FolderOpenIcon(), d.onChoose)
	labels := make([]string, len(importFormats))
	for i, c := range importFormats {
		labels[i] = c.label
	}
	d.format = newSelectBox(u, labels, nil)
	d.format.SetSelectedIndex(0)
	d.format.OnChanged = func(string) { d.reparse() }
	d.zone = newEntry(u.shortcuts, "Europe/Berlin")
	d.zone.SetText(u.loc.String())
	d.zone.OnSubmitted = func(string) { d.preview() }
	d.zone.OnChanged = func(string) {
		d.showZoneNote()
		if d.validZone() {
			d.preview()
		}
	}
	// A label, not secondary text: a wrapped RichText in the dialog's scroll kept the
	// height of one line and cut the rest off.
	d.zoneNote = widget.NewLabel("")
	d.zoneNote.SizeName = theme.SizeNameCaptionText
	d.zoneNote.Wrapping = fyne.TextWrapWord
	d.zoneRow = container.NewVBox(formRow("Time zone", d.zone), d.zoneNote)
	d.zoneRow.Hide()
	people := []string{peopleByEmail, peopleMine}
	if u.actor.Role.Can(app.PermEntriesManageAll) {
		people = append(people, peopleMember)
	}
	d.people = newSelectBox(u, people, nil)
	d.member = newPicker(u, "Choose a member", d.memberOptions, func(*uuid.UUID) { d.preview() })
	d.member.button.layer = d.tips // the window's layer lies under the dialog
	d.people.OnChanged = func(choice string) {
		d.memberRow.Hidden = choice != peopleMember
		d.memberRow.Refresh()
		d.preview()
	}
	d.skip = newCheck(u, "Import the other rows when some have problems", func(bool) { d.showPlan() })
	d.errs = newFieldError()

	d.summary = widget.NewLabel("Choose a file exported from Toggl Track, Clockify, Kimai, solidtime, Timewarrior or Stint. Nothing is written before you press Import.")
	d.summary.Wrapping = fyne.TextWrapWord
	d.sampleHead = widget.NewLabel("")
	d.sampleHead.Wrapping = fyne.TextWrapWord
	d.sample = container.NewVBox()
	d.sampleHead.Hide()
	d.sample.Hide()
	d.creates = widget.NewLabel("")
	d.creates.Wrapping = fyne.TextWrapWord
	d.creates.Hide()
	d.problemsHead = widget.NewLabel("")
	d.problemsHead.TextStyle = fyne.TextStyle{Bold: true}
	d.problemsHead.Wrapping = fyne.TextWrapWord
	d.problems = newDialogList(u,
		func() int {
			if d.plan == nil {
				return 0
			}
			return len(d.plan.Problems)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("line 0000: problem")
			l.Truncation = fyne.TextTruncateEllipsis
			return labelTip(d.tips, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if d.plan == nil || i >= len(d.plan.Problems) {
				return
			}
			p := d.plan.Problems[i]
			o.(*tip).content.(*widget.Label).SetText(fmt.Sprintf("Line %d: %s", p.Line, p.Message))
		})
	d.problems.OnSelected = func(i widget.ListItemID) {
		// A long message is cut in the list; selecting it shows the whole of it.
		d.problems.Unselect(i)
		if d.plan != nil && i < len(d.plan.Problems) {
			p := d.plan.Problems[i]
			msg := widget.NewLabel(fmt.Sprintf("Line %d: %s", p.Line, p.Message))
			msg.Wrapping = fyne.TextWrapWord
			info := dialog.NewCustom("Problem", "Close", fixedWidth(d.width()-60, msg), u.win)
			u.showModal(info, info.Hide, nil)
		}
	}
	d.problemsSize = canvas.NewRectangle(color.Transparent)
	d.problemsBox = container.NewVBox(d.problemsHead, container.NewStack(d.problemsSize, d.problems), d.skip)
	d.problemsBox.Hide()
	d.progress = widget.NewProgressBar()
	d.progress.Hide()

	d.memberRow = formRow("", d.member.button)
	d.memberRow.Hide()
	form := container.NewVBox(
		container.NewBorder(nil, nil, nil, d.choose, labelTip(d.tips, d.fileName)),
		formRow("Format", d.format),
		d.zoneRow,
		formRow("People", d.people),
		d.memberRow,
		d.errs.label,
		widget.NewSeparator(),
		d.summary, d.progress, d.sampleHead, d.sample,
		newTip(d.tips, d.creates, func() (string, bool) { return d.createsFull, d.createsFull != d.creates.Text }),
		d.problemsBox,
	)
	scroll := container.NewVScroll(form)
	size := fyne.NewSize(d.width(), min(560, u.win.Canvas().Size().Height-140))
	d.dialog = dialog.NewCustomWithoutButtons("Import time entries", fixedSize(size, d.tips.over(scroll)), u.win)
	d.closeBtn = newDialogButton(u, "Cancel", nil, d.onClose)
	d.importBtn = newDialogButton(u, "Import", theme.UploadIcon(), d.onImport)
	d.importBtn.Importance = widget.HighImportance
	d.importBtn.Disable()
	d.dialog.SetButtons([]fyne.CanvasObject{d.closeBtn, d.importBtn})

	// The default for whose time: one person's workspace takes the file as theirs, a team's
	// matches people by e-mail. The member list decides, and fills the manager's choice.
	d.people.SetSelected(peopleMine)
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		members, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Member], error) { return u.svc.Members(ctx, a, lp) })
		if err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		return func() {
			d.members = members
			if len(members) > 1 && d.file == nil {
				d.people.SetSelected(peopleByEmail)
			}
		}, nil
	})
	u.showModal(d.dialog, submitWith(&d.importBtn.Button), d.onClose)
	return d
}

// countOf is "1 entry" or "1,234 entries".
func countOf(n int, one, many string) string {
	return thousands(n) + " " + plural(n, one, many)
}

// formRow is a field with its label before it, in a column of labels as wide as the
// longest ("Time zone").
func formRow(label string, field fyne.CanvasObject) *fyne.Container {
	row := container.NewBorder(nil, nil, fixedWidth(96, widget.NewLabel(label)), nil, field)
	if field.Visible() {
		return row
	}
	// A field that starts hidden takes its row along.
	row.Hide()
	return row
}

// memberOptions are the organization's members, for the "one member" choice.
func (d *importDialog) memberOptions() []pickOption {
	out := make([]pickOption, 0, len(d.members))
	for _, m := range d.members {
		out = append(out, pickOption{id: m.UserID, label: m.Name, detail: m.Email})
	}
	return out
}

// width is the dialog's width: importDialogWidth, or less in a narrow window.
func (d *importDialog) width() float32 {
	return min(importDialogWidth, d.u.win.Canvas().Size().Width-60)
}

// onChoose opens the file dialog; the file picked is read and previewed.
func (d *importDialog) onChoose() {
	u := d.u
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(fmt.Errorf("choose a file: %w", err))
			return
		}
		if r != nil {
			d.read(r)
		}
	}, u.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".json", ".zip"}))
	fd.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width-20, 800), min(u.win.Canvas().Size().Height-20, 560)))
	d.openDialog = fd
	u.showModal(fd, nil, nil)
}

// read takes the file's bytes in the background, then parses and previews them. A file
// that cannot be read says so in the dialog, with what to do.
func (d *importDialog) read(r fyne.URIReadCloser) {
	name := r.URI().Name()
	d.u.bg(func(context.Context) (func(), error) {
		data, err := io.ReadAll(io.LimitReader(r, maxImportFile+1))
		err = errors.Join(err, r.Close())
		return func() {
			if err != nil {
				d.u.log.Warn("import: read the file", "err", err)
				d.name, d.data, d.file = name, nil, nil
				d.fileName.SetText(name)
				d.fail(fmt.Sprintf("%s cannot be read (%v). Check that the file is still there and that you may read it, or copy it to your home folder, then choose it again.", name, err))
				return
			}
			d.useFile(name, data)
		}, nil
	})
}

// maxImportFile bounds the file the dialog reads, as the importer does.
const maxImportFile = 1 << 30

// useFile takes a file's content and previews it.
func (d *importDialog) useFile(name string, data []byte) {
	d.name, d.data = name, data
	d.fileName.SetText(name)
	if len(data) > maxImportFile {
		d.file = nil
		d.fail(fmt.Sprintf("%s is larger than %d MiB.", name, maxImportFile>>20))
		return
	}
	d.reparse()
}

// fail shows why there is nothing to import and keeps Import off.
func (d *importDialog) fail(msg string) {
	d.plan = nil
	d.errs.set(msg)
	setText(d.summary, "")
	d.sampleHead.Hide()
	d.sample.Hide()
	d.creates.Hide()
	d.problemsBox.Hide()
	d.importBtn.Disable()
}

// reparse reads the file in the format chosen (or the one detected) and previews it.
func (d *importDialog) reparse() {
	if d.data == nil || d.cancel != nil || d.done {
		return
	}
	f := importFormats[max(d.format.SelectedIndex(), 0)].format
	d.req++
	req, data := d.req, d.data
	d.importBtn.Disable()
	setText(d.summary, "Reading "+d.name+"…")
	d.u.bg(func(context.Context) (func(), error) {
		file, err := importer.ParseBytes(data, f)
		return func() {
			if req != d.req {
				return
			}
			if err != nil {
				d.file = nil
				if errors.Is(err, importer.ErrUnknownFormat) {
					d.fail("Stint cannot tell this file's format. Choose it under Format; Stint reads Toggl Track, Clockify and Kimai CSV, solidtime's ZIP, Timewarrior's JSON and its own CSV.")
					return
				}
				d.fail(fmt.Sprintf("%s cannot be read as %s: %v. Check that it is an export from %s, or choose another format under Format (Detect from the file tells the format itself).",
					d.name, formatLabel(f), err, strings.TrimSuffix(strings.SplitN(formatLabel(f), " (", 2)[0], " Track")))
				return
			}
			d.file = file
			if f == "" {
				// The choice says what was detected; picking another format reads the file again.
				d.format.Options[0] = "Detected: " + formatLabel(file.Format)
				d.format.Selected = d.format.Options[0]
				d.format.Refresh()
			}
			d.zoneRow.Hidden = !file.Floating()
			d.zoneRow.Refresh()
			d.showZoneNote()
			d.preview()
		}, nil
	})
}

// validZone reports whether the zone field names a zone (or is not needed).
func (d *importDialog) validZone() bool {
	if d.file == nil || !d.file.Floating() {
		return true
	}
	tz := strings.TrimSpace(d.zone.Text)
	_, err := time.LoadLocation(tz)
	return err == nil && tz != "" && tz != "Local"
}

// showZoneNote says in which zone the file's naive times are read.
func (d *importDialog) showZoneNote() {
	tz := strings.TrimSpace(d.zone.Text)
	switch {
	case !d.validZone():
		d.zoneNote.SetText("This file's times name no time zone. Type the zone they were recorded in, such as Europe/Berlin.")
	case tz == d.u.loc.String():
		d.zoneNote.SetText("This file's times name no time zone: they are read as times in " + tz + ", your time zone.")
	default:
		d.zoneNote.SetText("This file's times name no time zone: they are read as times in " + tz + ", and shown below in your time zone, " + d.u.loc.String() + ".")
	}
}

// request is the import the fields describe.
func (d *importDialog) request(dryRun bool) (app.ImportRequest, error) {
	req := app.ImportRequest{Format: string(d.file.Format), Rows: d.file.Rows, Problems: d.file.Problems, DryRun: dryRun,
		SkipProblems: d.skip.Checked, BatchSize: d.batchSize}
	if d.file.Floating() {
		req.Timezone = strings.TrimSpace(d.zone.Text)
	}
	switch d.people.Selected {
	case peopleMine:
		req.UserID = d.u.actor.UserID
	case peopleMember:
		if d.member.selected == nil {
			return req, &userError{msg: "Choose the member whose time the rows are.", err: errors.New("import: no member chosen")}
		}
		req.UserID = *d.member.selected
	}
	return req, nil
}

// preview runs the import as a dry run and shows what it would do.
func (d *importDialog) preview() {
	if d.file == nil || d.cancel != nil || d.done {
		return
	}
	d.req++
	req := d.req
	r, err := d.request(true)
	if err != nil {
		d.fail(userMessage(err))
		return
	}
	d.importBtn.Disable()
	setText(d.summary, "Checking "+countOf(len(r.Rows)+len(r.Problems), "row", "rows")+"…")
	u, a := d.u, d.u.actor
	d.u.bg(func(ctx context.Context) (func(), error) {
		plan, err := u.svc.Import(ctx, a, r)
		return func() {
			if req != d.req {
				return
			}
			if err != nil {
				msg := userMessage(err)
				if errors.Is(err, app.ErrImportZone) {
					msg = "The file's times name no time zone: type the zone they were recorded in, such as Europe/Berlin."
				}
				if msg == "" {
					msg = u.unexpected(err)
					u.log.Error("import preview failed", "err", err)
				}
				d.fail(msg)
				return
			}
			d.plan = &plan
			d.errs.set("")
			d.showPlan()
		}, nil
	})
}

// showPlan shows the preview or the result, and whether Import may run.
func (d *importDialog) showPlan() {
	p := d.plan
	if p == nil {
		return
	}
	display := d.u.display()
	var b strings.Builder
	switch {
	case d.cancelled:
		b.WriteString("Cancelled after ")
	case d.done && p.Written:
		b.WriteString("Imported ")
	case d.done:
		b.WriteString("The import stopped after ")
	default:
		fmt.Fprintf(&b, "%s, %s: ", formatLabel(importer.Format(p.Format)), countOf(p.Rows, "row", "rows"))
	}
	if d.done {
		b.WriteString(countOf(p.Entries, "entry", "entries"))
	} else {
		b.WriteString(countOf(p.Entries, "new entry", "new entries"))
	}
	if p.Entries > 0 {
		fmt.Fprintf(&b, " (%s)", display.Duration(time.Duration(p.Seconds)*time.Second))
	}
	switch {
	case !d.done:
		b.WriteString(" to import")
	case !p.Written:
		b.WriteString("; importing the file again adds the rest and creates nothing twice")
	}
	if p.Existing > 0 && !(d.done && !p.Written) {
		fmt.Fprintf(&b, "; %s already imported", countOf(p.Existing, "entry was", "entries were"))
	}
	b.WriteString(".")
	if !d.done && p.Entries == 0 && p.Existing > 0 && len(p.Problems) == 0 {
		b.WriteString(" Importing it again creates nothing.")
	}
	d.summary.TextStyle = fyne.TextStyle{Bold: true}
	setText(d.summary, b.String())

	d.showSample()
	var lines, full []string
	for _, c := range []struct {
		one, many string
		names     []string
	}{{"member", "members", p.Create.Members}, {"client", "clients", p.Create.Clients}, {"project", "projects", p.Create.Projects},
		{"task", "tasks", p.Create.Tasks}, {"tag", "tags", p.Create.Tags}} {
		if len(c.names) == 0 {
			continue
		}
		names := c.names
		more := ""
		if len(names) > 12 {
			names, more = names[:12], fmt.Sprintf(" and %d more", len(c.names)-12)
		}
		what := countOf(len(c.names), "new "+c.one, "new "+c.many)
		if d.done {
			what = "Created " + countOf(len(c.names), c.one, c.many)
		}
		cut := make([]string, len(names))
		for i, n := range names {
			cut[i] = ellipsize(n, nameMaxRunes)
		}
		lines = append(lines, fmt.Sprintf("%s: %s%s", what, strings.Join(cut, ", "), more))
		full = append(full, fmt.Sprintf("%s: %s%s", what, strings.Join(names, ", "), more))
	}
	d.createsFull = strings.Join(full, "\n")
	setText(d.creates, strings.Join(lines, "\n"))
	d.creates.Hidden = len(lines) == 0
	d.creates.Refresh()

	if n := len(p.Problems); n > 0 {
		head := countOf(n, "problem", "problems") + ": nothing is imported while the file has them"
		switch {
		case d.done:
			head = "Skipped " + countOf(n, "row with a problem", "rows with problems")
		case d.skip.Checked:
			head = countOf(n, "row is", "rows are") + " skipped for problems"
		}
		setText(d.problemsHead, head)
		rowHeight := d.problems.CreateItem().MinSize().Height + theme.Padding()
		d.problemsSize.SetMinSize(fyne.NewSize(0, float32(min(n, problemRowsShown))*rowHeight))
		d.problemsBox.Show()
		d.problems.Refresh()
	} else {
		d.problemsBox.Hide()
	}
	if d.done {
		return
	}
	if p.Entries > 0 && (len(p.Problems) == 0 || d.skip.Checked) {
		d.importBtn.SetText("Import " + countOf(p.Entries, "entry", "entries"))
		d.importBtn.Enable()
	} else {
		d.importBtn.SetText("Import")
		d.importBtn.Disable()
	}
}

// showSample shows the file's first rows as entries: their day, times and length in the
// user's time zone and display settings, their project and description, each cut to the
// dialog's width with the whole row on hover.
func (d *importDialog) showSample() {
	if d.file == nil || d.done || len(d.file.Rows) == 0 {
		d.sampleHead.Hide()
		d.sample.Hide()
		return
	}
	u, display := d.u, d.u.display()
	var src *time.Location
	if d.file.Floating() {
		src, _ = time.LoadLocation(strings.TrimSpace(d.zone.Text))
	}
	rows := d.file.Rows[:min(len(d.file.Rows), sampleRows)]
	objs := make([]fyne.CanvasObject, 0, len(rows))
	for _, r := range rows {
		start, end := r.Start, r.End
		if r.Floating && src != nil {
			start = wallIn(start, src)
			if !end.IsZero() {
				end = wallIn(end, src)
			}
		}
		parts := []string{start.In(u.loc).Format("Mon 2 Jan") + " " + display.Clock(start, u.loc) + "–"}
		if end.IsZero() {
			parts[0] += "…"
		} else {
			parts[0] += display.Clock(end, u.loc)
			parts = append(parts, display.Duration(end.Sub(start)))
		}
		for _, s := range []string{r.Project, r.Description} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		l := widget.NewLabel(strings.Join(parts, " · "))
		l.Truncation = fyne.TextTruncateEllipsis
		objs = append(objs, labelTip(d.tips, l))
	}
	head := fmt.Sprintf("The file's first rows, in your time zone (%s):", u.loc)
	if !d.file.Floating() {
		head = fmt.Sprintf("The file names the zone of its times. Its first rows, in your time zone (%s):", u.loc)
	}
	d.sampleHead.SetText(head)
	d.sample.Objects = objs
	d.sampleHead.Show()
	d.sample.Show()
	d.sample.Refresh()
}

// wallIn is the instant a wall-clock time (held in UTC fields, as the importer reads
// times without a zone) names in loc.
func wallIn(w time.Time, loc *time.Location) time.Time {
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}

// onImport writes the import in the background, with the progress bar following batches.
func (d *importDialog) onImport() {
	if d.file == nil || d.plan == nil || d.cancel != nil || d.done || d.importBtn.Disabled() {
		return
	}
	r, err := d.request(false)
	if err != nil {
		d.fail(userMessage(err))
		return
	}
	u, a := d.u, d.u.actor
	ctx, cancel := context.WithCancel(u.ctx)
	d.cancel = cancel
	total := d.plan.Entries + d.plan.Existing
	d.progress.Max = float64(max(total, 1))
	d.progress.SetValue(0)
	d.progress.Show()
	d.importBtn.Disable()
	d.closeBtn.SetText("Cancel import")
	for _, w := range []fyne.Disableable{d.choose, d.format, d.zone, d.people, d.member.button, d.skip} {
		w.Disable()
	}
	setText(d.summary, "Importing "+countOf(d.plan.Entries, "entry", "entries")+"…")
	r.Progress = func(done, total int) {
		u.do(func() {
			d.progress.Max = float64(max(total, 1))
			d.progress.SetValue(float64(done))
		})
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		plan, err := u.svc.Import(ctx, a, r)
		cancel()
		u.do(func() { d.finished(plan, err) })
	}()
}

// finished shows the import's result and lets the dialog be closed.
func (d *importDialog) finished(plan app.ImportPlan, err error) {
	cancelled := errors.Is(err, context.Canceled)
	d.cancel = nil
	d.done, d.cancelled = true, cancelled
	d.progress.Hide()
	d.closeBtn.SetText("Close")
	d.closeBtn.Enable()
	d.importBtn.Hide()
	d.u.changed()
	if err != nil && !cancelled {
		d.u.log.Error("import failed", "err", err)
		msg := userMessage(err)
		if msg == "" {
			msg = d.u.unexpected(err)
		}
		d.errs.set(msg)
	}
	if plan.Format == "" {
		plan.Format = d.plan.Format
		plan.Rows = d.plan.Rows
	}
	d.plan = &plan
	d.showPlan()
	d.u.log.Info("import finished", "format", plan.Format, "entries", plan.Entries, "existing", plan.Existing, "cancelled", cancelled)
}

// onClose cancels an import under way (its finished batches stay), else closes.
func (d *importDialog) onClose() {
	if d.cancel != nil {
		d.cancel()
		d.closeBtn.Disable()
		setText(d.summary, "Cancelling after the batch being written…")
		return
	}
	d.dialog.Hide()
}
