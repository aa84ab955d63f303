package importer

import (
	"github.com/stinthq/stint/app"
)

// togglFormat is Toggl Track's detailed report as CSV (Reports → Detailed → Export → CSV):
// User, Email, Client, Project, Task, Description, Billable (Yes/No), Start date, Start time,
// End date, End time, Duration (HH:MM:SS), Tags (comma-separated), sometimes Amount. Dates
// are ISO, times 24-hour, both in the exporting user's zone, which the file does not name.
var togglFormat = csvFormat{
	required: [][]string{{"start date"}, {"start time"}, {"duration"}, {"description"}},
	dateCols: []string{"start date", "end date"},
	row: func(r record, order dateOrder) (app.ImportRow, error) {
		return localRow(r, order, "duration")
	},
}

// localRow reads the columns Toggl and Clockify share, with durCols the columns that may
// hold the row's length. An end before the start is left for the service, which places wall
// clocks in the source zone (a row across a DST change may end on an earlier wall clock).
func localRow(r record, order dateOrder, durCols ...string) (app.ImportRow, error) {
	row := app.ImportRow{UserName: r.get("user"), Email: r.get("email"), Client: r.get("client"),
		Project: r.get("project"), Task: r.get("task"), Description: r.get("description"),
		Tags: splitTags(r.get("tags")), Floating: true}
	var err error
	if row.Billable, err = parseBool(r.get("billable")); err != nil {
		return row, err
	}
	if row.Duration, err = parseDuration(r.get(durCols...)); err != nil {
		return row, err
	}
	row.Start, row.End, err = localSpan(r.get("start date"), r.get("start time"), r.get("end date"), r.get("end time"), row.Duration, order)
	if err != nil {
		return row, err
	}
	return row, nil
}
