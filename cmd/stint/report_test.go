package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

// seedReport writes three entries in the week of 2026-11-23 (Berlin): one crossing
// midnight on a project with a long name, one on a project whose name starts with "=", one
// on no project; the last is billable.
func seedReport(t *testing.T, h *harness) {
	t.Helper()
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		long, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "A project with a name far too long for any table column"})
		if err != nil {
			t.Fatal(err)
		}
		formula, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "=HYPERLINK(\"http://x\")"})
		if err != nil {
			t.Fatal(err)
		}
		add := func(p *app.Project, start time.Time, d time.Duration, billable bool) {
			stop := start.Add(d)
			in := app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Billable: &billable, Description: "-1+1"}
			if p != nil {
				in.ProjectID = &p.ID
			}
			if _, err := svc.CreateTimeEntry(ctx, a, in); err != nil {
				t.Fatal(err)
			}
		}
		add(&long, time.Date(2026, 11, 23, 23, 0, 0, 0, loc), 90*time.Minute, false)
		add(&formula, time.Date(2026, 11, 24, 9, 0, 0, 0, loc), 20*time.Minute+30*time.Second, false)
		add(nil, time.Date(2026, 11, 24, 10, 0, 0, 0, loc), 20*time.Minute+30*time.Second, true)
	})
}

func TestReportTable(t *testing.T) {
	h := newHarness(t)
	seedReport(t, h)
	out := h.ok("report", "--from", "2026-11-23", "--to", "2026-11-29")
	for _, want := range []string{"Day", "Project", "2026-11-23", "2026-11-24", "1:00", "0:30", "0:20", "(no project)", "…"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "far too long for any table column") {
		t.Errorf("a long name is not cut:\n%s", out)
	}
	// 60 + 30 + 20 + 20 minutes as shown, not 131 minutes of exact time.
	if !strings.Contains(out, "Total") || !strings.Contains(out, "2:10") {
		t.Errorf("total is not the sum of the rows as shown:\n%s", out)
	}
	out = h.ok("report", "--from", "2026-11-23", "--to", "2026-11-29", "--group", "project", "--billable")
	if !strings.Contains(out, "(no project)") || strings.Contains(out, "A project") || !strings.Contains(out, "0:20") {
		t.Errorf("billable only:\n%s", out)
	}
}

func TestReportJSON(t *testing.T) {
	h := newHarness(t)
	seedReport(t, h)
	var rep app.Report
	h.okJSON(&rep, "report", "--from", "2026-11-23", "--to", "2026-11-29", "--group", "week", "--json")
	if rep.TotalSeconds != 5400+1230+1230 || len(rep.Rows) != 1 || rep.Rows[0].Period != "2026-11-23" || rep.Timezone != berlin {
		t.Errorf("report by week: %+v", rep)
	}
	var det export.DetailedJSON
	h.okJSON(&det, "report", "--from", "2026-11-24", "--to", "2026-11-24", "--detailed", "--json")
	// The entry from the 23rd counts its 30 minutes after midnight.
	if len(det.Entries) != 3 || det.TotalSeconds != 1800+1230+1230 {
		t.Errorf("detailed: %d entries, %d s", len(det.Entries), det.TotalSeconds)
	}
	if r := h.run("report", "--group", "project,task,user"); r.code == 0 || !strings.Contains(r.stderr, "group") {
		t.Errorf("three dimensions: exit %d, %s", r.code, r.stderr)
	}
}

// TestReportCSV: RFC 4180 with CRLF, an optional BOM, and cells that would be formulas
// neutralised; the total record is the sum of the rows.
func TestReportCSV(t *testing.T) {
	h := newHarness(t)
	seedReport(t, h)
	path := filepath.Join(t.TempDir(), "r.csv")
	h.ok("report", "--from", "2026-11-23", "--to", "2026-11-29", "--group", "project", "--format", "csv", "-o", path, "--bom")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbfProject,Duration,Seconds\r\n")) {
		t.Errorf("no BOM or header: %q", b)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var formula bool
	for _, r := range recs {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("cell %q would run as a formula", c)
			}
			formula = formula || c == `'=HYPERLINK("http://x")`
		}
	}
	if !formula {
		t.Errorf("the project named =HYPERLINK is missing: %q", recs)
	}
	last := recs[len(recs)-1]
	if last[0] != "Total" || last[1] != "2:10" || last[2] != "7860" {
		t.Errorf("total record %q", last)
	}
	out := h.ok("report", "--from", "2026-11-24", "--to", "2026-11-24", "--detailed", "--format", "csv")
	if !strings.Contains(out, "'-1+1") || !strings.Contains(out, "\r\n") || strings.HasPrefix(out, "\xef\xbb\xbf") {
		t.Errorf("detailed CSV:\n%q", out)
	}
}

