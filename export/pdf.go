package export

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/stinthq/stint/app"
)

// A4 portrait in millimetres, with the page's margins.
const (
	pdfPageW  = 210.0
	pdfPageH  = 297.0
	pdfMargin = 15.0
	pdfWidth  = pdfPageW - 2*pdfMargin
	pdfRowH   = 6.0
	pdfFont   = "noto"
	// chartPx is a chart's unscaled width in pixels; PrintStyle draws it at twice that.
	chartPx = 720
)

// WritePDF writes d as a report on A4 pages: the title, the range and filters, a bar chart
// of the time per period (when d.Periods has any), a breakdown by the report's first group
// (for a summary grouped by one), and the table (summary rows, or entries oldest first)
// with its total. Text is set in the embedded Noto Sans, so non-ASCII names print as
// written; the same input gives the same bytes (the dates in the file are d.AsOf).
func WritePDF(w io.Writer, d Document) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(d.AsOf)
	pdf.SetModificationDate(d.AsOf)
	pdf.SetCreator("Stint", true)
	pdf.SetTitle(d.title(), true)
	pdf.AddUTF8FontFromBytes(pdfFont, "", fontRegular)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", fontBold)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(pdfPageH - pdfMargin + 4)
		pdf.SetFont(pdfFont, "", 8)
		pdf.SetTextColor(0x88, 0x88, 0x88)
		pdf.CellFormat(pdfWidth/2, 4, "Stint · "+d.title(), "", 0, "L", false, 0, "")
		pdf.CellFormat(pdfWidth/2, 4, fmt.Sprintf("page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	p := &pdfPage{pdf: pdf}
	p.heading(d)
	if len(d.Periods) > 0 {
		p.section(periodTitle(d))
		img, err := PeriodChart(d.Periods, chartPx, 220, PrintStyle())
		if err != nil {
			return fmt.Errorf("write PDF: %w", err)
		}
		p.image("periods", img)
	}
	if !d.detailed() {
		if bars := GroupBars(*d.Summary, 10); len(bars) > 0 {
			p.section("By " + strings.ToLower(SummaryHead(*d.Summary)[firstDimColumn(*d.Summary)]))
			// One pixel narrower than the bar chart: fpdf writes images ordered by width
			// alone, so equal widths would leave their order (and the file's bytes) to
			// map iteration.
			img, err := BreakdownChart(bars, chartPx-1, PrintStyle())
			if err != nil {
				return fmt.Errorf("write PDF: %w", err)
			}
			p.image("breakdown", img)
		}
		p.section("Rows")
		p.summaryTable(*d.Summary)
	} else {
		p.section("Entries")
		p.entryTable(d)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// title is the document's title, "Time report" when it has none.
func (d Document) title() string {
	if t := strings.TrimSpace(d.Title); t != "" {
		return t
	}
	return "Time report"
}

// periodTitle heads the bar chart: "By day" and the like.
func periodTitle(d Document) string {
	if d.PeriodGroup != "" {
		return "By " + string(d.PeriodGroup)
	}
	if d.Summary != nil {
		if g := ReportPeriod(*d.Summary); g != "" {
			return "By " + string(g)
		}
	}
	return "Over time"
}

// firstDimColumn is the column of the first dimension in SummaryHead.
func firstDimColumn(rep app.Report) int {
	if ReportPeriod(rep) != "" {
		return 1
	}
	return 0
}

// pdfPage writes down a page, breaking to a new one when a block does not fit.
type pdfPage struct {
	pdf *fpdf.Fpdf
	n   int // images registered
}

// room makes sure h millimetres fit below the cursor, adding a page when not; it reports
// whether it added one.
func (p *pdfPage) room(h float64) bool {
	if p.pdf.GetY()+h <= pdfPageH-pdfMargin {
		return false
	}
	p.pdf.AddPage()
	return true
}

func (p *pdfPage) heading(d Document) {
	pdf := p.pdf
	pdf.SetTextColor(0x11, 0x11, 0x11)
	pdf.SetFont(pdfFont, "B", 18)
	pdf.CellFormat(pdfWidth, 9, d.title(), "", 1, "L", false, 0, "")
	pdf.SetFont(pdfFont, "", 10)
	pdf.SetTextColor(0x44, 0x44, 0x44)
	line := d.From + " to " + d.To
	if d.Timezone != "" {
		line += " (" + d.Timezone + ")"
	}
	pdf.CellFormat(pdfWidth, 5, line, "", 1, "L", false, 0, "")
	for _, f := range d.Filters {
		pdf.CellFormat(pdfWidth, 5, f.Name+": "+f.Value, "", 1, "L", false, 0, "")
	}
	total, count := d.totals()
	pdf.SetFont(pdfFont, "B", 10)
	pdf.CellFormat(pdfWidth, 6, "Total "+app.FormatMinuteCount(total)+count, "", 1, "L", false, 0, "")
	pdf.SetFont(pdfFont, "", 8)
	pdf.SetTextColor(0x88, 0x88, 0x88)
	pdf.CellFormat(pdfWidth, 4, "Running timers counted up to "+d.AsOf.In(d.loc()).Format("2006-01-02 15:04 MST"), "", 1, "L", false, 0, "")
}

// totals is the total in whole minutes as the table adds them up, and a note on what it
// counts.
func (d Document) totals() (int64, string) {
	if !d.detailed() {
		return TotalMinutes(*d.Summary), ""
	}
	var m int64
	for _, e := range d.Entries {
		m += app.WholeMinutes(e.Seconds)
	}
	n := len(d.Entries)
	if n == 1 {
		return m, " in 1 entry"
	}
	return m, fmt.Sprintf(" in %d entries", n)
}

func (p *pdfPage) section(title string) {
	p.room(20)
	pdf := p.pdf
	pdf.Ln(4)
	pdf.SetFont(pdfFont, "B", 12)
	pdf.SetTextColor(0x11, 0x11, 0x11)
	pdf.CellFormat(pdfWidth, 7, title, "", 1, "L", false, 0, "")
}

// image places img across the text width, keeping its proportions.
func (p *pdfPage) image(name string, img image.Image) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		p.pdf.SetError(fmt.Errorf("encode chart: %w", err))
		return
	}
	p.n++
	name = fmt.Sprintf("%s-%d", name, p.n)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	p.pdf.RegisterImageOptionsReader(name, opts, &buf)
	b := img.Bounds()
	h := pdfWidth * float64(b.Dy()) / float64(b.Dx())
	p.room(h)
	y := p.pdf.GetY()
	p.pdf.ImageOptions(name, pdfMargin, y, pdfWidth, h, false, opts, 0, "")
	p.pdf.SetY(y + h)
}

// table writes rows under a heading row, repeating the heading on each new page, and a
// bold total row. right marks the columns aligned right.
func (p *pdfPage) table(head []string, widths []float64, right []bool, rows [][]string, total []string) {
	pdf := p.pdf
	drawHead := func() {
		pdf.SetFont(pdfFont, "B", 9)
		pdf.SetFillColor(0xe8, 0xee, 0xff)
		pdf.SetTextColor(0x11, 0x11, 0x11)
		for i, h := range head {
			pdf.CellFormat(widths[i], pdfRowH+1, p.fit(h, widths[i]), "", 0, align(right[i]), true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont(pdfFont, "", 9)
	}
	p.room(3 * pdfRowH)
	drawHead()
	for n, r := range rows {
		if p.room(pdfRowH) {
			drawHead()
		}
		fill := n%2 == 1
		pdf.SetFillColor(0xf6, 0xf6, 0xf6)
		for i, c := range r {
			pdf.CellFormat(widths[i], pdfRowH, p.fit(c, widths[i]), "", 0, align(right[i]), fill, 0, "")
		}
		pdf.Ln(-1)
	}
	p.room(pdfRowH)
	pdf.SetFont(pdfFont, "B", 9)
	for i, c := range total {
		pdf.CellFormat(widths[i], pdfRowH+1, p.fit(c, widths[i]), "T", 0, align(right[i]), false, 0, "")
	}
	pdf.Ln(-1)
}

func align(right bool) string {
	if right {
		return "RM"
	}
	return "LM"
}

// fit cuts s with "…" to the width of a cell, less its padding.
func (p *pdfPage) fit(s string, w float64) string {
	w -= 2 * p.pdf.GetCellMargin()
	if p.pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func (p *pdfPage) summaryTable(rep app.Report) {
	head := append(SummaryHead(rep), "Time")
	period := ReportPeriod(rep)
	widths := make([]float64, len(head))
	right := make([]bool, len(head))
	rest := pdfWidth - 22
	widths[len(head)-1], right[len(head)-1] = 22, true
	names := len(head) - 1
	if period != "" {
		widths[0] = 30
		rest -= 30
		names--
	}
	for i := range widths[:len(head)-1] {
		if widths[i] == 0 {
			widths[i] = rest / float64(max(names, 1))
		}
	}
	rows := make([][]string, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		cells := SummaryLabels(rep, r)
		if period != "" {
			cells[0] = PeriodLabel(period, cells[0])
		}
		rows = append(rows, append(cells, app.FormatMinuteCount(r.Minutes())))
	}
	total := make([]string, len(head))
	total[0] = "Total"
	total[len(total)-1] = app.FormatMinuteCount(TotalMinutes(rep))
	p.table(head, widths, right, rows, total)
}

func (p *pdfPage) entryTable(d Document) {
	head := []string{"Date", "Start", "End", "Time", "User", "Project", "Description"}
	widths := []float64{20, 12, 15, 13, 28, 40, pdfWidth - 128}
	right := []bool{false, false, false, true, false, false, false}
	loc := d.loc()
	var rows [][]string
	var mins int64
	for _, e := range d.oldestFirst() {
		end := "running"
		if e.StoppedAt != nil {
			end = e.StoppedAt.In(loc).Format("15:04")
		}
		m := app.WholeMinutes(e.Seconds)
		mins += m
		project := e.ProjectName
		if e.TaskName != "" {
			project += " / " + e.TaskName
		}
		rows = append(rows, []string{e.StartedAt.In(loc).Format(app.DateLayout), e.StartedAt.In(loc).Format("15:04"), end,
			app.FormatMinuteCount(m), e.UserName, project, strings.ReplaceAll(e.Description, "\n", " ")})
	}
	p.table(head, widths, right, rows, []string{"Total", "", "", app.FormatMinuteCount(mins), "", "", ""})
}
