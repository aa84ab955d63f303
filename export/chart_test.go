package export

import (
	"bytes"
	"image/color"
	"reflect"
	"testing"

	"github.com/stinthq/stint/app"
)

func TestPeriodBars(t *testing.T) {
	row := func(period string, secs int64) app.ReportRow { return app.ReportRow{Period: period, Seconds: secs} }
	for _, tc := range []struct {
		name string
		rep  app.Report
		want []Bar
	}{
		{"days with gaps filled", app.Report{From: "2026-11-23", To: "2026-11-26", Group: []app.ReportGroup{"project", app.GroupDay},
			Rows: []app.ReportRow{row("2026-11-23", 60), row("2026-11-23", 40), row("2026-11-25", 7)}},
			[]Bar{{Label: "Mon 23", Seconds: 100, Text: "0:01"}, {Label: "Tue 24", Seconds: 0, Text: "0:00"}, {Label: "Wed 25", Seconds: 7, Text: "0:00"},
				{Label: "Thu 26", Seconds: 0, Text: "0:00"}}},
		{"a row's time as its cells show it", app.Report{From: "2026-11-23", To: "2026-11-23", Group: []app.ReportGroup{"project", app.GroupDay},
			Rows: []app.ReportRow{{Period: "2026-11-23", Seconds: 2*2430 + 20, Cells: []int64{40, 40, 0}}}},
			[]Bar{{Label: "Mon 23", Seconds: 4880, Text: "1:20"}}},
		{"weeks starting on the rows' weekday", app.Report{From: "2026-11-03", To: "2026-11-20", Group: []app.ReportGroup{app.GroupWeek},
			Rows: []app.ReportRow{row("2026-11-08", 5)}},
			[]Bar{{Label: "1 Nov", Seconds: 0, Text: "0:00"}, {Label: "8 Nov", Seconds: 5, Text: "0:00"}, {Label: "15 Nov", Seconds: 0, Text: "0:00"}}},
		{"months", app.Report{From: "2026-11-15", To: "2027-01-02", Group: []app.ReportGroup{app.GroupMonth},
			Rows: []app.ReportRow{row("2026-12-01", 9)}},
			[]Bar{{Label: "Nov 2026", Seconds: 0, Text: "0:00"}, {Label: "Dec 2026", Seconds: 9, Text: "0:00"}, {Label: "Jan 2027", Seconds: 0, Text: "0:00"}}},
		{"no period", app.Report{From: "2026-11-23", To: "2026-11-26", Group: []app.ReportGroup{"project"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PeriodBars(tc.rep); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGroupBars(t *testing.T) {
	id := func(n byte) *app.ReportValue {
		return &app.ReportValue{Group: "client", ID: ptrID(n), Name: string(rune('A' + n))}
	}
	rows := []app.ReportRow{
		{Period: "2026-11-23", Values: []app.ReportValue{*id(0)}, Seconds: 10, Cells: []int64{40}},
		{Period: "2026-11-24", Values: []app.ReportValue{*id(0)}, Seconds: 10, Cells: []int64{40}},
		{Period: "2026-11-23", Values: []app.ReportValue{*id(1)}, Seconds: 30},
		{Period: "2026-11-23", Values: []app.ReportValue{*id(2)}, Seconds: 5},
		{Period: "2026-11-23", Values: []app.ReportValue{{Group: "client"}}, Seconds: 4},
	}
	rep := app.Report{Group: []app.ReportGroup{app.GroupDay, "client"}, Rows: rows}
	if got, want := GroupBars(rep, 0), []Bar{{Label: "B", Seconds: 30, Text: "0:00"}, {Label: "A", Seconds: 20, Text: "1:20"}, {Label: "C", Seconds: 5, Text: "0:00"},
		{Label: "(no client)", Seconds: 4, Text: "0:00"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	if got, want := GroupBars(rep, 3), []Bar{{Label: "B", Seconds: 30, Text: "0:00"}, {Label: "A", Seconds: 20, Text: "1:20"}, {Label: "Other", Seconds: 9, Text: "0:00"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("limit 3: %v, want %v", got, want)
	}
	if got := GroupBars(app.Report{Group: []app.ReportGroup{app.GroupWeek}, Rows: []app.ReportRow{{Seconds: 3}}}, 5); got != nil {
		t.Errorf("no dimension: %v", got)
	}
}

// TestChartsDrawBars: the taller bar paints more of the bar colour than the shorter one, and
// an empty chart still draws its axis.
func TestChartsDrawBars(t *testing.T) {
	st := PrintStyle()
	st.Scale = 1
	bar := st.Bar.(color.RGBA)
	count := func(img interface {
		At(x, y int) color.Color
	}, x0, x1, h int) int {
		n := 0
		for y := 0; y < h; y++ {
			for x := x0; x < x1; x++ {
				if c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); c == bar {
					n++
				}
			}
		}
		return n
	}
	img, err := PeriodChart([]Bar{{Label: "a", Seconds: 3600}, {Label: "b", Seconds: 7200}}, 200, 120, st)
	if err != nil {
		t.Fatal(err)
	}
	left, right := count(img, 0, 117, 120), count(img, 117, 200, 120)
	if left == 0 || right < left*3/2 {
		t.Errorf("bar colour: %d pixels left, %d right; want the 2h bar about twice the 1h one", left, right)
	}
	img, err = BreakdownChart(nil, 200, st)
	if err != nil || img.Bounds().Dy() != BreakdownHeight(0, st) {
		t.Errorf("empty breakdown: %v, %v", img.Bounds(), err)
	}
}

// TestChartsWriteBarText: a bar's Text is what the chart writes beside it (decimal hours on
// a desktop set so), in both charts; without it, h:mm.
func TestChartsWriteBarText(t *testing.T) {
	st := PrintStyle()
	st.Scale = 1
	draw := func(ta, tb string) [2][]byte {
		bars := []Bar{{Label: "a", Seconds: 5400, Text: ta}, {Label: "b", Seconds: 1800, Text: tb}}
		p, err := PeriodChart(bars, 400, 160, st)
		if err != nil {
			t.Fatal(err)
		}
		b, err := BreakdownChart(bars, 400, st)
		if err != nil {
			t.Fatal(err)
		}
		return [2][]byte{p.Pix, b.Pix}
	}
	plain, hmm, decimal := draw("", ""), draw("1:30", "0:30"), draw("1.50", "0.50")
	for i, chart := range []string{"period", "breakdown"} {
		if !bytes.Equal(plain[i], hmm[i]) {
			t.Errorf("%s chart: no Text draws other than h:mm", chart)
		}
		if bytes.Equal(plain[i], decimal[i]) {
			t.Errorf("%s chart: Text 1.50 draws as h:mm", chart)
		}
	}
}
