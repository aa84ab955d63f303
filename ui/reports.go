//go:build !headless

package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// reportsScreen sums tracked time over a range: a bar chart per day (per week for ranges
// past five weeks), a breakdown by the chosen group with its table and total, and Export to
// the export package's formats. The filters are the report's (app.ReportQuery); members see
// their own time, managers also pick a member. Nothing is built before the screen is first
// shown, and the charts are drawn only at the size they are shown (canvas.Raster).
type reportsScreen struct {
	u *UI
	// rangeSel is one of rangeChoices; custom shows from and to.
	rangeSel *widget.Select
	from, to *entry
	custom   *fyne.Container
	project  *picker
	client   *picker
	tag      *picker
	user     *picker
	// userBox holds the member filter, shown to those who may read everyone's time.
	userBox  fyne.CanvasObject
	billable *widget.Select // billableChoices
	group    *widget.Select // groupChoices
	errs     *fieldError

	rangeLabel *widget.Label
	total      *widget.Label
	totalText  string
	// note says where the last file exported went, cut short to the window's width, on a
	// line (noteBox, with its tip) that shows once there is one.
	note       *widget.Label
	noteBox    fyne.CanvasObject
	top        *fyne.Container // the heading, filters and messages over the report
	periodHead *widget.Label
	groupHead  *widget.Label
	// twice says, grouped by tag, that entries with several tags count in each tag's row
	// (shown when some do, so the total exceeds the time tracked).
	twice     *widget.Label
	periods   *canvas.Raster
	breakdown *canvas.Raster
	// breakdownSize keeps the breakdown as tall as its bars.
	breakdownSize *canvas.Rectangle
	table         *fyne.Container
	empty         *fyne.Container
	body          *fyne.Container
	exportBtn     *widget.Button

	// The report shown: its query, the bar chart's period, the report by group (what
	// Export writes), and the rows shown with their time in whole minutes.
	query   app.ReportQuery
	period  app.ReportGroup
	byGroup app.Report
	bars    []export.Bar
	groups  []reportRow
	colours []rowColour // each group's, in the chart and the table
	// cells is the table as shown, a row of name, time and share per group and the total
	// last (tests read it).
	cells [][]string
	// dots are the table's colour dots, row by row.
	dots []*dot
	// members are the organization's, for a manager's user filter.
	members []app.Member
	// req numbers loads, so a slow old answer never replaces a newer one.
	req int
	// saved is the last file exported, for the status line and tests.
	saved string
	// exporting is the Export dialog while it is open.
	exporting *exportDialog
}

// rangeChoices are the range presets; the last lets the days be typed.
var rangeChoices = []string{"This week", "Last week", "This month", "Last month", "Custom"}

// groupChoices are what the breakdown and the table group by: "By " and the group.
var groupChoices = []string{"By project", "By client", "By task", "By tag", "By user"}

func newReportsScreen(u *UI) *reportsScreen { return &reportsScreen{u: u} }

func (s *reportsScreen) title() string       { return "Reports" }
func (s *reportsScreen) icon() fyne.Resource { return theme.DocumentIcon() }

