package app

import "time"

// ImportRow is one time entry read from another tracker's file (package importer), before
// it is mapped onto the workspace: people, clients, projects, tasks and tags by name.
type ImportRow struct {
	// Line is where the row starts in the file (1-based), for problems.
	Line        int
	UserName    string
	Email       string
	Client      string
	Project     string
	Task        string
	Description string
	Tags        []string
	// Billable nil leaves the project's default.
	Billable *bool
	// Start and End are instants, or with Floating the wall-clock times of the file's zone
	// held in UTC fields (the file names no zone). End zero: the row has no end.
	Start, End time.Time
	Floating   bool
	// Duration is the file's own length of the row (0 when it has none): it settles the end
	// of a row whose wall-clock end is ambiguous across a DST change.
	Duration time.Duration
}

// ImportProblem is a row that cannot be imported, and why.
type ImportProblem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}
