package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

const usageReport = `Usage: stint report [--from DATE] [--to DATE] [flags]

Tracked time over the days FROM..TO (inclusive; default this week), grouped and totalled:
a table, JSON, or a CSV file. Days, weeks and months are cut at midnight in your time zone
(the user's, else the workspace's), so an entry crossing midnight counts on both days;
running timers count up to now. Each row shows whole minutes and the total is the sum of
the rows as shown.

Flags:
  --from DATE          first day, YYYY-MM-DD (or today, yesterday, monday…)
  --to DATE            last day, inclusive
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
  --json               print JSON (with total_seconds)
  --format FORMAT      table (default), json or csv; xlsx, pdf and ics come later
  -o FILE              write to FILE instead of stdout (with --format csv)
  --bom                start a CSV file with a UTF-8 byte order mark, for Excel

CSV files follow RFC 4180 (UTF-8, CRLF line ends). A cell that starts with = + - @ (or a
tab or carriage return) starts with ' instead, so spreadsheets do not run it as a formula.

Examples:
  stint report --from 2026-11-01 --to 2026-11-30 --group client,week
  stint report --from monday --group project,day --billable --json
  stint report --from 2026-11-01 --to 2026-11-30 --detailed --format csv -o november.csv --bom
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
	asJSON := fs.Bool("json", false, "print JSON")
	format := fs.String("format", "table", "table, json or csv")
	out := fs.String("o", "", "output file")
	bom := fs.Bool("bom", false, "UTF-8 byte order mark")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if *asJSON {
		*format = "json"
	}
	switch *format {
	case "table", "json", "csv":
	case "xlsx", "pdf", "ics":
		return usagef("report: --format %s is not available yet (table, json and csv are)", *format)
	default:
		return usagef("report: --format must be table, json or csv")
	}
	if *out != "" && *format != "csv" {
		return usagef("report: -o writes CSV; add --format csv")
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
		lo, hi, err := reportDays(*from, *to, w.svc.Now(), loc)
		if err != nil {
			return err
		}
		q := app.ReportQuery{From: lo, To: hi, Timezone: *tz, Group: groups, Display: disp}
		if q.Timezone == "" {
			q.Timezone = w.tz
		}
		if err := w.reportFilters(ctx, &q, *project, *client, *task, *tag, *user); err != nil {
			return err
		}
		if set["billable"] {
			q.Billable = billable
		}
		if *detailed {
			entries, asOf, err := w.detailed(ctx, q)
			if err != nil {
				return err
			}
			return c.writeReport(*format, *out, *bom, detailedJSON(q, entries, asOf), func(cw *csvWriter) error { return writeDetailedCSV(cw, entries, loc) },
				func(tw io.Writer) { printDetailed(tw, entries, loc) })
		}
		rep, err := w.svc.Report(ctx, w.actor, q)
		if err != nil {
			return err
		}
		return c.writeReport(*format, *out, *bom, rep, func(cw *csvWriter) error { return writeReportCSV(cw, rep) },
			func(tw io.Writer) { printReport(tw, rep) })
	})
}

// reportDays turns --from and --to into dates: this week by default, --to's default the
// sixth day after --from.
func reportDays(from, to string, now time.Time, loc *time.Location) (string, string, error) {
	lo := app.WeekStart(now, loc)
	var err error
	if from != "" {
		if lo, err = app.ParseTimeArg(from, now, loc); err != nil {
			return "", "", usagef("report: --from: %v", err)
		}
	}
	hi := addDays(lo.In(loc), 6)
	if to != "" {
		if hi, err = app.ParseTimeArg(to, now, loc); err != nil {
			return "", "", usagef("report: --to: %v", err)
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
		members, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Member], error) { return w.svc.Members(ctx, w.actor, lp) })
		if err != nil {
			return err
		}
		for _, m := range members {
			if strings.EqualFold(m.Name, user) || strings.EqualFold(m.Email, user) {
				q.UserID = &m.UserID
				return nil
			}
		}
		return notFoundf("no member named %q", user)
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

// detailedReport is what --detailed --json prints.
type detailedReport struct {
	From         string              `json:"from"`
	To           string              `json:"to"`
	Timezone     string              `json:"timezone"`
	AsOf         time.Time           `json:"as_of"`
	TotalSeconds int64               `json:"total_seconds"`
	Entries      []app.DetailedEntry `json:"entries"`
}

func detailedJSON(q app.ReportQuery, entries []app.DetailedEntry, asOf time.Time) detailedReport {
	d := detailedReport{From: q.From, To: q.To, Timezone: q.Timezone, AsOf: asOf, Entries: entries}
	for _, e := range entries {
		d.TotalSeconds += e.Seconds
	}
	return d
}

// writeReport prints v as JSON, a table, or CSV to stdout or a file.
func (c *cli) writeReport(format, path string, bom bool, v any, writeCSV func(*csvWriter) error, table func(io.Writer)) error {
	switch format {
	case "json":
		return c.printJSON(v)
	case "table":
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		table(tw)
		return tw.Flush()
	}
	var w io.Writer = c.stdout
	var f *os.File
	if path != "" {
		var err error
		if f, err = os.Create(path); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		w = f
	}
	if bom {
		if _, err := w.Write([]byte("\uFEFF")); err != nil {
			return errors.Join(fmt.Errorf("report: %w", err), closeFile(f))
		}
	}
	cw := &csvWriter{w: csv.NewWriter(w)}
	cw.w.UseCRLF = true
	err := writeCSV(cw)
	if err == nil {
		cw.w.Flush()
		err = cw.w.Error()
	}
	if err = errors.Join(err, closeFile(f)); err != nil {
		return fmt.Errorf("report: write CSV: %w", err)
	}
	if path != "" {
		c.note("wrote %s", path)
	}
	return nil
}

func closeFile(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close()
}

// csvWriter writes records with every cell made safe for spreadsheets (csvCell).
type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) write(cells ...string) error {
	for i, s := range cells {
		cells[i] = csvCell(s)
	}
	return c.w.Write(cells)
}

// csvCell neutralises a cell a spreadsheet would run as a formula: one starting with = + -
// @ (or tab or carriage return, which some read past) gets a leading apostrophe, which
// spreadsheets show as text and do not evaluate.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// groupTitle is a group's column heading.
func groupTitle(g app.ReportGroup) string {
	s := string(g)
	return strings.ToUpper(s[:1]) + s[1:]
}

// valueName is a row's value as text: its name, or "(no project)" and the like.
func valueName(v app.ReportValue) string {
	if v.ID == nil {
		return "(no " + string(v.Group) + ")"
	}
	if v.Name == "" {
		return "(deleted " + string(v.Group) + ")"
	}
	return v.Name
}

// reportPeriod is the report's period group, "" for none.
func reportPeriod(rep app.Report) app.ReportGroup {
	for _, g := range rep.Group {
		if g == app.GroupDay || g == app.GroupWeek || g == app.GroupMonth {
			return g
		}
	}
	return ""
}

// periodLabel is a row's period as text: the day, "week of" its first day, or the month.
func periodLabel(g app.ReportGroup, first string) string {
	switch g {
	case app.GroupWeek:
		return "week of " + first
	case app.GroupMonth:
		return strings.TrimSuffix(first, "-01")
	}
	return first
}

// printReport writes the report as a table: a column per group, the time in h:mm, and a
// total that is the sum of the rows' whole minutes.
func printReport(w io.Writer, rep app.Report) {
	period := reportPeriod(rep)
	var head []string
	if period != "" {
		head = append(head, groupTitle(period))
	}
	for _, g := range rep.Group {
		if g != period {
			head = append(head, groupTitle(g))
		}
	}
	fmt.Fprintf(w, "%s\tTime\n", strings.Join(head, "\t"))
	var mins int64
	for _, r := range rep.Rows {
		var cols []string
		if period != "" {
			cols = append(cols, periodLabel(period, r.Period))
		}
		for _, v := range r.Values {
			cols = append(cols, cell(valueName(v)))
		}
		m := app.WholeMinutes(r.Seconds)
		mins += m
		fmt.Fprintf(w, "%s\t%s\n", strings.Join(cols, "\t"), app.FormatMinuteCount(m))
	}
	pad := strings.Repeat("\t", max(len(head)-1, 0))
	fmt.Fprintf(w, "Total%s\t%s\n", pad, app.FormatMinuteCount(mins))
	fmt.Fprintf(w, "(%s to %s, %s)\n", rep.From, rep.To, rep.Timezone)
}

// writeReportCSV writes a header, a record per row with its seconds and h:mm, and a total
// record (seconds and minutes each the sum of the rows').
func writeReportCSV(cw *csvWriter, rep app.Report) error {
	period := reportPeriod(rep)
	var head []string
	if period != "" {
		head = append(head, groupTitle(period))
	}
	for _, g := range rep.Group {
		if g != period {
			head = append(head, groupTitle(g))
		}
	}
	if err := cw.write(append(head, "Duration", "Seconds")...); err != nil {
		return err
	}
	var mins, secs int64
	for _, r := range rep.Rows {
		var cols []string
		if period != "" {
			cols = append(cols, r.Period)
		}
		for _, v := range r.Values {
			cols = append(cols, valueName(v))
		}
		m := app.WholeMinutes(r.Seconds)
		mins, secs = mins+m, secs+r.Seconds
		if err := cw.write(append(cols, app.FormatMinuteCount(m), strconv.FormatInt(r.Seconds, 10))...); err != nil {
			return err
		}
	}
	total := make([]string, len(head))
	if len(total) > 0 {
		total[0] = "Total"
	}
	return cw.write(append(total, app.FormatMinuteCount(mins), strconv.FormatInt(secs, 10))...)
}

// printDetailed writes the entries oldest first as a table with their total.
func printDetailed(w io.Writer, entries []app.DetailedEntry, loc *time.Location) {
	fmt.Fprintln(w, "Date\tStart\tEnd\tTime\tUser\tProject\tTask\tDescription")
	var mins int64
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		end := "running"
		if e.StoppedAt != nil {
			end = e.StoppedAt.In(loc).Format("15:04")
		}
		m := app.WholeMinutes(e.Seconds)
		mins += m
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.StartedAt.In(loc).Format(app.DateLayout), e.StartedAt.In(loc).Format("15:04"), end,
			app.FormatMinuteCount(m), cell(e.UserName), cell(e.ProjectName), cell(e.TaskName), cell(e.Description))
	}
	fmt.Fprintf(w, "Total\t\t\t%s\n", app.FormatMinuteCount(mins))
}

// writeDetailedCSV writes the entries oldest first, one record each.
func writeDetailedCSV(cw *csvWriter, entries []app.DetailedEntry, loc *time.Location) error {
	if err := cw.write("Date", "Start", "End", "Duration", "Seconds", "User", "Client", "Project", "Task", "Tags", "Description", "Billable"); err != nil {
		return err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		end := ""
		if e.StoppedAt != nil {
			end = e.StoppedAt.In(loc).Format(time.RFC3339)
		}
		tags := make([]string, len(e.Tags))
		for j, t := range e.Tags {
			tags[j] = t.Name
		}
		if err := cw.write(e.StartedAt.In(loc).Format(app.DateLayout), e.StartedAt.In(loc).Format(time.RFC3339), end,
			app.FormatMinuteCount(app.WholeMinutes(e.Seconds)), strconv.FormatInt(e.Seconds, 10), e.UserName, e.ClientName,
			e.ProjectName, e.TaskName, strings.Join(tags, ", "), e.Description, strconv.FormatBool(e.Billable)); err != nil {
			return err
		}
	}
	return nil
}