func (s *reportsScreen) build() fyne.CanvasObject {
	u := s.u
	s.rangeSel = widget.NewSelect(rangeChoices, nil)
	s.rangeSel.SetSelectedIndex(0)
	s.rangeSel.OnChanged = func(string) { s.onRange() }
	s.from, s.to = newEntry(u.shortcuts, "from"), newEntry(u.shortcuts, "to")
	s.from.OnSubmitted = func(string) { s.refresh() }
	s.to.OnSubmitted = func(string) { s.refresh() }
	s.from.OnChanged = func(string) { s.onDayTyped() }
	s.to.OnChanged = func(string) { s.onDayTyped() }
	s.custom = container.NewHBox(fixedWidth(104, s.from), widget.NewLabel("–"), fixedWidth(104, s.to))
	s.custom.Hide()
	s.project = newPicker(u, "All projects", u.projectOptions, func(*uuid.UUID) { s.refresh() })
	s.client = newPicker(u, "All clients", s.clientOptions, func(*uuid.UUID) { s.refresh() })
	s.tag = newPicker(u, "All tags", u.tagOptions, func(*uuid.UUID) { s.refresh() })
	s.user = newPicker(u, "All members", s.memberOptions, func(*uuid.UUID) { s.refresh() })
	s.billable = widget.NewSelect(billableChoices, nil)
	s.billable.SetSelectedIndex(0)
	s.billable.OnChanged = func(string) { s.refresh() }
	s.group = widget.NewSelect(groupChoices, nil)
	s.group.SetSelectedIndex(0)
	s.group.OnChanged = func(string) { s.refresh() }
	s.errs = newFieldError()
	s.exportBtn = widget.NewButtonWithIcon("Export", theme.DownloadIcon(), s.onExport)
	s.exportBtn.Importance = widget.HighImportance

	s.rangeLabel = heading("Reports")
	s.rangeLabel.Truncation = fyne.TextTruncateEllipsis
	s.total = widget.NewLabel("")
	s.total.TextStyle = fyne.TextStyle{Bold: true}
	s.note = widget.NewLabel("")
	s.note.Truncation = fyne.TextTruncateEllipsis
	s.note.SizeName = theme.SizeNameCaptionText
	s.noteBox = labelTip(u.tips, s.note)
	s.noteBox.Hide()
	s.periodHead = subHeading("By day")
	s.groupHead = subHeading("By project")
	s.twice = widget.NewLabel("")
	s.twice.Wrapping = fyne.TextWrapWord
	s.twice.SizeName = theme.SizeNameCaptionText
	s.twice.Hide()
	s.periods = canvas.NewRaster(func(w, h int) image.Image { return s.drawPeriods(w, h) })
	s.periods.SetMinSize(fyne.NewSize(200, 200))
	s.breakdown = canvas.NewRaster(func(w, h int) image.Image { return s.drawBreakdown(w, h) })
	s.breakdownSize = canvas.NewRectangle(color.Transparent)
	s.table = container.NewVBox()
	s.empty = emptyState("No time in this range", "Tracked time shows up here. Pick another range or fewer filters.")
	s.empty.Hide()
	u.onThemeChange(func() {
		s.periods.Refresh()
		s.breakdown.Refresh()
		s.breakdownSize.SetMinSize(fyne.NewSize(200, float32(export.BreakdownHeight(len(groupBars(s.groups, nil, app.Display{})), s.chartStyle()))))
	})

	// Wide: the range and two pickers on a line, the other filters on the next; narrow: the
	// range, then the filters two by two. (Fyne's wrapping layout keeps the width of its
	// widest line as its minimum, so a window narrows only step by step.)
	project, client := fixedWidth(150, s.project.button), fixedWidth(150, s.client.button)
	tag, user := fixedWidth(150, s.tag.button), fixedWidth(150, s.user.button)
	billable, group := fixedWidth(170, s.billable), fixedWidth(150, s.group)
	s.userBox = user
	s.followRole()
	filters := container.NewVBox()
	u.onNarrow(func(narrow bool) {
		if narrow {
			filters.Objects = []fyne.CanvasObject{container.NewHBox(s.rangeSel, s.custom),
				container.NewGridWithColumns(2, project, client, tag, user, billable, group)}
		} else {
			filters.Objects = []fyne.CanvasObject{container.NewHBox(s.rangeSel, s.custom, project, client),
				container.NewHBox(tag, user, billable, group)}
		}
		filters.Refresh()
	})
	head := u.newSwitch(s.rangeLabel, container.NewHBox(s.total, widget.NewButtonWithIcon("Import", theme.UploadIcon(), func() { u.openImport() }), s.exportBtn))
	s.body = container.NewVBox(s.periodHead, s.periods, s.groupHead, s.twice, container.NewStack(s.breakdownSize, s.breakdown),
		widget.NewSeparator(), s.table)
	s.top = container.NewVBox(head, filters, s.errs.label, s.noteBox, widget.NewSeparator())
	return container.NewBorder(s.top, nil, nil, nil,
		container.NewStack(container.NewVScroll(s.body), s.empty))
}

// subHeading is a section's title inside a screen.
func subHeading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// clientOptions lists the live clients.
func (s *reportsScreen) clientOptions() []pickOption {
	var out []pickOption
	for _, c := range s.u.cat.clients {
		if !c.Archived {
			out = append(out, pickOption{id: c.ID, label: c.Name})
		}
	}
	return out
}

// memberOptions lists the organization's members, for a manager.
func (s *reportsScreen) memberOptions() []pickOption {
	var out []pickOption
	for _, m := range s.members {
		out = append(out, pickOption{id: m.UserID, label: m.Name, detail: m.Email})
	}
	return out
}

