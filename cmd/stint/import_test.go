package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// togglFile is importer/testdata/toggl.csv: three good rows of two people (one across
// midnight, one in Berlin's repeated hour) and a row with a date that does not exist (line 6).
var togglFile = filepath.Join("..", "..", "importer", "testdata", "toggl.csv")

func TestImportToggl(t *testing.T) {
	h := newHarness(t)
	h.seed(func(context.Context, *app.Service, app.Actor) {})

	r := h.run("import", togglFile)
	if r.code != 2 || !strings.Contains(r.stderr, "--timezone") {
		t.Fatalf("without a zone: exit %d, stderr %q; want 2 and a line naming --timezone", r.code, r.stderr)
	}
	r = h.run("import", togglFile, "--timezone", berlin)
	if r.code != 1 || !strings.Contains(r.stdout, "line 6: start date") || !strings.Contains(r.stderr, "nothing imported: 1 problem(s)") ||
		!strings.Contains(r.stderr, "--skip-invalid") {
		t.Fatalf("with a problem: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	out := h.ok("import", togglFile, "--timezone", berlin, "--skip-invalid", "--dry-run")
	for _, want := range []string{"Would import 3 entries", "(toggl, 4 rows)", "2:45 h:mm", "dry run",
		"Creates 2 members: ada@example.com, bob@example.com", "Creates 1 client: Acme", "Creates 2 projects: Website, Internal",
		"Creates 1 task: Website / Design", "Creates 2 tags: design, web", "line 6:"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	var entries []app.TimeEntry
	h.okJSON(&entries, "entries", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
	if len(entries) != 0 {
		t.Fatalf("a dry run wrote %d entries", len(entries))
	}

	out = h.ok("import", togglFile, "--timezone", berlin, "--skip-invalid")
	if !strings.Contains(out, "Imported 3 entries") || !strings.Contains(out, "Created 2 members") || !strings.Contains(out, "Skipped 1 row with a problem") {
		t.Errorf("import:\n%s", out)
	}
	var plan app.ImportPlan
	h.okJSON(&plan, "import", togglFile, "--timezone", berlin, "--skip-invalid", "--json")
	if plan.Entries != 0 || plan.Existing != 3 || !plan.Written || len(plan.Create.Projects) != 0 {
		t.Errorf("the second import: %+v", plan)
	}
	var rep app.Report
	h.okJSON(&rep, "report", "--from", "2026-01-01", "--to", "2026-12-31", "--group", "user", "--json")
	if rep.TotalSeconds != (90+15+60)*60 || len(rep.Rows) != 2 {
		t.Errorf("report after the import: %+v", rep)
	}

	if r := h.run("import", "--format", "harvest", togglFile); r.code != 2 || !strings.Contains(r.stderr, "unknown format") {
		t.Errorf("--format harvest: exit %d, %q", r.code, r.stderr)
	}
	unknown := filepath.Join(t.TempDir(), "x.csv")
	writeFile(t, unknown, "a,b\n1,2\n", 0o600)
	if r := h.run("import", unknown); r.code != 2 || !strings.Contains(r.stderr, "--format toggl") {
		t.Errorf("an unknown file: exit %d, %q", r.code, r.stderr)
	}
	if r := h.run("import"); r.code != 2 {
		t.Errorf("no file: exit %d", r.code)
	}
}

// TestImportRoundTrip exports a workspace as Stint's detailed CSV, imports it into an empty
// one, and compares their summary reports under several groupings: names, periods, seconds
// and totals (ids differ between workspaces).
func TestImportRoundTrip(t *testing.T) {
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	src := newHarness(t)
	src.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		acme, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Acme"})
		must(err)
		web, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Website", ClientID: &acme.ID, Billable: true})
		must(err)
		formula, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "=HYPERLINK(\"http://x\")"})
		must(err)
		design, err := svc.CreateTask(ctx, a, app.TaskInput{ProjectID: web.ID, Name: "Design"})
		must(err)
		t1, err := svc.CreateTag(ctx, a, app.TagInput{Name: "design"})
		must(err)
		t2, err := svc.CreateTag(ctx, a, app.TagInput{Name: "web"})
		must(err)
		add := func(in app.TimeEntryInput, start time.Time, d time.Duration) {
			t.Helper()
			stop := start.Add(d)
			in.StartedAt, in.StoppedAt = start, &stop
			_, err := svc.CreateTimeEntry(ctx, a, in)
			must(err)
		}
		yes, no := true, false
		add(app.TimeEntryInput{ProjectID: &web.ID, TaskID: &design.ID, TagIDs: []uuid.UUID{t1.ID, t2.ID}, Description: "Header, footer"},
			time.Date(2026, 11, 23, 9, 0, 0, 0, loc), 90*time.Minute)
		add(app.TimeEntryInput{ProjectID: &web.ID, Description: "Across midnight", Billable: &no},
			time.Date(2026, 11, 23, 23, 0, 0, 0, loc), 90*time.Minute)
		add(app.TimeEntryInput{ProjectID: &formula.ID, Description: "-1+1\nsecond line", TagIDs: []uuid.UUID{t2.ID}},
			time.Date(2026, 11, 24, 9, 0, 0, 0, loc), 20*time.Minute+30*time.Second)
		// 02:30 on 2026-10-25 in Berlin, the second time (CET): 01:30 UTC.
		add(app.TimeEntryInput{Description: "In the repeated hour", Billable: &yes},
			time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), 45*time.Minute)
		add(app.TimeEntryInput{Description: "@noon"}, time.Date(2026, 11, 2, 12, 0, 0, 0, loc), time.Hour)
	})
	path := filepath.Join(t.TempDir(), "export.csv")
	src.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--detailed", "--format", "csv", "-o", path, "--bom")

	dst := newHarness(t)
	dst.seed(func(context.Context, *app.Service, app.Actor) {})
	out := dst.ok("import", path)
	if !strings.Contains(out, "Imported 5 entries") || !strings.Contains(out, "(stint, 5 rows)") {
		t.Fatalf("import of the export:\n%s", out)
	}
	for _, group := range []string{"project,day", "client,week", "task", "tag,month", "user", "project"} {
		for _, billable := range []string{"", "--billable"} {
			args := []string{"report", "--from", "2026-10-01", "--to", "2026-11-30", "--group", group, "--json"}
			if billable != "" {
				args = append(args, billable)
			}
			want, got := reportShape(t, src, args), reportShape(t, dst, args)
			if want != got {
				t.Errorf("%s: the imported workspace's report differs:\n got %s\nwant %s", strings.Join(args, " "), got, want)
			}
		}
	}
	var det struct {
		Entries []app.DetailedEntry `json:"entries"`
	}
	dst.okJSON(&det, "report", "--from", "2026-11-24", "--to", "2026-11-24", "--detailed", "--json")
	descs := []string{}
	for _, e := range det.Entries {
		descs = append(descs, e.Description)
	}
	if !slices.Contains(descs, "-1+1\nsecond line") {
		t.Errorf("the description with a formula sign and a line break came back as %q", descs)
	}
	if out := dst.ok("import", path); !strings.Contains(out, "Imported 0 entries") || !strings.Contains(out, "5 entries were already imported") {
		t.Errorf("the second import:\n%s", out)
	}
}

