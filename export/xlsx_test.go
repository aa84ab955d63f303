package export

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxCell is what a test expects of one cell: its type, raw value and number format
// ("" for none).
type xlsxCell struct {
	ref    string
	typ    excelize.CellType
	raw    string
	format string
}

// checkXLSX writes d, reads the workbook back with excelize and checks each cell named.
func checkXLSX(t *testing.T, d Document, sheet string, want []xlsxCell, rows int) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Fatalf("sheets %q, want [%s]", got, sheet)
	}
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != rows {
		t.Errorf("%d rows, want %d", len(all), rows)
	}
	for _, c := range want {
		typ, err := f.GetCellType(sheet, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.GetCellValue(sheet, c.ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		styleID, err := f.GetCellStyle(sheet, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(styleID)
		if err != nil {
			t.Fatal(err)
		}
		var format string
		if style.CustomNumFmt != nil {
			format = *style.CustomNumFmt
		}
		if typ != c.typ || !sameValue(raw, c.raw) || format != c.format {
			t.Errorf("%s: type %v, value %q, format %q; want type %v, value %q, format %q", c.ref, typ, raw, format, c.typ, c.raw, c.format)
		}
	}
}

// sameValue compares cell values, numbers to 1e-9 (the file keeps 15 significant digits).
func sameValue(got, want string) bool {
	g, gerr := strconv.ParseFloat(got, 64)
	w, werr := strconv.ParseFloat(want, 64)
	if gerr != nil || werr != nil {
		return got == want
	}
	return math.Abs(g-w) < 1e-9
}

// TestXLSXSummary: days are dates, durations numbers of days in [h]:mm of the whole minutes
// shown, seconds integers, names text (a formula-like name too), and the total row the sum
// of the rows as shown.
func TestXLSXSummary(t *testing.T) {
	const (
		str = excelize.CellTypeSharedString
		num = excelize.CellTypeUnset // excelize reads a plain number cell as unset (no t attribute)
	)
	checkXLSX(t, summaryDoc(), SummarySheet, []xlsxCell{
		{"A1", str, "Day", ""}, {"B1", str, "Project", ""}, {"C1", str, "Duration", ""}, {"D1", str, "Seconds", ""},
		// 2026-11-23 is day 46349 of Excel's 1900 system.
		{"A2", num, "46349", DateFormat}, {"B2", str, "Café Łódź relaunch", ""},
		{"C2", num, "0.1423611111111111", DurationFormat}, // 3:25 = 205/1440
		{"D2", num, "12340", ""},
		{"B3", str, `=HYPERLINK("http://x")`, ""},
		{"A5", num, "46350", DateFormat}, {"B5", str, "(no project)", ""}, {"C5", num, "0", DurationFormat}, {"D5", num, "59", ""},
		{"A7", str, "Total", ""},
		{"C7", num, "0.5590277777777778", DurationFormat}, // 13:25 = 805/1440, the rows' minutes
		{"D7", num, "48404", ""},
	}, 7)
}

// TestXLSXDetailed: each entry's date is a date, start and end date-times in the report's
// zone (a running entry has no end), billable a boolean.
func TestXLSXDetailed(t *testing.T) {
	const (
		str = excelize.CellTypeSharedString
		num = excelize.CellTypeUnset
	)
	checkXLSX(t, detailedDoc(), DetailedSheet, []xlsxCell{
		{"A1", str, "Date", ""}, {"L1", str, "Billable", ""},
		{"A2", num, "46349", DateFormat},
		{"B2", num, "46349.958333333336", DateTimeFormat}, // 23:00 Berlin
		{"C2", num, "46350.020833333336", DateTimeFormat}, // 00:30 the next day
		{"D2", num, "0.0625", DurationFormat}, {"E2", num, "5400", ""},
		{"F2", str, "Zoë Ærø", ""}, {"G2", str, "Łódź Café GmbH", ""},
		{"L2", excelize.CellTypeBool, "0", ""}, {"L3", excelize.CellTypeBool, "1", ""},
		{"K3", str, "-1+1", ""}, {"J3", str, "urgent, a,b;c", ""},
		{"C4", num, "", ""}, // running
		{"A5", str, "Total", ""}, {"D5", num, "0.09722222222222222", DurationFormat}, {"E5", num, "8430", ""},
	}, 5)
}