// followRole shows the member filter to those who may read everyone's time, as the role
// is now (a sync may bring a promotion or take it away); without it, the report is the
// user's own.
func (s *reportsScreen) followRole() bool {
	manager := s.u.actor.Role.Can(app.PermEntriesReadAll)
	if manager {
		s.userBox.Show()
		return true
	}
	s.userBox.Hide()
	s.members = nil
	if s.user.selected != nil {
		s.user.set(nil)
	}
	return false
}

// onRange follows the range choice: the custom one shows the days to type (starting from
// the range shown), the presets reload.
func (s *reportsScreen) onRange() {
	if s.rangeSel.Selected == "Custom" {
		if s.from.Text == "" {
			s.from.SetText(s.query.From)
			s.to.SetText(s.query.To)
		}
		s.custom.Show()
		s.u.win.Canvas().Focus(s.from)
		return
	}
	s.custom.Hide()
	s.refresh()
}

// onDayTyped follows a custom range as it is typed: a message about the days goes with the
// edit that may fix it, and two whole dates apply at once (Enter applies anything else).
func (s *reportsScreen) onDayTyped() {
	s.errs.set("")
	_, err1 := time.Parse(app.DateLayout, strings.TrimSpace(s.from.Text))
	_, err2 := time.Parse(app.DateLayout, strings.TrimSpace(s.to.Text))
	if err1 == nil && err2 == nil && s.custom.Visible() {
		s.refresh()
	}
}

// rangeMessage says what is wrong with the days typed, naming the field.
func rangeMessage(err error) string {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return userMessage(err)
	}
	var parts []string
	for _, f := range ve.Fields {
		msg := strings.NewReplacer("before from", "before the first", "after from", "after the first").Replace(f.Message)
		switch f.Field {
		case "from":
			parts = append(parts, "The first day "+msg+".")
		case "to":
			parts = append(parts, "The last day "+msg+".")
		default:
			parts = append(parts, sentence(msg))
		}
	}
	return strings.Join(parts, " ")
}

