package export

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

var keepPNG = flag.String("keep-png", "", "copy the PDF pages the tests render to this directory, to look at")

// poppler returns the path of a poppler tool, skipping the test when it is missing (failing
// under CI, which installs it: make deps).
func poppler(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed under CI (Debian: poppler-utils): %v", tool, err)
		}
		t.Skipf("%s not installed (Debian: poppler-utils); the PDF is not rendered", tool)
	}
	return path
}

// renderPDF writes d as a PDF, renders its pages to PNG with pdftoppm and returns them in
// order, with the text pdftotext reads from the file.
func renderPDF(t *testing.T, name string, d Document) ([]image.Image, string) {
	t.Helper()
	pdftoppm, pdftotext := poppler(t, "pdftoppm"), poppler(t, "pdftotext")
	dir := t.TempDir()
	pdf := filepath.Join(dir, name+".pdf")
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "80", "-png", pdf, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	text, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, name+"-*.png"))
	sort.Strings(files)
	var pages []image.Image
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, img)
		if *keepPNG != "" {
			if err := os.WriteFile(filepath.Join(*keepPNG, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return pages, string(text)
}

// inked is the share of an image's pixels that are not near white.
func inked(img image.Image) float64 {
	b := img.Bounds()
	var n int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

// colourful counts pixels that are clearly coloured (a chart's bars, not grey text).
func colourful(img image.Image) int {
	b := img.Bounds()
	var n int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			hi, lo := max(r, g, bl), min(r, g, bl)
			if hi-lo > 0x4000 {
				n++
			}
		}
	}
	return n
}

// TestPDFSummary renders the summary PDF: one page with ink on it, the charts in colour, the
// names with accents as text (the embedded font has them), and the total of the rows.
func TestPDFSummary(t *testing.T) {
	pages, text := renderPDF(t, "summary", summaryDoc())
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	if ink := inked(pages[0]); ink < 0.01 {
		t.Errorf("page 1 is blank (%.4f inked)", ink)
	}
	if n := colourful(pages[0]); n < 2000 {
		t.Errorf("only %d coloured pixels: no charts?", n)
	}
	for _, want := range []string{"Time report", "2026-11-23 to 2026-11-29 (Europe/Berlin)", "Café Łódź relaunch", "Zoë's bakery, Inc.",
		"By day", "By project", "Total 13:25", "(no project)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
}

// TestPDFPages: a report of many rows runs over several pages, every one of them printed.
func TestPDFPages(t *testing.T) {
	d := summaryDoc()
	rep := *d.Summary
	rep.Rows = nil
	rep.TotalSeconds = 0
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 120 {
		id := fixedID(byte(i))
		rep.Rows = append(rep.Rows, app.ReportRow{Period: day.AddDate(0, 0, i).Format(app.DateLayout),
			Values: []app.ReportValue{{Group: "project", ID: &id, Name: "Project " + string(rune('A'+i%26))}}, Seconds: int64(i%9+1) * 1800})
		rep.TotalSeconds += rep.Rows[i].Seconds
	}
	rep.From, rep.To = "2026-01-01", "2026-04-30"
	d.Summary, d.From, d.To, d.Periods = &rep, rep.From, rep.To, PeriodBars(rep)
	pages, text := renderPDF(t, "long", d)
	if len(pages) < 3 {
		t.Fatalf("%d pages for 120 rows and two charts, want 3 or more", len(pages))
	}
	for i, p := range pages {
		if ink := inked(p); ink < 0.005 {
			t.Errorf("page %d is blank (%.4f inked)", i+1, ink)
		}
	}
	if !strings.Contains(text, "Total "+app.FormatMinuteCount(TotalMinutes(rep))) || !strings.Contains(text, "2026-04-30") {
		t.Errorf("the total or the last row is missing:\n%s", text)
	}
}

// TestPDFDetailed renders the entries' PDF: a page with the chart per week the caller
// passed, the entries and their total.
func TestPDFDetailed(t *testing.T) {
	d := detailedDoc()
	d.Periods, d.PeriodGroup = []Bar{{Label: "23 Nov", Seconds: 8400}}, app.GroupWeek
	pages, text := renderPDF(t, "detailed", d)
	if len(pages) != 1 || inked(pages[0]) < 0.005 {
		t.Fatalf("%d pages, or a blank one", len(pages))
	}
	for _, want := range []string{"Entries", "Zoë Ærø", "running", "Total 2:20 in 3 entries", "=HYPERLINK", "By week"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
}
