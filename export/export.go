// Package export writes reports as files people send on: CSV (RFC 4180, safe to open in a
// spreadsheet), JSON, iCalendar, XLSX with typed cells and PDF with charts. One file per
// format; the charts are drawn here too (chart.go), so the desktop shows the same pictures
// the PDF prints. The package reads app's report types and writes bytes; it asks no store.
package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// Format is a file format an export writes.
type Format string

// The formats, named as the CLI's --format and the file extensions name them.
const (
	CSV  Format = "csv"
	JSON Format = "json"
	ICS  Format = "ics"
	XLSX Format = "xlsx"
	PDF  Format = "pdf"
)

// Formats lists every format, in the order a menu offers them.
func Formats() []Format { return []Format{CSV, XLSX, PDF, JSON, ICS} }

// ParseFormat reads a format name such as "csv" or "PDF".
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, g := range Formats() {
		if f == g {
			return f, nil
		}
	}
	return "", fmt.Errorf("export format %q: want one of csv, xlsx, pdf, json, ics", s)
}

// Filter is one line of what a report was narrowed by, as a reader sees it ("Project", "Acme").
type Filter struct {
	Name  string
	Value string
}

// Document is what an export writes: a summary report or the entries of a detailed one
// (exactly one of them), with what a reader needs to know about how it was asked for.
type Document struct {
	// Title heads the PDF and names the sheet's report ("Time report").
	Title string
	// From, To and Timezone are the report's days (inclusive) and the zone they were cut in.
	From, To, Timezone string
	// Location is Timezone loaded; entries' dates and times are written in it.
	Location *time.Location
	// AsOf is when running entries were measured up to (also the iCalendar DTSTAMP).
	AsOf time.Time
	// Filters are printed under the PDF's title.
	Filters []Filter
	// Summary is the report for a summary export; nil for a detailed one.
	Summary *app.Report
	// Entries are a detailed report's entries, newest first as the service lists them.
	Entries []app.DetailedEntry
	// Periods are the totals per day, week or month for the PDF's bar chart; nil draws
	// none. PeriodBars makes them from a report grouped by a period.
	Periods []Bar
	// PeriodGroup is what Periods are per (day, week or month), for the chart's title;
	// empty: the summary's period group.
	PeriodGroup app.ReportGroup
	// BOM starts a CSV file with a UTF-8 byte order mark, for Excel.
	BOM bool
}

// detailed reports whether d holds entries rather than a summary.
func (d Document) detailed() bool { return d.Summary == nil }

// loc is the document's zone, UTC when none was given.
func (d Document) loc() *time.Location {
	if d.Location != nil {
		return d.Location
	}
	return time.UTC
}

// oldestFirst returns the entries in the order files list them: oldest first.
func (d Document) oldestFirst() []app.DetailedEntry {
	out := make([]app.DetailedEntry, len(d.Entries))
	for i, e := range d.Entries {
		out[len(out)-1-i] = e
	}
	return out
}

// GroupTitle is a group's column heading: "Project", "Week".
func GroupTitle(g app.ReportGroup) string {
	s := string(g)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ValueName is a row's value as text: its name, or "(no project)" and the like.
func ValueName(v app.ReportValue) string {
	if v.ID == nil {
		return "(no " + string(v.Group) + ")"
	}
	if v.Name == "" {
		return "(deleted " + string(v.Group) + ")"
	}
	return v.Name
}

// ReportPeriod is the report's period group, "" for none.
func ReportPeriod(rep app.Report) app.ReportGroup {
	for _, g := range rep.Group {
		if g == app.GroupDay || g == app.GroupWeek || g == app.GroupMonth {
			return g
		}
	}
	return ""
}

// PeriodLabel is a row's period as text: the day, "week of" its first day, or the month.
func PeriodLabel(g app.ReportGroup, first string) string {
	switch g {
	case app.GroupWeek:
		return "week of " + first
	case app.GroupMonth:
		return strings.TrimSuffix(first, "-01")
	}
	return first
}

// SummaryHead is the headings of a summary's label columns: the period first, then each
// dimension in the order grouped.
func SummaryHead(rep app.Report) []string {
	period := ReportPeriod(rep)
	var head []string
	if period != "" {
		head = append(head, GroupTitle(period))
	}
	for _, g := range rep.Group {
		if g != period {
			head = append(head, GroupTitle(g))
		}
	}
	return head
}

// SummaryLabels is a row's label cells, matching SummaryHead; the period as the row's first
// day (YYYY-MM-DD).
func SummaryLabels(rep app.Report, r app.ReportRow) []string {
	var cols []string
	if ReportPeriod(rep) != "" {
		cols = append(cols, r.Period)
	}
	for _, v := range r.Values {
		cols = append(cols, ValueName(v))
	}
	return cols
}

// TotalMinutes is the sum of the rows' whole minutes: the total a reader gets by adding
// up the rows as shown in h:mm.
func TotalMinutes(rep app.Report) int64 {
	var m int64
	for _, r := range rep.Rows {
		m += r.Minutes()
	}
	return m
}

// entryTags is an entry's tag names, comma-separated.
func entryTags(e app.DetailedEntry) string {
	tags := make([]string, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = t.Name
	}
	return strings.Join(tags, ", ")
}

// entryEnd is when an entry ends in a file: its stop, or asOf for a running one.
func entryEnd(e app.DetailedEntry, asOf time.Time) time.Time {
	if e.StoppedAt != nil {
		return *e.StoppedAt
	}
	return asOf
}