// TestReportFiles writes each file format through the CLI and reads it back: the format
// from --format or from -o's extension, the summary's total in the XLSX, an event per entry
// in the iCalendar file (--format ics lists entries without --detailed), a PDF, JSON.
func TestReportFiles(t *testing.T) {
	h := newHarness(t)
	seedReport(t, h)
	dir := t.TempDir()
	week := []string{"report", "--from", "2026-11-23", "--to", "2026-11-29"}
	run := func(name string, args ...string) []byte {
		t.Helper()
		path := filepath.Join(dir, name)
		if r := h.run(append(append(append([]string{}, week...), args...), "-o", path)...); r.code != 0 || !strings.Contains(r.stderr, "wrote "+path) {
			t.Fatalf("%s: exit %d, %s", name, r.code, r.stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	x, err := excelize.OpenReader(bytes.NewReader(run("week.xlsx", "--group", "project")))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(export.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; len(rows) != 5 || last[0] != "Total" {
		t.Errorf("xlsx rows: %q", rows)
	}
	// 60+30, 20 and 20 minutes as shown: 130 minutes, a day's 130/1440.
	if v, err := x.GetCellValue(export.SummarySheet, "B5", excelize.Options{RawCellValue: true}); err != nil || !strings.HasPrefix(v, "0.0902777") {
		t.Errorf("xlsx total duration %q, %v", v, err)
	}
	if v, _ := x.GetCellValue(export.SummarySheet, "C5"); v != "7860" {
		t.Errorf("xlsx total seconds %q", v)
	}
	x.Close()

	ics := strings.ReplaceAll(string(run("week.ics")), "\r\n ", "")
	if n := strings.Count(ics, "BEGIN:VEVENT"); n != 3 || !strings.Contains(ics, "DTSTART:20261123T220000Z\r\n") ||
		!strings.Contains(ics, "SUMMARY:-1+1 (A project with a name far too long for any table column)") {
		t.Errorf("ics with %d events:\n%s", n, ics)
	}

	if pdf := run("week.pdf"); !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 2000 {
		t.Errorf("pdf: %d bytes starting %q", len(pdf), pdf[:min(len(pdf), 8)])
	}
	if pdf := run("entries.pdf", "--detailed", "--project", "=HYPERLINK(\"http://x\")"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("detailed pdf starts %q", pdf[:min(len(pdf), 8)])
	}

	var rep app.Report
	if err := json.Unmarshal(run("week.data", "--format", "json", "--group", "week"), &rep); err != nil || rep.TotalSeconds != 7860 {
		t.Errorf("json file: %+v, %v", rep, err)
	}
	if csvFile := run("week.csv", "--detailed"); !bytes.HasPrefix(csvFile, []byte("Date,Start,End")) {
		t.Errorf("csv by extension: %q", csvFile)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
}

// TestReportFormatErrors: what the flags refuse, each with a usage error and no file.
func TestReportFormatErrors(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "xlsx"}, "add -o FILE"},
		{[]string{"--format", "pdf"}, "add -o FILE"},
		{[]string{"--format", "odt", "-o", filepath.Join(dir, "r.odt")}, "--format must be"},
		{[]string{"-o", filepath.Join(dir, "r.txt")}, "name the format"},
		{[]string{"--format", "table", "-o", filepath.Join(dir, "r.csv")}, "-o writes a file"},
		{[]string{"--bom", "--format", "json"}, "--bom is for CSV"},
		{[]string{"--json", "--format", "csv"}, "disagree"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := h.run(append([]string{"report"}, tc.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, %s; want 2 and %q", r.code, r.stderr, tc.want)
			}
		})
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files written: %v", files)
	}
}

// TestUnknownMemberNamesTheMembers: a --user or --member that names nobody says which
// members there are, in report, activity and rate alike, since no command lists them.
func TestUnknownMemberNamesTheMembers(t *testing.T) {
	h := newHarness(t)
	h.seed(func(context.Context, *app.Service, app.Actor) {}) // the owner is "Seeder"
	for _, args := range [][]string{{"report", "--user", "nobody"}, {"activity", "--user", "nobody"}, {"rate", "list", "--member", "nobody"}} {
		r := h.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, `"nobody"`) || !strings.Contains(r.stderr, `the members are "Seeder"`) {
			t.Errorf("stint %v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