// days returns the range chosen as dates (YYYY-MM-DD), in the user's zone.
func (s *reportsScreen) days() (string, string) {
	loc := s.u.loc
	now := s.u.svc.Now().In(loc)
	week := s.u.display().WeekStart(now, loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	var from, to time.Time
	switch s.rangeSel.Selected {
	case "Last week":
		from, to = week.AddDate(0, 0, -7), week.AddDate(0, 0, -1)
	case "This month":
		from, to = month, month.AddDate(0, 1, -1)
	case "Last month":
		from, to = month.AddDate(0, -1, 0), month.AddDate(0, 0, -1)
	case "Custom":
		return strings.TrimSpace(s.from.Text), strings.TrimSpace(s.to.Text)
	default:
		from, to = week, week.AddDate(0, 0, 6)
	}
	return from.Format(app.DateLayout), to.Format(app.DateLayout)
}

// periodFor is the bar chart's period for a range: days up to five weeks, then weeks,
// months past half a year.
func periodFor(from, to string) app.ReportGroup {
	lo, err1 := time.Parse(app.DateLayout, from)
	hi, err2 := time.Parse(app.DateLayout, to)
	if err1 != nil || err2 != nil {
		return app.GroupDay
	}
	switch days := hi.Sub(lo).Hours() / 24; {
	case days > 183:
		return app.GroupMonth
	case days > 35:
		return app.GroupWeek
	}
	return app.GroupDay
}

// reportRow is one row of the table: a value of the group and its cells' whole minutes
// (see app.ReportRow.Minutes).
type reportRow struct {
	value   app.ReportValue
	label   string
	cells   []int64
	minutes int64 // the cells' sum
}

// tallyRows sums a report's rows per value of its first group, with their cells (a
// report asked for with Shown): largest first, then by name. A cell is one project's time
// on one day, as in the timer and the timesheet, and counts its whole minutes, or the
// hundredths of an hour they show; every figure shown is the sum of its cells as shown, so
// a member's week by project has the timesheet's totals, and the rows add up to the total,
// in h:mm and in decimal hours.
func tallyRows(cells app.Report) []reportRow {
	type key struct {
		id   uuid.UUID
		name string
	}
	at := map[key]int{}
	var rows []reportRow
	for _, r := range cells.Rows {
		if len(r.Values) == 0 {
			continue
		}
		k := key{name: export.ValueName(r.Values[0])}
		if id := r.Values[0].ID; id != nil {
			k.id = *id
		}
		i, ok := at[k]
		if !ok {
			i = len(rows)
			at[k] = i
			rows = append(rows, reportRow{value: r.Values[0], label: k.name})
		}
		cells := r.Cells
		if cells == nil { // a report not asked for with Shown: the row is its one cell
			cells = []int64{app.WholeMinutes(r.Seconds)}
		}
		rows[i].cells = append(rows[i].cells, cells...)
		rows[i].minutes += r.Minutes()
	}
	slices.SortStableFunc(rows, func(a, b reportRow) int {
		if a.minutes != b.minutes {
			return cmp.Compare(b.minutes, a.minutes)
		}
		return strings.Compare(a.label, b.label)
	})
	return rows
}

// periodStart is the first day of the period p (day, week from the display's first day, or
// month) that day falls in.
func periodStart(day time.Time, p app.ReportGroup, disp app.Display) time.Time {
	switch p {
	case app.GroupWeek:
		return disp.WeekStart(day, time.UTC)
	case app.GroupMonth:
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

// periodBars are the bar chart's bars from a cell report: every period p of its range, the
// time of each the sum of its cells as shown.
func periodBars(cells app.Report, p app.ReportGroup, disp app.Display) []export.Bar {
	per := map[string][]int64{}
	for _, r := range cells.Rows {
		day, err := time.Parse(app.DateLayout, r.Period)
		if err != nil {
			continue
		}
		k := periodStart(day, p, disp).Format(app.DateLayout)
		per[k] = append(per[k], app.WholeMinutes(r.Seconds))
	}
	sums := app.Report{From: cells.From, To: cells.To, Group: []app.ReportGroup{p}}
	for _, k := range slices.Sorted(maps.Keys(per)) {
		var m int64
		for _, c := range per[k] {
			m += c
		}
		sums.Rows = append(sums.Rows, app.ReportRow{Period: k, Seconds: m * 60})
	}
	bars := export.PeriodBars(sums)
	// PeriodBars gives every period from the range's first on; each bar writes its cells'
	// sum as the display shows durations.
	from, err := time.Parse(app.DateLayout, cells.From)
	if err != nil {
		return bars
	}
	start := periodStart(from, p, disp)
	for i := range bars {
		at := start.AddDate(0, 0, i)
		switch p {
		case app.GroupWeek:
			at = start.AddDate(0, 0, 7*i)
		case app.GroupMonth:
			at = start.AddDate(0, i, 0)
		}
		bars[i].Text = disp.Sum(per[at.Format(app.DateLayout)]...)
	}
	return bars
}

// groupBars are the breakdown chart's bars: the rows, at most ten, the rest as Other, each
// in the colour colours gives it (see rowColours).
func groupBars(rows []reportRow, colours []rowColour, disp app.Display) []export.Bar {
	var bars []export.Bar
	for i, r := range rows {
		if i == 9 && len(rows) > 10 {
			var rest []int64
			var m int64
			for _, o := range rows[9:] {
				rest = append(rest, o.cells...)
				m += o.minutes
			}
			return append(bars, export.Bar{Label: "Other", Seconds: m * 60, Text: disp.Sum(rest...), Color: otherColour(colours)})
		}
		bar := export.Bar{Label: r.label, Seconds: r.minutes * 60, Text: disp.Sum(r.cells...)}
		if i < len(colours) {
			bar.Color = colours[i].paint()
		}
		bars = append(bars, bar)
	}
	return bars
}

// rowColour is a row's colour: a project's or a tag's own (hex "" for no project or tag,
// drawn as the timer draws it, an empty ring), or the palette's in turn for values that
// have none (clients, people), as the app gives projects and tags theirs.
type rowColour struct {
	hex string
	own bool // the value's own colour, not the palette's
}

// paint is the colour a bar is drawn in: the hex colour, or the theme's disabled colour
// for a value without one.
func (c rowColour) paint() color.Color {
	if c.hex == "" {
		return theme.Color(theme.ColorNameDisabled)
	}
	return parseHex(c.hex)
}

// otherColour is the Other bar's: the palette's tenth when rows take the palette's in
// turn, else the theme's placeholder grey, unlike any value's own colour.
func otherColour(colours []rowColour) color.Color {
	if len(colours) > 0 && !colours[0].own {
		return nil // the palette in turn: the tenth
	}
	return theme.Color(theme.ColorNamePlaceHolder)
}

// rowColours gives each row its colour: projects and tags their own, as the timer and the
// entries show them, so a project reads the same colour in the chart as everywhere else;
// other values the palette in turn (the tenth is the Other bar's).
func (s *reportsScreen) rowColours(rows []reportRow) []rowColour {
	palette := app.Palette()
	out := make([]rowColour, len(rows))
	for i, r := range rows {
		switch r.value.Group {
		case "project":
			out[i].own = true
			if r.value.ID != nil {
				out[i].hex = s.u.cat.projectByID[*r.value.ID].Color // a deleted project: none
			}
		case "tag":
			out[i].own = true
			if r.value.ID != nil {
				out[i].hex = s.u.cat.tagByID[*r.value.ID].Color
			}
		default:
			if i < 9 || len(rows) <= 10 {
				out[i].hex = palette[min(i, 9)%len(palette)]
			}
		}
	}
	return out
}

// refresh loads the report the filters select: its cells, which make the chart, the
// breakdown and the table, and the report by group that Export writes; two sums in the
// store.
func (s *reportsScreen) refresh() {
	if s.rangeSel == nil {
		return // not built yet
	}
	u := s.u
	s.req++
	req := s.req
	manager := s.followRole()
	from, to := s.days()
	// The days are cut in the zone they were reckoned in, the window's (app.PickZone), even
	// when the user's zone changed elsewhere since it last reloaded.
	q := app.ReportQuery{From: from, To: to, Timezone: u.loc.String(), Display: u.display(), ProjectID: s.project.selected, ClientID: s.client.selected,
		TagID: s.tag.selected, UserID: s.user.selected}
	switch s.billable.SelectedIndex() {
	case 1:
		yes := true
		q.Billable = &yes
	case 2:
		no := false
		q.Billable = &no
	}
	dim := app.ReportGroup(strings.TrimPrefix(s.group.Selected, "By "))
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		var members []app.Member
		if manager { // members come and go too
			var err error
			if members, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Member], error) { return u.svc.Members(ctx, a, lp) }); err != nil {
				return nil, err
			}
		}
		dq, gq := q, q
		// The days' cells, whatever the group (by tag counts some twice): a report by project's
		// cells (app.ReportCellDims).
		dq.Group = []app.ReportGroup{"project", "user", app.GroupDay}
		// The report by group with its cells (app.ReportRow.Minutes): the table, the
		// breakdown and the files Export writes, by the rule the CLI and the files follow.
		gq.Group, gq.Shown = []app.ReportGroup{dim}, true
		var days, byGroup app.Report
		var err error
		for _, r := range []struct {
			q   app.ReportQuery
			out *app.Report
		}{{dq, &days}, {gq, &byGroup}} {
			if *r.out, err = u.svc.Report(ctx, a, r.q); err != nil {
				break
			}
		}
		return func() {
			if req != s.req {
				return
			}
			if members != nil {
				s.members = members
			}
			if err != nil {
				if !isInputError(err) {
					u.showError(err)
					return
				}
				s.errs.set(rangeMessage(err))
				return
			}
			s.errs.set("")
			s.query = q
			s.show(days, byGroup)
		}, nil
	})
}

