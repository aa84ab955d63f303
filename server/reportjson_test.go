package server

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// A summary report's body is written by its appender; it must be what encoding/json writes
// for the same body, byte for byte.
func TestSummaryBodyAppendJSONIsEncodingJSON(t *testing.T) {
	id := uuid.MustParse("0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	other := uuid.MustParse("ffffffff-0000-4000-8000-00000000000a")
	odd := "design <review> & \"notes\"\\ \n\t\x00 é 日本 \u2028 \xff end"
	zoned := time.Date(2026, 3, 29, 2, 30, 0, 999, time.FixedZone("", -(3*3600+30*60)))
	rows := []app.ReportRow{
		{Period: "2026-11-23", Values: []app.ReportValue{{Group: "project", ID: &id, Name: odd}}, Seconds: 3600,
			Amount: app.Money{Minor: 12345, Currency: "EUR"}, Cells: []int64{60}},
		{Period: "2026-11-24", Values: []app.ReportValue{{Group: "project"}}, Seconds: 59},
		{Values: []app.ReportValue{{Group: "user", ID: &other, Name: "Ada"}, {Group: "tag", Name: ""}}, Seconds: 1 << 40,
			Amount: app.Money{Minor: -5, Currency: "<&>"}},
		{Values: []app.ReportValue{}},
		{},
	}
	full := summaryBody{
		Summary: app.Summary{From: "2026-11-23", To: "2026-11-29", Timezone: "America/St_Johns", TotalSeconds: 1<<40 + 3659,
			Days:     []app.DayShare{{Date: "2026-11-23", Seconds: 3600, Span: time.Hour}, {Date: "2026-11-24", Seconds: 59}},
			Projects: []app.ProjectSeconds{{ProjectID: &id, Seconds: 3600}, {Seconds: 59}}},
		Group: []app.ReportGroup{"project", app.GroupDay}, AsOf: zoned, Rows: rows,
		TotalAmount: app.Money{Minor: 12340, Currency: "EUR"},
	}
	tests := []struct {
		name string
		body summaryBody
	}{
		{"zero", summaryBody{}},
		{"empty lists", summaryBody{Summary: app.Summary{Days: []app.DayShare{}, Projects: []app.ProjectSeconds{}},
			Group: []app.ReportGroup{}, Rows: []app.ReportRow{}, AsOf: time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC)}},
		{"every field set", full},
	}
	marshal := appendingMarshal(huma.DefaultJSONFormat.Marshal)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := tt.body.AppendJSON([]byte("prefix"))
			if !ok {
				t.Fatal("AppendJSON declined the body")
			}
			want := stdJSON(t, tt.body)
			if got := b[len("prefix"):]; !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
			}
			var body bytes.Buffer
			if err := marshal(&body, tt.body); err != nil || !bytes.Equal(body.Bytes(), want) {
				t.Errorf("the response body is %s (%v), want %s", body.Bytes(), err, want)
			}
		})
	}
	// An as_of encoding/json refuses fails the body as encoding/json would fail it.
	far := full
	far.AsOf = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if b, ok := far.AppendJSON([]byte("prefix")); ok || string(b) != "prefix" {
		t.Errorf("AppendJSON of a year-10000 as_of = %q, %v; want the buffer unchanged and false", b, ok)
	}
	if err := marshal(&bytes.Buffer{}, far); err == nil {
		t.Error("a body with a year-10000 as_of was written")
	}
}

// The appender writes the fields these types have today; a field added to one of them
// must be added to the appender too (and to the test above), which this count recalls.
func TestSummaryBodyAppenderKnowsEveryField(t *testing.T) {
	for typ, want := range map[reflect.Type]int{
		reflect.TypeFor[summaryBody]():        5,
		reflect.TypeFor[app.Summary]():        6,
		reflect.TypeFor[app.DayShare]():       3,
		reflect.TypeFor[app.ProjectSeconds](): 2,
		reflect.TypeFor[app.ReportRow]():      5,
		reflect.TypeFor[app.ReportValue]():    3,
		reflect.TypeFor[app.Money]():          2,
	} {
		if got := typ.NumField(); got != want {
			t.Errorf("%v has %d fields, the summary's appender knows %d: update summaryBody.AppendJSON", typ, got, want)
		}
	}
}
