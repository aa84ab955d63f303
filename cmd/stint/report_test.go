package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
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
	var det detailedReport
	h.okJSON(&det, "report", "--from", "2026-11-24", "--to", "2026-11-24", "--detailed", "--json")
	// The entry from the 23rd counts its 30 minutes after midnight.
	if len(det.Entries) != 3 || det.TotalSeconds != 1800+1230+1230 {
		t.Errorf("detailed: %d entries, %d s", len(det.Entries), det.TotalSeconds)
	}
	if r := h.run("report", "--group", "project,task,user"); r.code == 0 || !strings.Contains(r.stderr, "group") {
		t.Errorf("three dimensions: exit %d, %s", r.code, r.stderr)
	}
	if r := h.run("report", "--format", "xlsx"); r.code == 0 || !strings.Contains(r.stderr, "not available yet") {
		t.Errorf("xlsx: exit %d, %s", r.code, r.stderr)
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

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"plain": "plain", "": "", "a=b": "a=b", "1:30": "1:30"} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
