package export

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stinthq/stint/app"
)

// XLSX number formats: a duration that keeps counting hours past 24, and dates.
const (
	DurationFormat = "[h]:mm"
	DateFormat     = "yyyy-mm-dd"
	DateTimeFormat = "yyyy-mm-dd hh:mm"
)

// Sheet names of the two kinds of workbook.
const (
	SummarySheet  = "Report"
	DetailedSheet = "Entries"
)

// excelEpoch is day 0 of Excel's 1900 date system as it counts from March 1900 on.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelDate is the serial number of a wall-clock time in loc: days since the epoch, the time
// of day as the fraction.
func excelDate(t time.Time, loc *time.Location) float64 {
	t = t.In(loc)
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return float64(wall.Sub(excelEpoch)) / float64(24*time.Hour)
}

// excelMinutes is whole minutes as a duration cell's value: a fraction of a day.
func excelMinutes(mins int64) float64 { return float64(mins) / (24 * 60) }

// xlsxStyles are the workbook's cell styles.
type xlsxStyles struct{ head, date, dateTime, duration, totalLabel, totalDuration, totalNumber int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	bold := &excelize.Font{Bold: true}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEFF"}}
	top := []excelize.Border{{Type: "top", Color: "333333", Style: 1}}
	fmtOf := func(s string) *string { return &s }
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.head, excelize.Style{Font: bold, Fill: fill}},
		{&st.date, excelize.Style{CustomNumFmt: fmtOf(DateFormat)}},
		{&st.dateTime, excelize.Style{CustomNumFmt: fmtOf(DateTimeFormat)}},
		{&st.duration, excelize.Style{CustomNumFmt: fmtOf(DurationFormat)}},
		{&st.totalLabel, excelize.Style{Font: bold, Border: top}},
		{&st.totalDuration, excelize.Style{Font: bold, Border: top, CustomNumFmt: fmtOf(DurationFormat)}},
		{&st.totalNumber, excelize.Style{Font: bold, Border: top}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// xlsxSheet writes cells of one sheet by column and row (both from 1), keeping the first
// error.
type xlsxSheet struct {
	f     *excelize.File
	name  string
	err   error
	style xlsxStyles
}

func (s *xlsxSheet) cell(col, row int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil && s.err == nil {
		s.err = err
	}
	return c
}

func (s *xlsxSheet) str(col, row int, v string, style int) {
	if s.err == nil {
		s.err = s.f.SetCellStr(s.name, s.cell(col, row), v)
	}
	s.styled(col, row, style)
}

func (s *xlsxSheet) num(col, row int, v float64, style int) {
	if s.err == nil {
		s.err = s.f.SetCellFloat(s.name, s.cell(col, row), v, -1, 64)
	}
	s.styled(col, row, style)
}

func (s *xlsxSheet) boolean(col, row int, v bool) {
	if s.err == nil {
		s.err = s.f.SetCellBool(s.name, s.cell(col, row), v)
	}
}

func (s *xlsxSheet) styled(col, row, style int) {
	if style != 0 && s.err == nil {
		c := s.cell(col, row)
		s.err = s.f.SetCellStyle(s.name, c, c, style)
	}
}

// header writes the heading row, freezes it and sets the columns' widths.
func (s *xlsxSheet) header(cols []string, widths []float64) {
	for i, h := range cols {
		s.str(i+1, 1, h, s.style.head)
		if i < len(widths) && s.err == nil {
			c, _ := excelize.ColumnNumberToName(i + 1)
			s.err = s.f.SetColWidth(s.name, c, c, widths[i])
		}
	}
	if s.err == nil {
		s.err = s.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
}

// WriteXLSX writes d as an Excel workbook of one sheet with typed cells: a heading row, a
// row per report row (or entry, oldest first) and a total row. Days are dates, starts and
// ends date-times in the report's zone, durations numbers of days in the [h]:mm format (the
// whole minutes a reader sees, so the total is the sum of the rows as shown), seconds
// integers, billable a boolean. Text cells are strings, never formulas.
func WriteXLSX(w io.Writer, d Document) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	name := SummarySheet
	if d.detailed() {
		name = DetailedSheet
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	s := &xlsxSheet{f: f, name: name, style: st}
	if d.detailed() {
		writeDetailedXLSX(s, d)
	} else {
		writeSummaryXLSX(s, *d.Summary)
	}
	if s.err != nil {
		return fmt.Errorf("write XLSX: %w", s.err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

func writeSummaryXLSX(s *xlsxSheet, rep app.Report) {
	head := SummaryHead(rep)
	period := ReportPeriod(rep) != ""
	widths := make([]float64, 0, len(head)+2)
	for i := range head {
		if i == 0 && period {
			widths = append(widths, 12)
		} else {
			widths = append(widths, 28)
		}
	}
	s.header(append(head, "Duration", "Seconds"), append(widths, 10, 10))
	n := len(head)
	row := 2
	var mins, secs int64
	for _, r := range rep.Rows {
		for i, v := range SummaryLabels(rep, r) {
			if i == 0 && period {
				if day, err := time.Parse(app.DateLayout, v); err == nil {
					s.num(1, row, excelDate(day, time.UTC), s.style.date)
					continue
				}
			}
			s.str(i+1, row, v, 0)
		}
		m := r.Minutes()
		mins, secs = mins+m, secs+r.Seconds
		s.num(n+1, row, excelMinutes(m), s.style.duration)
		s.num(n+2, row, float64(r.Seconds), 0)
		row++
	}
	s.str(1, row, "Total", s.style.totalLabel)
	for c := 2; c <= n; c++ {
		s.styled(c, row, s.style.totalLabel)
	}
	s.num(n+1, row, excelMinutes(mins), s.style.totalDuration)
	s.num(n+2, row, float64(secs), s.style.totalNumber)
}

func writeDetailedXLSX(s *xlsxSheet, d Document) {
	s.header([]string{"Date", "Start", "End", "Duration", "Seconds", "User", "Client", "Project", "Task", "Tags", "Description", "Billable"},
		[]float64{12, 17, 17, 10, 10, 18, 18, 24, 18, 18, 36, 9})
	loc := d.loc()
	row := 2
	var mins, secs int64
	for _, e := range d.oldestFirst() {
		start := e.StartedAt.In(loc)
		s.num(1, row, float64(int(excelDate(start, loc))), s.style.date)
		s.num(2, row, excelDate(start, loc), s.style.dateTime)
		if e.StoppedAt != nil {
			s.num(3, row, excelDate(*e.StoppedAt, loc), s.style.dateTime)
		}
		m := app.WholeMinutes(e.Seconds)
		mins, secs = mins+m, secs+e.Seconds
		s.num(4, row, excelMinutes(m), s.style.duration)
		s.num(5, row, float64(e.Seconds), 0)
		for i, v := range []string{e.UserName, e.ClientName, e.ProjectName, e.TaskName, entryTags(e), e.Description} {
			s.str(6+i, row, v, 0)
		}
		s.boolean(12, row, e.Billable)
		row++
	}
	s.str(1, row, "Total", s.style.totalLabel)
	s.styled(2, row, s.style.totalLabel)
	s.styled(3, row, s.style.totalLabel)
	s.num(4, row, excelMinutes(mins), s.style.totalDuration)
	s.num(5, row, float64(secs), s.style.totalNumber)
}