// show lays out a loaded report: the days' cells and the report by group with its cells.
func (s *reportsScreen) show(days, byGroup app.Report) {
	disp := s.u.display()
	s.byGroup = byGroup
	s.period = periodFor(byGroup.From, byGroup.To)
	s.groups = tallyRows(byGroup)
	s.colours = s.rowColours(s.groups)
	s.bars = periodBars(days, s.period, disp)
	setText(s.rangeLabel, rangeTitle(byGroup.From, byGroup.To))
	var all []int64
	var total int64
	for _, g := range s.groups {
		all = append(all, g.cells...)
		total += g.minutes
	}
	// The total is the cells added up as shown, as each row is: the rows add up to it.
	totalText := disp.Sum(all...)
	s.totalText = "Total " + totalText
	setText(s.total, s.totalText)
	setText(s.periodHead, "By "+string(s.period))
	setText(s.groupHead, s.group.Selected)
	var tracked int64
	var dayCells []int64
	for _, r := range days.Rows {
		dayCells = append(dayCells, app.WholeMinutes(r.Seconds))
		tracked += app.WholeMinutes(r.Seconds)
	}
	if total > tracked {
		s.twice.SetText(fmt.Sprintf("An entry with several tags counts in each tag's row, so these rows add up to more than the %s tracked.",
			disp.Sum(dayCells...)))
		s.twice.Show()
	} else {
		s.twice.Hide()
	}
	if total == 0 && len(s.groups) == 0 {
		s.body.Hide()
		s.empty.Show()
	} else {
		s.empty.Hide()
		s.body.Show()
	}

	// The breakdown chart shows ten bars at most (the rest as Other), the table all.
	s.breakdownSize.SetMinSize(fyne.NewSize(200, float32(export.BreakdownHeight(len(groupBars(s.groups, nil, app.Display{})), s.chartStyle()))))
	s.periods.Refresh()
	s.breakdown.Refresh()

	s.cells, s.dots = nil, nil
	s.table.Objects = nil
	row := func(colour, name, time, share string, bold bool) {
		l := widget.NewLabel(name)
		l.Truncation = fyne.TextTruncateEllipsis
		l.TextStyle.Bold = bold
		tl := widget.NewLabel(time)
		tl.Alignment = fyne.TextAlignTrailing
		tl.TextStyle.Bold = bold
		sl := widget.NewLabel(share)
		sl.Alignment = fyne.TextAlignTrailing
		d := newDot(10)
		d.set(colour)
		if bold {
			d.circle.Hide() // the total has no colour, nor the ring of a value without one
		}
		s.dots = append(s.dots, d)
		s.table.Add(container.NewBorder(nil, nil, d.box, container.NewHBox(fixedWidth(80, tl), fixedWidth(56, sl)), labelTip(s.u.tips, l)))
		s.cells = append(s.cells, []string{name, time, share})
	}
	for i, g := range s.groups {
		row(s.colours[i].hex, g.label, disp.Sum(g.cells...), sharePercent(g.minutes, total), false)
	}
	s.table.Add(widget.NewSeparator())
	row("", "Total", totalText, "", true)
	s.table.Refresh()
}

