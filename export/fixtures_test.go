package export

import (
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// fixedID is a readable UUID for fixtures: n in its last bytes.
func fixedID(n byte) uuid.UUID {
	return uuid.UUID{0x01, 0x93, 0x00, 0x00, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, n}
}

func ptrID(n byte) *uuid.UUID { id := fixedID(n); return &id }

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}

// asOf is when the fixtures' running entry was measured.
var asOf = time.Date(2026, 11, 26, 15, 30, 0, 0, time.UTC)

// summaryDoc is a report grouped by project and day over the week of 2026-11-23: names with
// accents, one that looks like a formula, time without a project, and a row of 59 seconds
// (0:00 as shown, so the total is the sum of the rows as shown, not of the seconds).
func summaryDoc() Document {
	val := func(n byte, name string) app.ReportValue {
		if n == 0 {
			return app.ReportValue{Group: "project"}
		}
		return app.ReportValue{Group: "project", ID: ptrID(n), Name: name}
	}
	rep := app.Report{From: "2026-11-23", To: "2026-11-29", Timezone: "Europe/Berlin", AsOf: asOf,
		Group: []app.ReportGroup{"project", app.GroupDay},
		Rows: []app.ReportRow{
			{Period: "2026-11-23", Values: []app.ReportValue{val(1, "Café Łódź relaunch")}, Seconds: 3*3600 + 25*60 + 40},
			{Period: "2026-11-23", Values: []app.ReportValue{val(2, `=HYPERLINK("http://x")`)}, Seconds: 45 * 60},
			{Period: "2026-11-24", Values: []app.ReportValue{val(1, "Café Łódź relaunch")}, Seconds: 7*3600 + 5*60},
			{Period: "2026-11-24", Values: []app.ReportValue{val(0, "")}, Seconds: 59},
			{Period: "2026-11-26", Values: []app.ReportValue{val(3, "Zoë's bakery, Inc.")}, Seconds: 2*3600 + 10*60 + 5},
		}}
	for _, r := range rep.Rows {
		rep.TotalSeconds += r.Seconds
	}
	return Document{Title: "Time report", From: rep.From, To: rep.To, Timezone: rep.Timezone, Location: berlin(), AsOf: asOf,
		Filters: []Filter{{"Billable", "all"}}, Summary: &rep, Periods: PeriodBars(rep)}
}

// detailedDoc is three entries, newest first as the service lists them: one crossing
// midnight with text iCalendar must escape and fold, one with a formula-like description
// and two tags, and a running one.
func detailedDoc() Document {
	loc := berlin()
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	stop := func(t time.Time) *time.Time { return &t }
	entries := []app.DetailedEntry{
		{ID: fixedID(13), UserID: fixedID(100), UserName: "Zoë Ærø", ProjectID: ptrID(3), ProjectName: "Zoë's bakery, Inc.",
			Tags: []app.NamedRef{}, Description: "", StartedAt: at(26, 14, 0), Timezone: "Europe/Berlin", Seconds: 30 * 60},
		{ID: fixedID(12), UserID: fixedID(100), UserName: "Zoë Ærø", ProjectID: ptrID(2), ProjectName: `=HYPERLINK("http://x")`,
			TaskID: ptrID(20), TaskName: "Review", Tags: []app.NamedRef{{ID: fixedID(30), Name: "urgent"}, {ID: fixedID(31), Name: "a,b;c"}},
			Description: "-1+1", StartedAt: at(24, 9, 0), StoppedAt: stop(at(24, 9, 20).Add(30 * time.Second)), Timezone: "Europe/Berlin",
			Billable: true, Seconds: 20*60 + 30},
		{ID: fixedID(11), UserID: fixedID(100), UserName: "Zoë Ærø", ProjectID: ptrID(1), ProjectName: "Café Łódź relaunch",
			ClientID: ptrID(40), ClientName: "Łódź Café GmbH", Tags: []app.NamedRef{},
			Description: "Menu; prices, photos \\ copy\nsecond line: ünïcödé text long enough to be folded at seventy-five octets ✓✓✓",
			StartedAt:   at(23, 23, 0), StoppedAt: stop(at(24, 0, 30)), Timezone: "Europe/Berlin", Seconds: 90 * 60},
	}
	return Document{Title: "Entries", From: "2026-11-23", To: "2026-11-29", Timezone: "Europe/Berlin", Location: loc, AsOf: asOf,
		Entries: entries}
}
