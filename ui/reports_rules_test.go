//go:build !headless

package ui

import (
	"reflect"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// TestReportsAddUpAsTheTimesheet: the Reports screen counts time as the timer and the
// timesheet do (a project's whole minutes on each day), so its week by project has the
// timesheet's totals; and its rows add up to its total in h:mm and in decimal hours (three
// 0:20 show 0.33 each and 0.99 together, as the timesheet has it), the charts writing
// durations the same way.
func TestReportsAddUpAsTheTimesheet(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, berlin) }
	a, b, c := h.project("Alpha"), h.project("Beta"), h.project("Gamma")
	h.entryAt("one", &a, at(23, 9), 20*time.Minute+30*time.Second)
	h.entryAt("two", &a, at(24, 9), 20*time.Minute+30*time.Second)
	h.entryAt("three", &b, at(25, 9), 20*time.Minute)
	h.entryAt("four", &c, at(25, 10), 20*time.Minute)
	h.external()

	for _, tc := range []struct {
		duration string
		table    [][]string
		wed      string // Wednesday's bar
	}{
		{"hmm", [][]string{{"Alpha", "0:40", "50%"}, {"Beta", "0:20", "25%"}, {"Gamma", "0:20", "25%"}, {"Total", "1:20", ""}}, "0:40"},
		{"decimal", [][]string{{"Alpha", "0.66", "50%"}, {"Beta", "0.33", "25%"}, {"Gamma", "0.33", "25%"}, {"Total", "1.32", ""}}, "0.66"},
	} {
		t.Run(tc.duration, func(t *testing.T) {
			h.fyne.Preferences().SetString(prefDuration, tc.duration)
			h.u.show(2) // the timesheet
			h.wait()
			sheet := h.u.timesheet.cells
			sheetTotal := sheet[len(sheet)-1][len(sheet[0])-1].Text
			s := h.reports()
			if !reflect.DeepEqual(s.cells, tc.table) {
				t.Errorf("table %q, want %q", s.cells, tc.table)
			}
			want := tc.table[len(tc.table)-1][1]
			if sheetTotal != want || s.total.Text != "Total "+want {
				t.Errorf("timesheet's total %s, Reports' %q; want both %s", sheetTotal, s.total.Text, want)
			}
			if len(s.bars) != 7 || s.bars[2].Text != tc.wed {
				t.Errorf("bars %v; want Wednesday's written %s", s.bars, tc.wed)
			}
			if bars := groupBars(s.groups, h.u.display()); len(bars) != 3 || bars[0].Text != tc.table[0][1] {
				t.Errorf("breakdown bars %v; want Alpha's written %s", bars, tc.table[0][1])
			}
		})
	}
}

// TestReportsDisplayWeek: the first day of the week in Settings sets This week, Last week
// and the weeks of a long range's chart.
func TestReportsDisplayWeek(t *testing.T) {
	h, s := reportsHarness(t)
	h.fyne.Preferences().SetString(prefWeek, "sunday")
	s.rangeSel.SetSelected("Last week")
	s.rangeSel.SetSelected("This week")
	h.wait()
	if s.query.From != "2026-11-22" || s.query.To != "2026-11-28" || s.rangeLabel.Text != "22 – 28 November 2026" {
		t.Errorf("this week from Sunday: %s to %s, %q", s.query.From, s.query.To, s.rangeLabel.Text)
	}
	if len(s.bars) != 7 || s.bars[0].Label != "Sun 22" {
		t.Errorf("bars %v, want Sun 22 first", s.bars)
	}
	s.rangeSel.SetSelected("Custom")
	h.typeInto(s.from, "2026-10-01")
	h.typeInto(s.to, "2026-11-28")
	h.enter(s.to)
	if s.period != app.GroupWeek || len(s.bars) == 0 || s.bars[0].Label != "27 Sep" {
		t.Fatalf("weeks from Sunday: %s, %v", s.period, s.bars)
	}
	var sum int64
	for _, b := range s.bars {
		sum += b.Seconds
	}
	if want := int64(7*3600 + 15*60); sum != want || s.bars[len(s.bars)-1] != (export.Bar{Label: "22 Nov", Seconds: 6*3600 + 15*60, Text: "6:15"}) {
		t.Errorf("weeks %v (%d s), want the last 22 Nov at 6:15 and %d s in all", s.bars, sum, want)
	}
}
