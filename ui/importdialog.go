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

	fileName *widget.Label
	choose   *widget.Button
	format   *escSelect
	zoneRow  *fyne.Container
	zone     *entry
	people   *escSelect
	member   *escSelect
	// memberRow holds member, shown with the "one member" choice.
	memberRow *fyne.Container
	skip      *widget.Check
	errs      *fieldError

	summary      *widget.Label
	creates      *widget.Label
	problemsHead *widget.Label
	problems     *widget.List
	problemsBox  fyne.CanvasObject
	// problemsSize sets the list's height: its rows, up to problemRowsShown.
	problemsSize *canvas.Rectangle
	progress     *widget.ProgressBar
	importBtn    *widget.Button
	closeBtn     *widget.Button

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

// importDialogWidth is the dialog's width in a wide window; a narrow one gets what it has.
const importDialogWidth = 560

// openImport opens the Import dialog.
func (u *UI) openImport() *importDialog {
	d := &importDialog{u: u}
	d.fileName = widget.NewLabel("No file chosen")
	d.fileName.Truncation = fyne.TextTruncateEllipsis
	d.choose = widget.NewButtonWithIcon("Choose file…", theme.FolderOpenIcon(), d.onChoose)
	labels := make([]string, len(importFormats))
	for i, c := range importFormats {
		labels[i] = c.label
	}
	d.format = newEscSelect(u, labels) // Escape closes the dialog from it too
	d.format.SetSelectedIndex(0)
	d.format.OnChanged = func(string) { d.reparse() }
	d.zone = newEntry(u.shortcuts, "Europe/Berlin")
	d.zone.SetText(u.loc.String())
	d.zone.OnSubmitted = func(string) { d.preview() }
	d.zone.OnChanged = func(string) {
		if d.validZone() {
			d.preview()
		}
	}
	d.zoneRow = formRow("Time zone", d.zone)
	d.zoneRow.Hide()
	people := []string{peopleByEmail, peopleMine}
	if u.actor.Role.Can(app.PermEntriesManageAll) {
		people = append(people, peopleMember)
	}
	d.people = newEscSelect(u, people)
	d.member = newEscSelect(u, nil)
	d.member.OnChanged = func(string) { d.preview() }
	d.member.PlaceHolder = "Choose a member"
	d.member.Hide()
	d.people.OnChanged = func(choice string) {
		if choice == peopleMember {
			d.member.Show()
			d.memberRow.Show()
		} else {
			d.member.Hide()
			d.memberRow.Hide()
		}
		d.preview()
	}
	d.skip = widget.NewCheck("Import the other rows when some have problems", func(bool) { d.showPlan() })
	d.errs = newFieldError()

	d.summary = widget.NewLabel("Choose a file exported from Toggl Track, Clockify, Kimai, solidtime, Timewarrior or Stint. Nothing is written before you press Import.")
	d.summary.Wrapping = fyne.TextWrapWord
	d.creates = widget.NewLabel("")
	d.creates.Wrapping = fyne.TextWrapWord
	d.creates.Hide()
	d.problemsHead = widget.NewLabel("")
	d.problemsHead.TextStyle = fyne.TextStyle{Bold: true}
	d.problemsHead.Wrapping = fyne.TextWrapWord
	d.problems = widget.NewList(
		func() int {
			if d.plan == nil {
				return 0
			}
			return len(d.plan.Problems)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("line 0000: problem")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if d.plan == nil || i >= len(d.plan.Problems) {
				return
			}
			p := d.plan.Problems[i]
			o.(*widget.Label).SetText(fmt.Sprintf("Line %d: %s", p.Line, p.Message))
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

	d.memberRow = formRow("", d.member)
	form := container.NewVBox(
		container.NewBorder(nil, nil, nil, d.choose, d.fileName),
		formRow("Format", d.format),
		d.zoneRow,
		formRow("People", d.people),
		d.memberRow,
		d.errs.label,
		widget.NewSeparator(),
		d.summary, d.progress, d.creates, d.problemsBox,
	)
	scroll := container.NewVScroll(form)
	size := fyne.NewSize(d.width(), min(560, u.win.Canvas().Size().Height-140))
	d.dialog = dialog.NewCustomWithoutButtons("Import time entries", fixedSize(size, scroll), u.win)
	d.closeBtn = widget.NewButton("Cancel", d.onClose)
	d.importBtn = widget.NewButtonWithIcon("Import", theme.UploadIcon(), d.onImport)
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
			var names []string
			for _, m := range members {
				names = append(names, memberChoice(m))
			}
			d.member.SetOptions(names)
			if len(members) > 1 && d.file == nil {
				d.people.SetSelected(peopleByEmail)
			}
		}, nil
	})
	u.showModal(d.dialog, submitWith(d.importBtn), d.onClose)
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

// memberChoice is how the member choice names m.
func memberChoice(m app.Member) string {
	if m.Email == "" {
		return m.Name
	}
	return m.Name + " <" + m.Email + ">"
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

// read takes the file's bytes in the background, then parses and previews them.
func (d *importDialog) read(r fyne.URIReadCloser) {
	name := r.URI().Name()
	d.u.bg(func(context.Context) (func(), error) {
		data, err := io.ReadAll(io.LimitReader(r, maxImportFile+1))
		err = errors.Join(err, r.Close())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return func() { d.useFile(name, data) }, nil
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
				d.fail(fmt.Sprintf("%s cannot be read as %s: %v", d.name, formatLabel(f), err))
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
		i := d.member.SelectedIndex()
		if i < 0 || i >= len(d.members) {
			return req, &userError{msg: "Choose the member whose time the rows are.", err: errors.New("import: no member chosen")}
		}
		req.UserID = d.members[i].UserID
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

	var lines []string
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
		lines = append(lines, fmt.Sprintf("%s: %s%s", what, strings.Join(names, ", "), more))
	}
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
	for _, w := range []fyne.Disableable{d.choose, d.format, d.zone, d.people, d.member, d.skip} {
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