// reportShape is a report without ids or its instant: periods, names and seconds.
func reportShape(t *testing.T, h *harness, args []string) string {
	t.Helper()
	var rep app.Report
	h.okJSON(&rep, args...)
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s..%s total %d:", rep.From, rep.To, rep.TotalSeconds)
	for _, r := range rep.Rows {
		names := make([]string, len(r.Values))
		for i, v := range r.Values {
			names[i] = string(v.Group) + "=" + v.Name
		}
		fmt.Fprintf(&b, " [%s %s %d]", r.Period, strings.Join(names, ","), r.Seconds)
	}
	if len(rep.Rows) == 0 {
		t.Errorf("%s: an empty report proves nothing", strings.Join(args, " "))
	}
	return b.String()
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := progressBar(&b)
	bar(5000, 20000)
	bar(20000, 20000)
	bar(-1, 0)
	want := "\rimporting [#######-----------------------] 5000 of 20000 entries" +
		"\rimporting [##############################] 20000 of 20000 entries\n"
	if b.String() != want {
		t.Errorf("bar:\n%q\nwant\n%q", b.String(), want)
	}
	var none bytes.Buffer
	progressBar(&none)(-1, 0)
	if none.Len() != 0 {
		t.Errorf("a bar never shown ends a line: %q", none.String())
	}
}

func TestImportPlanJSONShape(t *testing.T) {
	b, err := json.Marshal(app.ImportPlan{Problems: []app.ImportProblem{{Line: 3, Message: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"entries":0`, `"existing":0`, `"problems":[{"line":3,"message":"x"}]`, `"written":false`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("plan JSON %s lacks %s", b, want)
		}
	}
}
