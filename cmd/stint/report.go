package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

const usageReport = `Usage: stint report [--from DAY] [--to DAY] [flags]

Tracked time over the days FROM..TO (inclusive; default this week), grouped and totalled:
a table, or a file to send on (CSV, XLSX, PDF, JSON, iCalendar). Days, weeks and months are
cut at midnight in your time zone (the user's, else the workspace's), so an entry crossing
midnight counts on both days; running timers count up to now. Each row shows whole minutes
and the total is the sum of the rows as shown.

Flags:
  --from DAY           first day (default: the first day of this week)
  --to DAY             last day, inclusive (default: six days after --from)
  --group LIST         up to two of project, client, task, tag, user and one of day, week,
                       month, comma-separated (default project,day); by tag, an entry with
                       several tags counts once per tag
  --project NAME       only this project
  --client NAME        only this client's projects
  --task NAME          only this task
  --tag NAME           only entries with this tag
  --user NAME          only this member's time (name or e-mail)
  --billable           only billable time (--billable=false: only non-billable)
  --detailed           the entries themselves instead of totals
  --timezone ZONE      cut days in ZONE instead of yours
  --week-start DAY     monday (default), sunday or saturday, for --group week
  --json               print JSON (with total_seconds); the same as --format json
  --format FORMAT      table (default), csv, xlsx, pdf, json or ics
  -o FILE              write to FILE instead of stdout; without --format, FILE's extension
                       (.csv, .xlsx, .pdf, .json, .ics) names the format
  --bom                start a CSV file with a UTF-8 byte order mark, for Excel

` + dayHelp + `

Formats:
  csv    RFC 4180 (UTF-8, CRLF line ends). A cell that starts with = + - @ (or a tab or
         carriage return) starts with ' instead, so spreadsheets do not run it as a formula.
  xlsx   an Excel workbook with typed cells: dates, durations in [h]:mm, a total row. Needs -o.
  pdf    a report page: the range and filters, a bar chart per day (or week, or month), the
         time by the first group, and the table with its total. Needs -o.
  json   the report as the API returns it.
  ics    an iCalendar file with an event per entry (UID from the entry, times in UTC), for
         importing into a calendar; implies --detailed.

Examples:
  stint report --from 2026-11-01 --to 2026-11-30 --group client,week
  stint report --from 2026-11-23 --group project,day --billable --json
  stint report --from 2026-11-01 --to 2026-11-30 --detailed --format csv -o november.csv --bom
  stint report --from 2026-11-01 --to 2026-11-30 --group project,week -o november.pdf
  stint report --from 2026-11-01 --to 2026-11-30 --detailed -o november.xlsx
  stint report --from 2026-11-23 --to 2026-11-29 --format ics -o week.ics
`