// sharePercent is part of whole as a rounded percentage.
func sharePercent(part, whole int64) string {
	if whole <= 0 {
		return ""
	}
	return strconv.FormatInt((part*100+whole/2)/whole, 10) + "%"
}

// rangeTitle names a range of days: "23 – 29 November 2026" and the like.
func rangeTitle(from, to string) string {
	first, err1 := time.Parse(app.DateLayout, from)
	last, err2 := time.Parse(app.DateLayout, to)
	switch {
	case err1 != nil || err2 != nil:
		return from + " – " + to
	case first.Equal(last):
		return first.Format("2 January 2006")
	case first.Month() == last.Month() && first.Year() == last.Year():
		return first.Format("2") + " – " + last.Format("2 January 2006")
	case first.Year() == last.Year():
		return first.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return first.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
}

// chartStyle paints charts in the theme's colours at the window's scale.
func (s *reportsScreen) chartStyle() export.ChartStyle {
	return export.ChartStyle{Text: theme.Color(theme.ColorNameForeground), Grid: theme.Color(theme.ColorNameSeparator),
		Bar: theme.Color(theme.ColorNamePrimary), Palette: export.Palette(), Scale: float64(s.u.win.Canvas().Scale()),
		TextSize: float64(theme.TextSize()) - 2}
}

// drawPeriods draws the bar chart at w×h device pixels.
func (s *reportsScreen) drawPeriods(w, h int) image.Image {
	st := s.chartStyle()
	img, err := export.PeriodChart(s.bars, max(int(float64(w)/st.Scale), 1), max(int(float64(h)/st.Scale), 1), st)
	if err != nil {
		s.u.log.Error("draw chart", "err", err)
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	return img
}

// drawBreakdown draws the breakdown w device pixels wide.
func (s *reportsScreen) drawBreakdown(w, _ int) image.Image {
	st := s.chartStyle()
	img, err := export.BreakdownChart(groupBars(s.groups, s.colours, s.u.display()), max(int(float64(w)/st.Scale), 1), st)
	if err != nil {
		s.u.log.Error("draw chart", "err", err)
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	return img
}
