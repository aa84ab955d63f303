package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// WriteCSV writes d as RFC 4180 CSV: UTF-8, CRLF line ends, a header record, a record per
// row (or entry, oldest first) and, for a summary, a total record whose seconds and minutes
// are each the sum of the rows'. Every cell is made safe for spreadsheets (SafeCell).
func WriteCSV(w io.Writer, d Document) error {
	if d.BOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write := func(cells ...string) error {
		for i, s := range cells {
			cells[i] = SafeCell(s)
		}
		return cw.Write(cells)
	}
	var err error
	if d.detailed() {
		err = writeDetailedCSV(write, d)
	} else {
		err = writeSummaryCSV(write, *d.Summary)
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// SafeCell neutralises a cell a spreadsheet would run as a formula: one starting with = + -
// @ (or tab or carriage return, which some read past) gets a leading apostrophe, which
// spreadsheets show as text and do not evaluate.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeSummaryCSV(write func(...string) error, rep app.Report) error {
	head := SummaryHead(rep)
	if err := write(append(head, "Duration", "Seconds")...); err != nil {
		return err
	}
	var mins, secs int64
	for _, r := range rep.Rows {
		m := r.Minutes()
		mins, secs = mins+m, secs+r.Seconds
		if err := write(append(SummaryLabels(rep, r), app.FormatMinuteCount(m), strconv.FormatInt(r.Seconds, 10))...); err != nil {
			return err
		}
	}
	total := make([]string, len(head))
	if len(total) > 0 {
		total[0] = "Total"
	}
	return write(append(total, app.FormatMinuteCount(mins), strconv.FormatInt(secs, 10))...)
}

func writeDetailedCSV(write func(...string) error, d Document) error {
	if err := write("Date", "Start", "End", "Duration", "Seconds", "User", "Client", "Project", "Task", "Tags", "Description", "Billable"); err != nil {
		return err
	}
	loc := d.loc()
	for _, e := range d.oldestFirst() {
		end := ""
		if e.StoppedAt != nil {
			end = e.StoppedAt.In(loc).Format(time.RFC3339)
		}
		if err := write(e.StartedAt.In(loc).Format(app.DateLayout), e.StartedAt.In(loc).Format(time.RFC3339), end,
			app.FormatMinuteCount(app.WholeMinutes(e.Seconds)), strconv.FormatInt(e.Seconds, 10), e.UserName, e.ClientName,
			e.ProjectName, e.TaskName, entryTags(e), e.Description, strconv.FormatBool(e.Billable)); err != nil {
			return err
		}
	}
	return nil
}