// report runs "stint report".
func (c *cli) report(ctx context.Context, args []string) error {
	fs := newFlagSet("report")
	from := fs.String("from", "", "first day")
	to := fs.String("to", "", "last day")
	group := fs.String("group", "project,day", "groups")
	project := fs.String("project", "", "project name")
	client := fs.String("client", "", "client name")
	task := fs.String("task", "", "task name")
	tag := fs.String("tag", "", "tag name")
	user := fs.String("user", "", "member name or e-mail")
	billable := fs.Bool("billable", false, "only billable time")
	detailed := fs.Bool("detailed", false, "list entries")
	tz := fs.String("timezone", "", "time zone")
	weekStart := fs.String("week-start", "monday", "first day of a week")
	asJSON := fs.Bool("json", c.json, "print JSON")
	format := fs.String("format", "", "table, csv, xlsx, pdf, json or ics")
	out := fs.String("o", "", "output file")
	bom := fs.Bool("bom", false, "UTF-8 byte order mark")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	f, err := reportFormat(*format, *asJSON, *out, *bom)
	if err != nil {
		return err
	}
	if f == export.ICS {
		*detailed = true
	}
	groups, err := app.ParseReportGroups(*group)
	if err != nil {
		return err
	}
	var disp app.Display
	switch strings.ToLower(*weekStart) {
	case "monday":
	case "sunday":
		disp.Sunday = true
	case "saturday":
		disp.Saturday = true
	default:
		return usagef("report: --week-start must be monday, sunday or saturday")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return c.withWorkspace(ctx, func(w *workspace) error {
		loc := w.loc
		if *tz != "" {
			if loc, err = time.LoadLocation(*tz); err != nil || *tz == "Local" {
				return app.Invalid("timezone", "must be an IANA time zone such as Europe/Berlin")
			}
		}
		lo, hi, err := reportDays("report", *from, *to, w.svc.Now(), loc)
		if err != nil {
			return err
		}
		q := app.ReportQuery{From: lo, To: hi, Timezone: *tz, Group: groups, Display: disp, Shown: true}
		if q.Timezone == "" {
			q.Timezone = w.tz
		}
		if err := w.reportFilters(ctx, &q, *project, *client, *task, *tag, *user); err != nil {
			return err
		}
		if set["billable"] {
			q.Billable = billable
		}
		doc := export.Document{Title: "Time report", From: q.From, To: q.To, Timezone: q.Timezone, Location: loc, BOM: *bom,
			Filters: reportFilterLines(*project, *client, *task, *tag, *user, q.Billable)}
		if *detailed {
			doc.Title = "Time entries"
			if doc.Entries, doc.AsOf, err = w.detailed(ctx, q); err != nil {
				return err
			}
			if f == "" {
				return c.writeTable(func(tw io.Writer) { printDetailed(tw, doc.Entries, loc) })
			}
		} else {
			rep, err := w.svc.Report(ctx, w.actor, q)
			if err != nil {
				return err
			}
			doc.Summary, doc.AsOf = &rep, rep.AsOf
			if f == "" {
				return c.writeTable(func(tw io.Writer) { printReport(tw, rep) })
			}
		}
		if f == export.PDF {
			if doc.Periods, doc.PeriodGroup, err = w.periodBars(ctx, q, doc.Summary); err != nil {
				return err
			}
		}
		return c.writeExport(f, *out, doc)
	})
}

// reportFormat checks --format, --json, -o and --bom together and returns the file format,
// "" for the table.
func reportFormat(format string, asJSON bool, out string, bom bool) (export.Format, error) {
	if asJSON {
		if format != "" && format != "json" {
			return "", usagef("report: --json and --format %s disagree", format)
		}
		format = "json"
	}
	if format == "" && out != "" {
		ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
		if _, err := export.ParseFormat(ext); err != nil {
			return "", usagef("report: -o %s: name the format with --format (csv, xlsx, pdf, json or ics)", out)
		}
		format = ext
	}
	var f export.Format
	if format != "" && format != "table" {
		var err error
		if f, err = export.ParseFormat(format); err != nil {
			return "", usagef("report: --format must be table, csv, xlsx, pdf, json or ics")
		}
	}
	switch {
	case f == "" && out != "":
		return "", usagef("report: -o writes a file: add --format csv, xlsx, pdf, json or ics")
	case (f == export.XLSX || f == export.PDF) && out == "":
		return "", usagef("report: --format %s writes a binary file: add -o FILE", f)
	case bom && f != export.CSV:
		return "", usagef("report: --bom is for CSV files")
	}
	return f, nil
}

// reportFilterLines are the filters a PDF names under its title.
func reportFilterLines(project, client, task, tag, user string, billable *bool) []export.Filter {
	var out []export.Filter
	for _, f := range []export.Filter{{Name: "Client", Value: client}, {Name: "Project", Value: project}, {Name: "Task", Value: task},
		{Name: "Tag", Value: tag}, {Name: "User", Value: user}} {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	if billable != nil {
		v := "billable only"
		if !*billable {
			v = "non-billable only"
		}
		out = append(out, export.Filter{Name: "Billable", Value: v})
	}
	return out
}

// periodBars is the PDF's bar chart: the report's own periods when it is grouped by one,
// else the same query's time per day (per week past five weeks, per month past half a year).
func (w *workspace) periodBars(ctx context.Context, q app.ReportQuery, rep *app.Report) ([]export.Bar, app.ReportGroup, error) {
	if rep != nil && export.ReportPeriod(*rep) != "" {
		return export.PeriodBars(*rep), export.ReportPeriod(*rep), nil
	}
	lo, err1 := time.Parse(app.DateLayout, q.From)
	hi, err2 := time.Parse(app.DateLayout, q.To)
	if err1 != nil || err2 != nil {
		return nil, "", nil
	}
	period := app.GroupDay
	switch days := hi.Sub(lo).Hours() / 24; {
	case days > 183:
		period = app.GroupMonth
	case days > 35:
		period = app.GroupWeek
	}
	q.Group = []app.ReportGroup{period}
	byPeriod, err := w.svc.Report(ctx, w.actor, q)
	if err != nil {
		return nil, "", err
	}
	return export.PeriodBars(byPeriod), period, nil
}

// writeTable prints a text table to stdout.
func (c *cli) writeTable(table func(io.Writer)) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	table(tw)
	return tw.Flush()
}

// writeExport writes doc in format f to path, or to stdout when path is empty (JSON then
// goes through printJSON, which keeps terminal controls out).
func (c *cli) writeExport(f export.Format, path string, doc export.Document) error {
	if path == "" {
		if f == export.JSON {
			return c.printJSON(export.JSONValue(doc))
		}
		if err := export.Write(f, c.stdout, doc); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return nil
	}
	if err := export.WriteFile(f, path, doc); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	c.note("wrote %s\n", path)
	return nil
}

// reportDays turns --from and --to (DAYs) into dates: this week by default, --to's default
// the sixth day after --from. report and activity share it.
func reportDays(cmd, from, to string, now time.Time, loc *time.Location) (string, string, error) {
	lo := app.WeekStart(now, loc)
	var err error
	if from != "" {
		if lo, err = parseDay(from, now, loc); err != nil {
			return "", "", usagef("%s: --from: %v", cmd, err)
		}
	}
	hi := addDays(lo.In(loc), 6)
	if to != "" {
		if hi, err = parseDay(to, now, loc); err != nil {
			return "", "", usagef("%s: --to: %v", cmd, err)
		}
	}
	return lo.In(loc).Format(app.DateLayout), hi.In(loc).Format(app.DateLayout), nil
}

// reportFilters resolves the names of --project, --client, --task, --tag and --user.
func (w *workspace) reportFilters(ctx context.Context, q *app.ReportQuery, project, client, task, tag, user string) error {
	find := func(kind, name string, projectID *uuid.UUID) (*uuid.UUID, error) {
		if name == "" {
			return nil, nil
		}
		k, _ := catalogKinds(kind)
		item, err := findCatalogItem(ctx, w, k, name, projectID)
		if err != nil {
			return nil, err
		}
		return &item.ID, nil
	}
	if project != "" {
		p, err := w.projectByName(ctx, project)
		if err != nil {
			return err
		}
		q.ProjectID = &p.ID
	}
	var err error
	if q.ClientID, err = find("clients", client, nil); err != nil {
		return err
	}
	if q.TaskID, err = find("tasks", task, q.ProjectID); err != nil {
		return err
	}
	if q.TagID, err = find("tags", tag, nil); err != nil {
		return err
	}
	if user != "" {
		id, err := w.memberByName(ctx, user)
		if err != nil {
			return err
		}
		q.UserID = &id
	}
	return nil
}

// detailed reads every page of a detailed report.
func (w *workspace) detailed(ctx context.Context, q app.ReportQuery) ([]app.DetailedEntry, time.Time, error) {
	dq := app.DetailedQuery{ListParams: app.ListParams{Limit: app.MaxPageLimit}, From: q.From, To: q.To, Timezone: q.Timezone,
		UserID: q.UserID, ProjectID: q.ProjectID, ClientID: q.ClientID, TaskID: q.TaskID, TagID: q.TagID, Billable: q.Billable}
	out := []app.DetailedEntry{}
	var asOf time.Time
	for {
		page, err := w.svc.DetailedReport(ctx, w.actor, dq)
		if err != nil {
			return nil, asOf, err
		}
		out, asOf = append(out, page.Items...), page.AsOf
		if page.NextCursor == "" {
			return out, asOf, nil
		}
		dq.Cursor = page.NextCursor
	}
}

// printReport writes the report as a table: a column per group, the time in h:mm, and a
// total that is the sum of the rows' whole minutes.
func printReport(w io.Writer, rep app.Report) {
	period := export.ReportPeriod(rep)
	head := export.SummaryHead(rep)
	fmt.Fprintf(w, "%s\tTime\n", strings.Join(head, "\t"))
	var mins int64
	for _, r := range rep.Rows {
		var cols []string
		if period != "" {
			cols = append(cols, export.PeriodLabel(period, r.Period))
		}
		for _, v := range r.Values {
			cols = append(cols, cell(export.ValueName(v)))
		}
		m := r.Minutes()
		mins += m
		fmt.Fprintf(w, "%s\t%s\n", strings.Join(cols, "\t"), app.FormatMinuteCount(m))
	}
	pad := strings.Repeat("\t", max(len(head)-1, 0))
	fmt.Fprintf(w, "Total%s\t%s\n", pad, app.FormatMinuteCount(mins))
	fmt.Fprintf(w, "(%s to %s, %s)\n", rep.From, rep.To, rep.Timezone)
}

// printDetailed writes the entries oldest first as a table with their total.
// The names and the description are cut so a row fits maxLineWidth.
func printDetailed(w io.Writer, entries []app.DetailedEntry, loc *time.Location) {
	rows := [][]string{{"Date", "Start", "End", "Time", "User", "Project", "Task", "Description"}}
	var mins int64
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		end := "running"
		if e.StoppedAt != nil {
			end = e.StoppedAt.In(loc).Format("15:04")
		}
		m := app.WholeMinutes(e.Seconds)
		mins += m
		rows = append(rows, []string{e.StartedAt.In(loc).Format(app.DateLayout), e.StartedAt.In(loc).Format("15:04"), end,
			app.FormatMinuteCount(m), cell(e.UserName), cell(e.ProjectName), cell(e.TaskName), cell(e.Description)})
	}
	for _, r := range fitColumns(rows, []bool{false, false, false, false, true, true, true, true}) {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	fmt.Fprintf(w, "Total\t\t\t%s\n", app.FormatMinuteCount(mins))
}
