package importer

import (
	"strings"

	"github.com/stinthq/stint/app"
)

// clockifyFormat is Clockify's detailed report as CSV (Reports → Detailed → Export → Save as
// CSV): Project, Client, Description, Task, User, Group, Email, Tags, Billable (Yes/No),
// Start Date, Start Time, End Date, End Time, Duration (h) (HH:MM:SS), Duration (decimal),
// Billable Rate (USD), Billable Amount (USD). Dates follow the account's setting, MM/DD/YYYY
// by default, times its 12- or 24-hour setting (09:00:00 AM); no zone is named. The rate
// and amount columns are not read: Stint computes amounts from its own rates.
var clockifyFormat = csvFormat{
	required: [][]string{{"start date"}, {"start time"}, {"duration (h)", "duration (decimal)"}},
	dateCols: []string{"start date", "end date"},
	row: func(r record, order dateOrder) (app.ImportRow, error) {
		// A duration column named after the user's locale still starts "duration (".
		cols := []string{"duration (h)", "duration (decimal)"}
		for name := range r.h {
			if strings.HasPrefix(name, "duration (") {
				cols = append(cols, name)
			}
		}
		return localRow(r, order, cols...)
	},
}
