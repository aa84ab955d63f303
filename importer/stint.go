package importer

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stinthq/stint/app"
)

// stintFormat is Stint's own detailed CSV (stint report --detailed --format csv): Date,
// Start, End (RFC 3339 with the offset), Duration, Seconds, User, Email (when written),
// Client, Project, Task, Tags (comma-separated), Description, Billable (true/false). Cells
// that would run as spreadsheet formulas were written behind an apostrophe, which is taken
// off again. A start that a spreadsheet re-formatted (no offset left) is read as a
// wall-clock time, like the other trackers' files.
var stintFormat = csvFormat{
	required: [][]string{{"date"}, {"start"}, {"end"}, {"seconds"}, {"billable"}},
	dateCols: []string{"date", "start", "end"},
	row: func(r record, order dateOrder) (app.ImportRow, error) {
		g := func(names ...string) string { return unformula(r.get(names...)) }
		row := app.ImportRow{UserName: g("user"), Email: g("email"), Client: g("client"), Project: g("project"),
			Task: g("task"), Description: g("description"), Tags: splitTags(g("tags"))}
		var err error
		if row.Billable, err = parseBool(r.get("billable")); err != nil {
			return row, err
		}
		if secs := r.get("seconds"); secs != "" {
			n, err := strconv.ParseInt(secs, 10, 64)
			if err != nil || n < 0 {
				return row, fmt.Errorf("seconds %q", secs)
			}
			row.Duration = time.Duration(n) * time.Second
		}
		start, errS := time.Parse(time.RFC3339, r.get("start"))
		end, errE := time.Parse(time.RFC3339, r.get("end"))
		if errS == nil && (errE == nil || r.get("end") == "") {
			row.Start, row.End = start.UTC(), end.UTC()
			if errE != nil {
				row.End = time.Time{}
			}
		} else {
			row.Floating = true
			row.Start, row.End, err = localSpan(r.get("date"), r.get("start"), "", r.get("end"), row.Duration, order)
			if err != nil {
				return row, err
			}
		}
		if !row.Floating && !row.End.IsZero() && row.End.Before(row.Start) {
			return row, fmt.Errorf("ends before it starts")
		}
		return row, nil
	},
}
