package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestInvoicePDF writes an invoice with a long, accented line, reads its text back with
// pdftotext and renders its page with pdftoppm (testdata/invoice.png when
// STINT_WRITE_INVOICE_PNG is set, to look at).
func TestInvoicePDF(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s (poppler-utils) is needed: %v", tool, err)
			}
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := uuid.New()
	inv := app.Invoice{Number: 42, PeriodFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), PeriodTo: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Grouping: app.GroupByProjectTask, TaxRateBP: 750, Currency: "EUR", SubtotalMinor: 36075, TaxMinor: 2706, TotalMinor: 38781,
		Lines: []app.InvoiceLine{
			{Description: "Website / Café menu redesign", ProjectID: &p, Seconds: 9000, HourlyMinor: 12050, AmountMinor: 30125},
			{Description: strings.Repeat("A very long line item description ", 5), ProjectID: &p, Seconds: 3600, HourlyMinor: 0, AmountMinor: 5950},
		},
		Meta: app.Meta{CreatedAt: at}}
	var buf bytes.Buffer
	if err := InvoicePDF(&buf, inv, InvoiceNames{Organization: "Müller & Söhne", BillTo: "Globex Corporation"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", buf.Bytes())
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Invoice 42", "Müller & Söhne", "Globex Corporation", "2026-11-01 to 2026-11-30", "Café menu redesign",
		"2.50", "120.50 EUR", "301.25 EUR", "...", "Subtotal", "360.75 EUR", "Tax 7.5%", "27.06 EUR", "Total", "387.81 EUR"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// The same invoice gives the same bytes.
	var again bytes.Buffer
	if err := InvoicePDF(&again, inv, InvoiceNames{Organization: "Müller & Söhne", BillTo: "Globex Corporation"}); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("a second rendering differs (%v)", err)
	}
	// Stored instants are UTC; a Berlin user's November starts at 23:00 the day before.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := inv
	utc.PeriodFrom, utc.PeriodTo = time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	utc.CreatedAt = time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	var zoned bytes.Buffer
	if err := InvoicePDF(&zoned, utc, InvoiceNames{Organization: "o", BillTo: "b", Zone: berlin}); err != nil {
		t.Fatal(err)
	}
	zfile := filepath.Join(dir, "zoned.pdf")
	if err := os.WriteFile(zfile, zoned.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ztext, err := exec.Command("pdftotext", "-layout", zfile, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-11-01 to 2026-11-30", "Issued", "2026-12-01"} {
		if !strings.Contains(string(ztext), want) {
			t.Errorf("the Berlin invoice's text lacks %q:\n%s", want, ztext)
		}
	}
	png := filepath.Join(dir, "invoice")
	if os.Getenv("STINT_WRITE_INVOICE_PNG") != "" {
		png = filepath.Join("testdata", "invoice")
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", file, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	if st, err := os.Stat(png + ".png"); err != nil || st.Size() < 1000 {
		t.Errorf("rendered page: %v", err)
	}
}
