package export

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stinthq/stint/app"
)

// cellsDoc is a report by project whose rows carry their cells (app.ReportRow.Minutes): Web
// 40:30 on each of two days, 81 minutes at once but 1:20 as its cells show, and Ops 20:40.
func cellsDoc() Document {
	rep := app.Report{From: "2026-11-16", To: "2026-11-22", Timezone: "Europe/Berlin", AsOf: asOf, Group: []app.ReportGroup{"project"},
		Rows: []app.ReportRow{
			{Values: []app.ReportValue{{Group: "project", ID: ptrID(1), Name: "Web"}}, Seconds: 2 * (40*60 + 30), Cells: []int64{40, 40}},
			{Values: []app.ReportValue{{Group: "project", ID: ptrID(2), Name: "Ops"}}, Seconds: 20*60 + 40, Cells: []int64{20}},
		}}
	rep.TotalSeconds = rep.Rows[0].Seconds + rep.Rows[1].Seconds
	return Document{Title: "Time report", From: rep.From, To: rep.To, Timezone: rep.Timezone, Location: berlin(), AsOf: asOf, Summary: &rep}
}

// TestFilesShowRowsByTheirCells: a file shows each row as its cells add up (1:20, as the
// Reports screen and stint report do), and a total that is the sum of the rows shown, while
// its seconds stay exact.
func TestFilesShowRowsByTheirCells(t *testing.T) {
	d := cellsDoc()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Project", "Duration", "Seconds"}, {"Web", "1:20", "4860"}, {"Ops", "0:20", "1240"}, {"Total", "1:40", "6100"}}
	if len(recs) != len(want) {
		t.Fatalf("CSV %q", recs)
	}
	for i := range want {
		if len(recs[i]) != 3 || recs[i][0] != want[i][0] || recs[i][1] != want[i][1] || recs[i][2] != want[i][2] {
			t.Errorf("CSV row %d: %q, want %q", i, recs[i], want[i])
		}
	}

	buf.Reset()
	if err := WriteXLSX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sheet := f.GetSheetName(0)
	for _, c := range []struct {
		ref  string
		mins int64
	}{{"B2", 80}, {"B3", 20}, {"B4", 100}} {
		raw, err := f.GetCellValue(sheet, c.ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.Abs(v*24*60-float64(c.mins)) > 1e-6 {
			t.Errorf("XLSX %s = %q, want %d minutes", c.ref, raw, c.mins)
		}
	}

	if got := TotalMinutes(*d.Summary); got != 100 {
		t.Errorf("PDF total %d minutes, want 100", got)
	}
	if bars := GroupBars(*d.Summary, 10); len(bars) != 2 || bars[0].time() != "1:20" {
		t.Errorf("PDF breakdown %v, want Web at 1:20", bars)
	}
}
