package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/stinthq/stint/app"
)

// InvoiceNames are the names an invoice's PDF prints beside its ids.
type InvoiceNames struct {
	Organization string // who bills
	BillTo       string // the client (or project) billed
	// Zone is the zone the dates are printed in: the user's, which cut the period's days
	// (the stored instants are UTC); nil prints them as the instants carry them.
	Zone *time.Location
}

// InvoicePDF writes inv as an A4 PDF: the number and parties, the period, one row per line
// item (hours, rate, amount), then subtotal, tax and total. Text goes through the core
// fonts' code page (cp1252), so Western European names print as they are. The document's
// dates are the invoice's, so the same invoice gives the same file.
func InvoicePDF(w io.Writer, inv app.Invoice, names InvoiceNames) error {
	if names.Zone != nil {
		inv.PeriodFrom, inv.PeriodTo, inv.CreatedAt = inv.PeriodFrom.In(names.Zone), inv.PeriodTo.In(names.Zone), inv.CreatedAt.In(names.Zone)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	// Catalogs in a fixed order, and the invoice's dates: the same invoice, the same bytes.
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(inv.CreatedAt)
	pdf.SetModificationDate(inv.CreatedAt)
	pdf.SetTitle(fmt.Sprintf("Invoice %d", inv.Number), true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	money := func(minor int64) string { return app.Money{Minor: minor, Currency: inv.Currency}.String() }
	pdf.AddPage()

	pdf.SetFont("Helvetica", "B", 20)
	pdf.CellFormat(0, 10, tr(fmt.Sprintf("Invoice %d", inv.Number)), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 6, tr(names.Organization), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	last := inv.PeriodTo.AddDate(0, 0, -1)
	rows := [][2]string{
		{"Bill to", names.BillTo},
		{"Period", inv.PeriodFrom.Format(app.DateLayout) + " to " + last.Format(app.DateLayout)},
		{"Issued", inv.CreatedAt.Format(app.DateLayout)},
	}
	for _, r := range rows {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(30, 6, tr(r[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(0, 6, tr(r[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(6)

	widths := []float64{90, 20, 30, 30}
	header := []string{"Item", "Hours", "Rate", "Amount"}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetFillColor(235, 238, 245)
	for i, h := range header {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 8, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 10)
	for _, l := range inv.Lines {
		desc := l.Description
		if l.Date != "" {
			desc = l.Date + "  " + desc
		}
		rate := "-"
		if l.HourlyMinor > 0 {
			rate = money(l.HourlyMinor)
		}
		pdf.CellFormat(widths[0], 7, fit(pdf, tr, desc, widths[0]-2), "", 0, "L", false, 0, "")
		pdf.CellFormat(widths[1], 7, fmt.Sprintf("%.2f", float64(l.Seconds)/3600), "", 0, "R", false, 0, "")
		pdf.CellFormat(widths[2], 7, rate, "", 0, "R", false, 0, "")
		pdf.CellFormat(widths[3], 7, money(l.AmountMinor), "", 1, "R", false, 0, "")
	}
	pdf.Ln(2)
	total := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(widths[0]+widths[1]+widths[2], 7, label, "T", 0, "R", false, 0, "")
		pdf.CellFormat(widths[3], 7, value, "T", 1, "R", false, 0, "")
	}
	total("Subtotal", money(inv.SubtotalMinor), false)
	total("Tax "+percent(inv.TaxRateBP), money(inv.TaxMinor), false)
	total("Total", money(inv.TotalMinor), true)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("invoice pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("invoice pdf: %w", err)
	}
	return nil
}

// percent writes basis points as a percentage: 1900 is "19%", 750 is "7.5%".
func percent(bp int64) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// fit translates s for the core fonts, shortened with an ellipsis until it fits width
// millimetres.
func fit(pdf *fpdf.Fpdf, tr func(string) string, s string, width float64) string {
	if pdf.GetStringWidth(tr(s)) <= width {
		return tr(s)
	}
	r := []rune(s)
	for len(r) > 1 && pdf.GetStringWidth(tr(string(r)+"...")) > width {
		r = r[:len(r)-1]
	}
	return tr(string(r) + "...")
}
