package importer

import (
	"github.com/stinthq/stint/app"
)

// kimaiFormat is Kimai's timesheet export as CSV (Timesheets → Export → CSV), whose columns
// come from its spreadsheet renderer: Date, From, To, Duration, Rate, User, Customer,
// Project, Activity, Description, Exported, Tags, Hourly rate, Fixed rate, then meta fields.
// Newer versions add Username, E-mail, Billable and others; they are read when present.
// Date is the day (yyyy-mm-dd), From and To times of day (hh:mm) in the user's zone, which
// the file does not name; Duration is [hh]:mm. An activity becomes a task.
var kimaiFormat = csvFormat{
	required: [][]string{{"date"}, {"from", "begin"}, {"to", "end"}, {"customer"}, {"activity"}},
	dateCols: []string{"date"},
	row: func(r record, order dateOrder) (app.ImportRow, error) {
		row := app.ImportRow{UserName: r.get("user", "name"), Email: r.get("e-mail", "email"), Client: r.get("customer"),
			Project: r.get("project"), Task: r.get("activity"), Description: r.get("description"),
			Tags: splitTags(r.get("tags")), Floating: true}
		var err error
		if row.Billable, err = parseBool(r.get("billable")); err != nil {
			return row, err
		}
		if row.Duration, err = parseDuration(r.get("duration")); err != nil {
			return row, err
		}
		row.Start, row.End, err = localSpan(r.get("date"), r.get("from", "begin"), "", r.get("to", "end"), row.Duration, order)
		if err != nil {
			return row, err
		}
		return row, nil
	},
}
